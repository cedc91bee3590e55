"""`GET /media/<name>`: a kept photo, for the link on a staff card ({photo} in [push] detail_url).
Names are unguessable handles (128 random bits), so a link is the permission to see one photo."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, send_file
from sqlalchemy import select
from sqlmodel import Session

from bot.wechat import media
from storage.models import MediaFile

bp = Blueprint("media", __name__)


@bp.get("/media/<name>")
def photo(name: str) -> Response:
    services = current_app.extensions["wuye"]
    with Session(services.engine) as session:
        row = session.execute(select(MediaFile).where(MediaFile.name == name.split(".")[0])).scalar_one_or_none()
    if row is None or row.status != "stored":
        abort(404)
    path = media.file_path(services.settings, row)
    if not path.is_file():
        abort(404)
    return send_file(path.resolve(), mimetype=row.content_type or "application/octet-stream", max_age=86400)
