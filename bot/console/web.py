"""The console blueprint and what every page shares: who is signed in, role checks, paging,
times in the community's zone. Pages live in their own modules and add routes to `bp`."""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from bot.config import Settings
from bot.services import Services
from bot.tickets.status import kind_label, status_label
from storage import communities
from storage.clock import utcnow
from storage.models import Person

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")

RANK = {"staff": 1, "supervisor": 2, "manager": 3}
# (endpoint, label, the least role that sees it): the navigation, and the role each page checks.
NAV: tuple[tuple[str, str, str], ...] = (
    ("console.dashboard", "工作台", "staff"),
    ("console.tickets", "工单", "staff"),
    ("console.surveys", "回访", "staff"),
    ("console.notices_page", "通知", "manager"),
    ("console.faq", "知识库", "supervisor"),
    ("console.review_page", "待学习", "supervisor"),
    ("console.people", "住户与员工", "manager"),
    ("console.reports", "报表", "supervisor"),
)
PAGE_SIZE = 50
UPLOADS = ("console.faq_import", "console.roster_import")
UPLOAD_BYTES = 10 * 1024 * 1024

F = TypeVar("F", bound=Callable[..., Any])


def services() -> Services:
    return current_app.extensions["wuye"]  # type: ignore[no-any-return]


def settings() -> Settings:
    return services().settings


def now() -> datetime:
    return utcnow()


@contextmanager
def db() -> Iterator[Session]:
    """One transaction per action: commit on success, roll back on error."""
    with Session(services().engine, expire_on_commit=False) as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


def me() -> Person:
    person: Person = g.console_person
    return person


def can(least: str) -> bool:
    person = g.get("console_person")
    return person is not None and RANK.get(person.role, 0) >= RANK[least]


def needs(least: str) -> Callable[[F], F]:
    """The page is for `least` and above; checked on the server for every request."""

    def wrap(fn: F) -> F:
        @wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if g.get("console_person") is None:
                expired = 1 if g.get("console_expired") else None
                if request.method == "GET":
                    # A link from a push (a ticket, a photo) opened before signing in: the sign-in
                    # link that follows in this browser leads back to it.
                    session["next"] = request.full_path.rstrip("?")
                return redirect(url_for("console.signed_out", expired=expired))
            if not can(least):
                abort(403)
            return fn(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap


@bp.before_request
def _load_person() -> Any:
    """The signed-in person, fresh from the database (a role change applies at once), and the
    idle timeout: a session unused for `idle_minutes` is over."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        if request.endpoint in UPLOADS:
            # Documents and rosters are larger than WeChat's messages ([server] max_body_bytes).
            request.max_content_length = UPLOAD_BYTES
        # Every state-changing request carries the form's token; without it: 400, nothing done.
        current_app.extensions["csrf"].protect()
    g.console_person = None
    pid, seen = session.get("pid"), session.get("seen")
    if pid is None:
        return None
    t = now().timestamp()
    if seen is None or t - float(seen) > settings().console.idle_minutes * 60:
        session.clear()
        g.console_expired = True
        return None
    with Session(services().engine) as s:
        person = s.get(Person, pid)
    from bot.console.links import may_sign_in

    if not may_sign_in(person):
        session.clear()
        return None
    session["seen"] = t
    g.console_person = person
    return None


# Globals, so macros imported without the page's context see them too.
bp.add_app_template_global(status_label, "status_label")
bp.add_app_template_global(kind_label, "kind_label")


@bp.app_template_filter("when")
def when_filter(dt: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    if dt is None:
        return "-"
    return dt.astimezone(settings().community.tz).strftime(fmt)


def show(template: str, **values: Any) -> str:
    person = g.get("console_person")
    nav = [(ep, label) for ep, label, least in NAV if can(least) and ep in current_app.view_functions] if person else []
    return render_template(f"console/{template}", me=person, nav=nav, community=settings().community,
                           page_endpoint=request.endpoint, **values)


@dataclass
class Page:
    items: list[Any]
    number: int
    pages: int
    total: int

    def url(self, n: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(n)
        return url_for(request.endpoint or "console.dashboard", **(request.view_args or {}), **args)


def page_of(total: int, size: int = PAGE_SIZE) -> tuple[int, int]:
    """(the page asked for by `?page=`, numbered from 1 and held within the pages there are, how
    many pages `total` rows fill)."""
    try:
        number = max(int(request.args.get("page", "1")), 1)
    except ValueError:
        number = 1
    pages = max(math.ceil(total / size), 1)
    return min(number, pages), pages


def paginate(s: Session, query: Select[Any], size: int = PAGE_SIZE) -> Page:
    """One page of a query, numbered from 1 (`?page=`); the count is one indexed query."""
    total = int(s.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one())
    number, pages = page_of(total, size)
    rows = s.execute(query.limit(size).offset((number - 1) * size)).all()
    items = [r[0] if len(r) == 1 else tuple(r) for r in rows]
    return Page(items, number, pages, total)


def upload_name() -> str | None:
    """The name (no folders) of the file the form's `file` field carries; None when none was chosen."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    return Path(upload.filename).name


@contextmanager
def saved_upload(name: str) -> Iterator[Path]:
    """The form's `file`, saved as `name` in a folder of its own that is gone afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        request.files["file"].save(path)
        yield path


def served(s: Session) -> list[int] | None:
    """The communities the signed-in person works for (None: every one, company level)."""
    return communities.served(s, me())


def scope(s: Session) -> list[int] | None:
    """The communities a page shows: those the person works for, narrowed by ?community=ID."""
    mine = served(s)
    wanted = request.args.get("community", "")
    if wanted.isdigit() and (mine is None or int(wanted) in mine):
        return [int(wanted)]
    return mine


def in_scope(s: Session, community_id: int | None) -> bool:
    mine = served(s)
    return mine is None or community_id in mine


def community_choices(s: Session) -> list[tuple[int, str]]:
    """The communities the person may pick between (none when there is only one to see)."""
    mine = served(s)
    rows = [(c.id, c.name) for c in communities.all_(s) if c.id is not None and (mine is None or c.id in mine)]
    return rows if len(rows) > 1 else []


def people_names(s: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {p.id: (p.name or p.openid or "?") for p in s.execute(select(Person).where(Person.id.in_(wanted))).scalars()
            if p.id is not None}
