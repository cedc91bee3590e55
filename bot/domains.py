"""The domains that plug into the outbound machinery, in one explicit list (as Flask's tutorial
registers its blueprints in `create_app` and Datasette lists its default plugins).

Everything that runs jobs or delivers outbox rows (the app factory, the worker, the CLI, tests)
calls `install_all()` first; installing twice is harmless.
"""

from __future__ import annotations

from bot.outbound.registry import REGISTRY, Registry


def install_all(registry: Registry = REGISTRY) -> Registry:
    from bot import notices, surveys, tickets
    from bot.outbound import planner
    from bot.wechat import media, tags

    for domain in (planner, media, tickets, surveys, notices, tags):
        domain.install(registry)
    return registry
