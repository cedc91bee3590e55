"""通知 (managers only): compose with an audience, preview who gets it, send now or at a time,
then each recipient's delivery and a resend to the failed -- through bot/notices, as the CLI
and the chat form do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, request, url_for
from sqlalchemy import or_, select
from sqlmodel import Session

from bot.communities.scope import settings_for
from bot.console.web import (
    bp,
    community_choices,
    db,
    in_scope,
    me,
    needs,
    now,
    paginate,
    people_names,
    served,
    services,
    settings,
    show,
)
from bot.notices import compose as notices
from bot.notices import delivery
from storage.models import Notice, NoticeDelivery, Person

STATUS_LABEL = {"scheduled": "待发送", "tagging": "准备中", "sending": "发送中", "sent": "已发送", "cancelled": "已取消"}
DELIVERY_LABEL = {"pending": "待发送", "sent": "已发送", "failed": "失败", "unsubscribed": "已取关"}


def _audience(form: Any) -> notices.Audience | None:
    kind = form.get("audience", "all")
    if kind == "buildings":
        found = notices.parse_audience(f"building:{form.get('buildings', '')}") if form.get("buildings", "").strip() else None
    else:
        found = notices.parse_audience(kind)
    if found is None:
        return None
    with Session(services().engine) as s:
        picked = form.get("community", "")
        return found.within(int(picked) if picked.isdigit() else notices.default_community_for(s, me()))


def _forms(s: Session) -> dict[str, Any]:
    """What the compose form offers: the communities this manager may address."""
    return {"places": community_choices(s), "company_level": served(s) is None}


def _visible(s: Session, notice_id: int) -> Notice:
    """The notice, when it is one the signed-in manager may see (company-wide, or a community they
    serve); otherwise 404, as for one that does not exist."""
    notice = s.get(Notice, notice_id)
    if notice is None or not (notice.community_id is None or in_scope(s, notice.community_id)):
        abort(404)
    return notice


def _read(form: Any) -> tuple[dict[str, Any], list[str]]:
    """The compose form, checked: (values, problems in words)."""
    cfg, t_now = settings(), now()
    problems: list[str] = []
    title, body = form.get("title", "").strip(), form.get("body", "").strip()
    if not title:
        problems.append("请填写标题")
    if len(title) > 100:
        problems.append("标题不能超过100字")
    if not body:
        problems.append("请填写内容")
    audience = _audience(form)
    if audience is None:
        problems.append("楼栋写法如：3,5 或 3栋、5栋")
    send_at: datetime | None = None
    until: datetime | None = None
    if form.get("when") == "at":
        try:
            send_at = notices.parse_local(cfg, form.get("at", ""))
        except ValueError:
            problems.append("请填写发送时间")
        else:
            if send_at <= t_now:
                problems.append("发送时间已经过去了")
    if form.get("until", "").strip():
        try:
            until = notices.parse_local(cfg, form["until"], end_of_day=True)
        except ValueError:
            problems.append("展示截止日期格式不对")
        else:
            if until <= (send_at or t_now):
                problems.append("展示截止早于发送时间")
    return {"title": title, "body": body, "audience": audience, "send_at": send_at, "until": until}, problems


@bp.get("/notices")
@needs("manager")
def notices_page() -> Any:
    with Session(services().engine) as s:
        q = select(Notice).order_by(Notice.id.desc())
        mine = served(s)
        if mine is not None:  # their communities' notices and the company's
            q = q.where(or_(Notice.community_id.is_(None), Notice.community_id.in_(mine)))
        page = paginate(s, q, size=20)
        counts = {n.id: notices.counts(s, n.id or 0) for n in page.items}
        extra = _forms(s)
    return show("notices.html", page=page, counts=counts, status_label=STATUS_LABEL, form=request.args, **extra)


@bp.post("/notices/preview")
@needs("manager")
def notice_preview() -> Any:
    values, problems = _read(request.form)
    with Session(services().engine) as s:
        extra = _forms(s)
        if values["audience"] is not None and not notices.may_address(s, me(), values["audience"].community_id):
            problems.append("这个小区不在您负责的范围内")
        if problems:
            for p in problems:
                flash(p, "error")
            return show("notices.html", page=None, counts={}, status_label=STATUS_LABEL, form=request.form,
                        **extra), 422
        plan = notices.plan(s, values["audience"])
        local = settings_for(s, settings(), values["audience"].community_id)
        audience_label = notices.audience_label(s, settings(), values["audience"])
    text = notices.message_text(local, Notice(title=values["title"], body=values["body"], until=values["until"]))
    return show("notice_preview.html", form=request.form, plan=plan, text=text,
                  audience_label=audience_label, send_at=values["send_at"], until=values["until"], **extra)


@bp.post("/notices")
@needs("manager")
def notice_send() -> Any:
    values, problems = _read(request.form)
    if problems:
        for p in problems:
            flash(p, "error")
        return redirect(url_for("console.notices_page"))
    with db() as s:
        author = s.get(Person, me().id)
        if not notices.may_broadcast(author) or not notices.may_address(s, author, values["audience"].community_id):
            abort(403)
        plan = notices.plan(s, values["audience"])
        if plan.count == 0:
            flash("没有可以发送的对象，未保存", "error")
            return redirect(url_for("console.notices_page"))
        notice = notices.create(s, settings(), title=values["title"], body=values["body"], audience=values["audience"],
                                author=author, now=now(), send_at=values["send_at"], until=values["until"],
                                recipients=plan.count)
        notice_id = notice.id
    flash(f"通知已{'排定' if values['send_at'] else '开始发送'}，共 {plan.count} 人", "ok")
    return redirect(url_for("console.notice_detail", notice_id=notice_id))


@bp.get("/notices/<int:notice_id>")
@needs("manager")
def notice_detail(notice_id: int) -> Any:
    status = request.args.get("status", "")
    with Session(services().engine) as s:
        notice = _visible(s, notice_id)
        q = select(NoticeDelivery).where(NoticeDelivery.notice_id == notice_id)
        if status in DELIVERY_LABEL:
            q = q.where(NoticeDelivery.status == status)
        page = paginate(s, q.order_by(NoticeDelivery.id))
        names = people_names(s, {d.person_id for d in page.items})
        counts = notices.counts(s, notice_id)
        batches = notices.batches(s, notice_id)
        audience = notices.audience_label(s, settings(), notices.audience_of(notice))
        text = notices.message_text(settings_for(s, settings(), notice.community_id), notice)
    return show("notice.html", n=notice, page=page, names=names, counts=counts, batches=batches, audience=audience,
                  status_label=STATUS_LABEL, delivery_label=DELIVERY_LABEL, text=text, status=status)


@bp.post("/notices/<int:notice_id>/resend")
@needs("manager")
def notice_resend(notice_id: int) -> Any:
    with db() as s:
        notice = _visible(s, notice_id)
        n = delivery.resend_failed(s, settings(), notice, now())
    flash(f"已重新发送 {n} 份" if n else "没有发送失败的", "ok")
    return redirect(url_for("console.notice_detail", notice_id=notice_id))


@bp.post("/notices/<int:notice_id>/cancel")
@needs("manager")
def notice_cancel(notice_id: int) -> Any:
    with db() as s:
        notice = _visible(s, notice_id)
        ok = notices.cancel(s, notice)
    flash("已取消" if ok else "已经开始发送，不能取消", "ok" if ok else "error")
    return redirect(url_for("console.notice_detail", notice_id=notice_id))
