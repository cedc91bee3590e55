"""Every console page; importing this package registers their routes on the blueprint."""

from bot.console import auth
from bot.console.pages import dashboard, faq, notices, people, reports, review, surveys, tickets

__all__ = ["auth", "dashboard", "faq", "notices", "people", "reports", "review", "surveys", "tickets"]
