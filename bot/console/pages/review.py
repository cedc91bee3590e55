"""待学习: the messages the bot was unsure about, grouped, with one-click labels (this FAQ / this
intent / a new FAQ entry / ignore) and a retrain button showing the figures before and after.
Works through the `bot.console.review` contract; says so when no learning-loop store is set up."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from sqlalchemy import select
from sqlmodel import Session

from bot.console import review
from bot.console.web import PAGE_SIZE, bp, db, me, needs, page_of, services, show
from intents.model import INTENT_NAMES
from storage.models import FaqItem, Person


@bp.get("/review")
@needs("supervisor")
def review_page() -> Any:
    queue = review.installed()
    if queue is None:
        return show("review.html", queue=None)
    with Session(services().engine) as s:
        total = queue.count(s)
        number, pages = page_of(total)
        groups = queue.groups(s, (number - 1) * PAGE_SIZE, PAGE_SIZE)
        faqs = list(s.execute(select(FaqItem.id, FaqItem.question).order_by(FaqItem.category, FaqItem.id)).all())
    return show("review.html", queue=queue, groups=groups, total=total, number=number, pages=pages, faqs=faqs,
                intents=INTENT_NAMES)


@bp.post("/review/label")
@needs("supervisor")
def review_label() -> Any:
    queue = review.installed()
    if queue is None:
        return redirect(url_for("console.review_page"))
    f = request.form
    ids = tuple(int(i) for i in f.get("items", "").split(",") if i.strip().isdigit())
    kind = f.get("kind", "")
    if kind == "faq":
        label = review.Label("faq", target=f.get("faq_id", ""))
    elif kind == "intent":
        label = review.Label("intent", target=f.get("intent", ""))
    elif kind == "new_faq":
        label = review.Label("new_faq", question=f.get("question", "").strip(), answer=f.get("answer", "").strip(),
                             category=f.get("category", "").strip())
    else:
        label = review.Label("ignore")
    if not ids or (label.kind in ("faq", "intent") and not label.target) or (
            label.kind == "new_faq" and not (label.question and label.answer)):
        flash("请选择要标注的内容", "error")
        return redirect(url_for("console.review_page"))
    try:
        with db() as s:
            actor = s.get(Person, me().id)
            assert actor is not None
            n = queue.label(s, ids, label, actor)
    except review.LabelRefused as exc:
        flash(f"没有标注：{exc}", "error")
        return redirect(url_for("console.review_page"))
    if n and label.kind != "ignore":
        services().nlu.refresh()  # an FAQ label is a new wording of its entry: answered from now on
    flash(f"已忽略 {n} 条" if label.kind == "ignore" else f"已标注 {n} 条", "ok")
    return redirect(url_for("console.review_page"))


@bp.post("/review/retrain")
@needs("supervisor")
def review_retrain() -> Any:
    queue = review.installed()
    if queue is None:
        return redirect(url_for("console.review_page"))
    with db() as s:
        result = queue.retrain(s)
    services().nlu.refresh()  # this process answers with the new model from the next message on
    return show("review_result.html", result=result)
