"""住户与员工 (managers): staff add/edit (role, categories, buildings), residents and who is
bound, and a roster import that names each bad line (all rows or none, as the CLI does)."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import or_, select
from sqlmodel import Session

from bot.console.web import (
    bp,
    community_choices,
    db,
    needs,
    now,
    paginate,
    saved_upload,
    scope,
    served,
    services,
    show,
    upload_name,
)
from bot.people import staff as staff_records
from bot.people.roster import apply_roster, check_communities, parse_roster
from storage import communities
from storage import tickets as store
from storage.models import House, Person, RosterEntry

ROLE_LABEL = {"staff": "员工", "supervisor": "主管", "manager": "经理", "resident": "住户"}


@bp.get("/people")
@needs("manager")
def people() -> Any:
    tab = request.args.get("tab", "staff")
    text = request.args.get("q", "").strip()
    with Session(services().engine) as s:
        ids = scope(s)
        if tab == "residents":
            q = (select(RosterEntry, House, Person).join(House, House.id == RosterEntry.house_id)
                 .outerjoin(Person, (Person.house_id == RosterEntry.house_id) & (Person.phone == RosterEntry.phone)
                            & (Person.role == "resident")))
            if text:
                q = q.where(or_(RosterEntry.name.contains(text), RosterEntry.phone == text, House.room == text,
                                House.building == text.removesuffix("栋")))
            if ids is not None:
                q = q.where(House.community_id.in_(ids))
            page = paginate(s, q.order_by(House.building, House.unit, House.room, RosterEntry.id))
            load: dict[int, int] = {}
        else:
            q = select(Person).where(Person.role.in_(staff_records.STAFF_ROLES))
            if text:
                q = q.where(or_(Person.name.contains(text), Person.openid == text, Person.phone == text))
            if ids is not None:
                q = q.where(serving(ids))
            page = paginate(s, q.order_by(Person.role, Person.name))
            load = store.open_load(s, [p.id for p in page.items if p.id])
        places, company_level = community_choices(s), served(s) is None
    return show("people.html", tab=tab, page=page, load=load, role_label=ROLE_LABEL, args=request.args,
                  categories=staff_records.CATEGORIES, places=places, company_level=company_level)


def _picked_communities(form: Any, mine: list[int] | None, new: bool) -> list[int] | None:
    """The communities ticked on the form (全公司: [] for company level, only for company-level
    managers), kept within the manager's own; without the field, a community manager's new
    staff join the manager's communities and everyone else keeps theirs."""
    if not form.get("communities_shown"):
        return mine if new and mine is not None else None
    ticked = form.getlist("communities")
    if "all" in ticked and mine is None:
        return []
    ids = [int(v) for v in ticked if v.isdigit() and (mine is None or int(v) in mine)]
    if not ids:
        return mine if new and mine is not None else None
    return ids


def _shares(person: Person, mine: list[int] | None) -> bool:
    theirs = communities.ids_of(person)
    return mine is None or not theirs or bool(set(theirs) & set(mine))


def serving(ids: list[int]) -> Any:
    """Staff who serve one of these communities (or every community)."""
    listed = "," + Person.community_ids + ","
    return or_(Person.community_ids == "", *[listed.contains(f",{i},") for i in ids])


@bp.get("/people/staff/<int:person_id>")
@needs("manager")
def staff_edit(person_id: int) -> Any:
    with Session(services().engine) as s:
        person = s.get(Person, person_id)
        mine = served(s)
        places = community_choices(s)
    if person is None or person.role not in staff_records.STAFF_ROLES or not _shares(person, mine):
        abort(404)
    return show("staff_edit.html", p=person, role_label=ROLE_LABEL, categories=staff_records.CATEGORIES,
                places=places, company_level=mine is None)


@bp.post("/people/staff")
@needs("manager")
def staff_save() -> Any:
    f = request.form
    categories = ",".join(f.getlist("categories")) or f.get("categories_text", "")
    try:
        with db() as s:
            mine = served(s)
            existing = s.execute(select(Person).where(Person.openid == f.get("openid", "").strip())).scalar_one_or_none()
            if existing is not None and not _shares(existing, mine):
                abort(403)  # another community's person
            person, new = staff_records.save(
                s, openid=f.get("openid", ""), name=f.get("name", ""), role=f.get("role", "staff"),
                phone=f.get("phone", ""), categories=categories, buildings=f.get("buildings", ""), now=now(),
                active=f.get("active", "1") == "1",
                community_ids=_picked_communities(f, mine, existing is None))
            person_id = person.id
    except staff_records.StaffError as exc:
        flash(str(exc), "error")
        return redirect(request.referrer or url_for("console.people"))
    flash(f"已{'添加' if new else '保存'} {person.name}", "ok")
    return redirect(url_for("console.staff_edit", person_id=person_id))


_SAFE_NAME = re.compile(r"[^\w.\-]+")


@bp.post("/people/roster")
@needs("manager")
def roster_import() -> Any:
    chosen = upload_name()
    if chosen is None:
        flash("请选择花名册 CSV 文件", "error")
        return redirect(url_for("console.people", tab="residents"))
    # Saved under its own name, so each error names the file the manager chose.
    name = _SAFE_NAME.sub("_", chosen) or "roster.csv"
    with saved_upload(name) as path:
        rows, errors = parse_roster(path)
    with db() as s:
        errors += check_communities(s, rows, source=name)
    if errors:
        return show("roster_errors.html", name=name, errors=errors), 422
    with db() as s:
        result = apply_roster(s, rows)
    flash(f"花名册已导入：新增 {result.added}，更新 {result.updated}，未变 {result.unchanged}", "ok")
    return redirect(url_for("console.people", tab="residents"))
