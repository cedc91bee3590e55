"""Registering the console on the app: its blueprint, the session cookie and CSRF protection."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect

from bot.console.secret import secret_key
from bot.services import Services


class _SessionInterface(SecureCookieSessionInterface):
    """The cookie is Secure whenever the console was reached over HTTPS (behind a proxy, the
    proxy's X-Forwarded-Proto counts once the app is wrapped in werkzeug's ProxyFix)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request) and request.is_secure


def install(app: Flask, services: Services) -> None:
    if not services.settings.console.enabled:
        return
    from bot.console import (
        pages,  # noqa: F401  (registers every page on the blueprint)
        review,
    )
    from bot.console.review_store import LearningQueue
    from bot.console.web import bp

    review.install(LearningQueue())

    app.secret_key = secret_key(services.settings)
    app.config.update(
        SESSION_COOKIE_NAME="wuye_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/console",
        # The session itself ends on idle (web._load_person); a form's token lives as long as it.
        WTF_CSRF_TIME_LIMIT=None,
        # Only the console has forms (checked in its before_request); WeChat's POSTs to the
        # webhook are signed and checked there.
        WTF_CSRF_CHECK_DEFAULT=False,
    )
    app.session_interface = _SessionInterface()
    CSRFProtect(app)
    app.register_blueprint(bp)

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        if request.blueprint == bp.name:
            html = render_template("console/refused.html", me=None, nav=[], message=
                                   "表单已失效（缺少安全校验码）。请刷新页面后重试。", community=services.settings.community)
            return Response(html, status=400)
        return Response(f"400 {exc.description}", status=400, mimetype="text/plain")
