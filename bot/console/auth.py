"""Signing in by a one-time link, and signing out. No passwords: a link comes from
`wuye console link --as OPENID` or from sending "后台" to the official account."""

from __future__ import annotations

from typing import Any

from flask import g, redirect, request, session, url_for
from sqlmodel import Session

from bot.console import links
from bot.console.web import bp, db, now, services, show

REASONS = {
    "unknown": "这个登录链接无效。请重新获取：在公众号发送「后台」，或运行 wuye console link --as 你的openid。",
    "used": "这个登录链接已经用过了（每个链接只能用一次）。请重新获取。",
    "expired": "这个登录链接已过期（10分钟内有效）。请重新获取。",
    "role": "只有物业员工、主管和经理可以登录管理后台。",
}


@bp.get("/login")
def login_page() -> Any:
    """Shows who the link signs in; using it takes a click (a POST), so a link preview that
    fetches the URL does not spend it."""
    token = request.args.get("token", "")
    with Session(services().engine) as s:
        person, reason = links.peek(s, token, now())
    if person is None:
        return show("refused.html", message=REASONS[reason]), 403
    return show("login.html", token=token, who=person, role=links.ROLE_LABEL.get(person.role, person.role))


@bp.post("/login")
def login() -> Any:
    token = request.form.get("token", "")
    with db() as s:
        person, reason = links.redeem(s, token, now())
    if person is None:
        return show("refused.html", message=REASONS[reason]), 403
    wanted = str(session.get("next") or "")
    session.clear()  # a fresh session: nothing from before the sign-in carries over
    session["pid"], session["seen"] = person.id, now().timestamp()
    session.permanent = False
    # Only a page of the console itself, never another site (an open redirect).
    if wanted.startswith("/console/") and not wanted.startswith("/console/login") and "\\" not in wanted:
        return redirect(wanted)
    return redirect(url_for("console.dashboard"))


@bp.post("/logout")
def logout() -> Any:
    session.clear()
    return redirect(url_for("console.signed_out", bye=1))


@bp.get("/signed-out")
def signed_out() -> Any:
    if g.get("console_person") is not None:
        return redirect(url_for("console.dashboard"))
    expired = bool(g.get("console_expired") or request.args.get("expired"))
    return show("signed_out.html", expired=expired, bye=bool(request.args.get("bye"))), 401
