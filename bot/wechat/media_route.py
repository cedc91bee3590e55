"""`GET /media/<name>`: a kept photo, for the link on a staff card ({photo} in [push] detail_url).
Who may see it is the console's rule: the link leads to the photo on its ticket's console route,
which wants a signed-in staff member of that ticket, a supervisor or a manager (anyone else is
sent to sign in, or refused)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, url_for
from sqlalchemy import Text, cast, or_, select
from sqlmodel import Session

from storage.models import MediaFile, Ticket

bp = Blueprint("media", __name__)


@bp.get("/media/<name>")
def photo(name: str) -> Any:
    services = current_app.extensions["wuye"]
    with Session(services.engine) as session:
        row = session.execute(select(MediaFile).where(MediaFile.name == name.split(".")[0])).scalar_one_or_none()
        number = _ticket_of(session, row) if row is not None else None
    if row is None or number is None or "console.ticket_photo" not in current_app.view_functions:
        abort(404)
    return redirect(url_for("console.ticket_photo", number=number, name=row.name))


def _ticket_of(session: Session, row: MediaFile) -> str | None:
    """The newest ticket that holds this photo (by its PicUrl or its MediaId)."""
    refs = [r for r in (row.pic_url, row.media_id) if r]
    if not refs:
        return None
    text = cast(Ticket.photos, Text)
    found = session.execute(
        select(Ticket.number, Ticket.photos).where(or_(*(text.contains(r) for r in refs))).order_by(Ticket.id.desc())
    ).all()
    return next((number for number, photos in found if set(refs) & set(photos or [])), None)
