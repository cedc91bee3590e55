"""The account's custom menu (自定义菜单): the default one for everybody and a conditional one for
staff (matched by a WeChat tag). Sent through the outbox like every other call; `wuye menu push`
enqueues the calls and delivers them, step by step, reporting WeChat's answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import MenuButton, Settings
from bot.outbound import outbox
from bot.wechat import tags
from storage.clock import utcnow
from storage.models import Outbox, Person, WeChatTag

MENU_CREATE = "menu/create"
MENU_CONDITIONAL = "menu/addconditional"
STAFF_KEY = "staff"  # the WeChatTag row of the staff tag (building rows are numbers)


def button_json(b: MenuButton) -> dict[str, Any]:
    if b.sub:
        return {"name": b.name, "sub_button": [button_json(s) for s in b.sub]}
    if b.url:
        return {"type": "view", "name": b.name, "url": b.url}
    return {"type": "click", "name": b.name, "key": b.key}


def menu_body(buttons: list[MenuButton]) -> dict[str, Any]:
    return {"button": [button_json(b) for b in buttons]}


@dataclass
class Step:
    """One call's outcome, for the operator."""

    what: str
    ok: bool
    detail: str


Deliver = Callable[[], None]


def wait(engine: Engine, deliver: Deliver, key: str, rounds: int = 30) -> Outbox:
    """Deliver until the row with this dedupe key is sent or dead (it may go to another worker)."""
    for _ in range(rounds):
        with Session(engine) as s:
            row = s.execute(select(Outbox).where(Outbox.dedupe_key == key)).scalar_one()
        if row.status in ("sent", "dead"):
            return row
        deliver()
    return row


def push(engine: Engine, settings: Settings, deliver: Deliver) -> list[Step]:
    """Send the default menu, then (when configured and staff exist) the staff menu by tag."""
    stamp = f"{utcnow():%Y%m%d%H%M%S%f}"
    steps: list[Step] = []
    with Session(engine) as s:
        key = f"menu:create:{stamp}"
        outbox.enqueue(s, kind="api", endpoint=MENU_CREATE, body=menu_body(settings.menu.buttons), dedupe_key=key)
        s.commit()
    row = wait(engine, deliver, key)
    steps.append(Step("menu for everybody", row.status == "sent", row.last_error or row.status))
    if row.status != "sent" or not settings.menu.staff_buttons:
        return steps
    with Session(engine) as s:
        staff = [p.openid for p in s.execute(
            select(Person).where(Person.role != "resident", Person.active.is_(True), Person.openid.is_not(None))
        ).scalars() if p.openid]
    if not staff:
        steps.append(Step("staff menu", False, "no staff registered (`wuye staff add`); skipped"))
        return steps
    tag_id = _staff_tag(engine, settings, staff, stamp, deliver, steps)
    if tag_id is None:
        return steps
    with Session(engine) as s:
        key = f"menu:conditional:{stamp}"
        body = menu_body(settings.menu.staff_buttons) | {"matchrule": {"tag_id": str(tag_id)}}
        outbox.enqueue(s, kind="api", endpoint=MENU_CONDITIONAL, body=body, dedupe_key=key)
        s.commit()
    row = wait(engine, deliver, key)
    detail = f"menuid {(row.result or {}).get('menuid')}" if row.status == "sent" else (row.last_error or row.status)
    steps.append(Step(f"staff menu (tag {settings.menu.staff_tag}, {len(staff)} people)", row.status == "sent", detail))
    return steps


def _staff_tag(engine: Engine, settings: Settings, staff: list[str], stamp: str, deliver: Deliver,
               steps: list[Step]) -> int | None:
    """The staff tag's id once it exists and every staff member carries it (via bot.wechat.tags)."""
    with Session(engine) as s:
        row = s.execute(select(WeChatTag).where(WeChatTag.building == STAFF_KEY)).scalar_one_or_none()
        if row is None:
            s.add(WeChatTag(building=STAFF_KEY, name=settings.menu.staff_tag))
        elif row.name != settings.menu.staff_tag or row.state == "failed":
            row.name, row.tag_id, row.state, row.error = settings.menu.staff_tag, None, "unknown", None
        s.commit()
    round_id = int(stamp[:14])  # tags.prepare keys its tagging calls by this
    for _ in range(30):
        with Session(engine) as s:
            ready = tags.prepare(s, settings, round_id, {STAFF_KEY: staff})
            s.commit()
        if ready.failed:
            steps.append(Step("staff tag", False, ready.failed))
            return None
        if ready.tags:
            steps.append(Step(f"staff tag {settings.menu.staff_tag}", True, f"id {ready.tags[STAFF_KEY]}"))
            return ready.tags[STAFF_KEY]
        deliver()
    steps.append(Step("staff tag", False, "WeChat did not answer in time; run `wuye menu push` again"))
    return None


def describe(menu: dict[str, Any]) -> list[str]:
    """WeChat's menu/get answer as lines for `wuye menu show`."""
    lines: list[str] = []

    def buttons(items: list[dict[str, Any]], indent: str) -> None:
        for b in items:
            subs = b.get("sub_button")
            if isinstance(subs, dict):  # menu/get nests sub buttons as {"list": [...]}
                subs = subs.get("list")
            action = b.get("key") or b.get("url") or ""
            lines.append(f"{indent}{b.get('name')}" + (f"  [{b.get('type')}: {action}]" if b.get("type") else ""))
            if subs:
                buttons(subs, indent + "    ")

    lines.append("menu for everybody:")
    buttons(menu.get("menu", {}).get("button", []), "  ")
    for cond in menu.get("conditionalmenu", []):
        lines.append(f"conditional menu {cond.get('menuid')} (match {cond.get('matchrule')}):")
        buttons(cond.get("button", []), "  ")
    return lines
