"""The Flask application factory; `bot.app:create_app()` is the WSGI entry for gunicorn."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from bot.config import Settings, load_settings
from bot.console.setup import install as install_console
from bot.domains import install_all
from bot.services import Services
from bot.wechat.media_route import bp as media_bp
from bot.wechat.webhook import bp as webhook_bp

log = logging.getLogger("wuye.app")


def create_app(settings: Settings | None = None, services: Services | None = None) -> Flask:
    settings = settings or (services.settings if services else load_settings())
    if services is None:
        services = Services.build(settings)
        services.nlu.warm()  # a gunicorn worker pays for the index before its first request
    install_all()
    from bot.redact import install_log_filter

    install_log_filter()  # under gunicorn too: no access token or password in any log line
    svc = services
    app = Flask("wuye")
    app.config["MAX_CONTENT_LENGTH"] = settings.server.max_body_bytes
    app.extensions["wuye"] = svc
    app.register_blueprint(webhook_bp)
    install_console(app, svc)
    app.register_blueprint(media_bp)

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        try:
            with svc.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            return jsonify(status="error", database=str(exc.__class__.__name__)), 503
        return jsonify(status="ok"), 200

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return Response(f"{exc.code} {exc.name}", status=exc.code, mimetype="text/plain")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # Never a traceback to a client; the log has it.
        log.exception("unhandled error")
        return Response("internal error", status=500, mimetype="text/plain")

    return app
