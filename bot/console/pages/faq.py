"""知识库: the FAQ the bot answers from -- list, edit, add, remove, import a document with the
CLI's importer and its report, export as TOML. The bot picks changes up by itself (the NLU
service watches the FAQ's revision)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from sqlalchemy import or_, select
from sqlmodel import Session

from bot.console.web import (
    bp,
    db,
    in_scope,
    needs,
    paginate,
    saved_upload,
    served,
    services,
    show,
    upload_name,
)
from intents.faq import FaqEntry, FaqFormatError, dump_faq_toml
from storage import communities
from storage import faq as faq_store
from storage.faq_import import SUPPORTED_EXTENSIONS, faq_id, read_faq_file
from storage.models import FaqItem


def _entry(form: Any, fid: str) -> FaqEntry | str:
    question, answer = form.get("question", "").strip(), form.get("answer", "").strip()
    if not question or not answer:
        return "问题和答案都要填写"
    alternates = tuple(a.strip() for a in form.get("alternates", "").splitlines() if a.strip())
    return FaqEntry(id=fid, category=form.get("category", "").strip() or "其他", question=question, answer=answer,
                    alternates=alternates)


def _item(s: Session, faq_id_: str) -> FaqItem:
    item = s.get(FaqItem, faq_id_)
    if item is None:
        abort(404)
    return item


@bp.get("/faq")
@needs("supervisor")
def faq() -> Any:
    q = select(FaqItem)
    text = request.args.get("q", "").strip()
    if text:
        q = q.where(or_(FaqItem.question.contains(text), FaqItem.answer.contains(text), FaqItem.id == text))
    if request.args.get("category"):
        q = q.where(FaqItem.category == request.args["category"])
    with Session(services().engine) as s:
        page = paginate(s, q.order_by(FaqItem.category, FaqItem.id))
        categories = list(s.execute(select(FaqItem.category).distinct().order_by(FaqItem.category)).scalars())
    return show("faq.html", page=page, categories=categories, args=request.args,
                  extensions=" ".join(SUPPORTED_EXTENSIONS))


@bp.get("/faq/item/<faq_id_>")
@needs("supervisor")
def faq_item(faq_id_: str) -> Any:
    with Session(services().engine) as s:
        item = _item(s, faq_id_)
        names = {c.id: c.name for c in communities.all_(s)}
        answers = [(a, names.get(a.community_id, "?")) for a in faq_store.community_answers(s, faq_id_)
                   if in_scope(s, a.community_id)]
        mine = served(s)
        editable = [(cid, name) for cid, name in names.items()
                    if cid is not None and len(names) > 1 and (mine is None or cid in mine)]
    return show("faq_item.html", item=item, answers=answers, editable=editable)


@bp.post("/faq/item/<faq_id_>/community")
@needs("supervisor")
def faq_community_save(faq_id_: str) -> Any:
    """A community's own answer to this question (fees, hours and parking differ)."""
    picked = request.form.get("community", "")
    with db() as s:
        _item(s, faq_id_)
        if not picked.isdigit() or not in_scope(s, int(picked)):
            abort(404)
        changed = faq_store.set_community_answer(s, faq_id_, int(picked), request.form.get("answer", ""), "console")
    flash("已保存本小区答案" if changed else "没有改动", "ok")
    return redirect(url_for("console.faq_item", faq_id_=faq_id_))


@bp.post("/faq/item/<faq_id_>")
@needs("supervisor")
def faq_save(faq_id_: str) -> Any:
    entry = _entry(request.form, faq_id_)
    if isinstance(entry, str):
        flash(entry, "error")
        return redirect(url_for("console.faq_item", faq_id_=faq_id_))
    with db() as s:
        _item(s, faq_id_)
        result = faq_store.import_entries(s, [entry], "console")
    flash("已保存" if result.updated else "没有改动", "ok")
    return redirect(url_for("console.faq_item", faq_id_=faq_id_))


@bp.post("/faq/new")
@needs("supervisor")
def faq_add() -> Any:
    entry = _entry(request.form, faq_id(request.form.get("question", "")))
    if isinstance(entry, str):
        flash(entry, "error")
        return redirect(url_for("console.faq"))
    with db() as s:
        result = faq_store.import_entries(s, [entry], "console")
    if result.added:
        flash("已添加", "ok")
        return redirect(url_for("console.faq_item", faq_id_=entry.id))
    flash("已有同样的问题，已更新它" if result.updated else "已有同样的问题和答案", "ok")
    return redirect(url_for("console.faq", q=entry.question))


@bp.post("/faq/item/<faq_id_>/delete")
@needs("supervisor")
def faq_delete(faq_id_: str) -> Any:
    with db() as s:
        gone = faq_store.remove(s, [faq_id_])
    flash("已删除" if gone else "没有这一条", "ok")
    return redirect(url_for("console.faq"))


@bp.post("/faq/import")
@needs("supervisor")
def faq_import() -> Any:
    """The CLI's `wuye faq import`, from an upload: the same reader, the same report."""
    name = upload_name()
    if name is None:
        flash("请选择要导入的文件", "error")
        return redirect(url_for("console.faq"))
    with saved_upload("upload" + Path(name).suffix.lower()) as path:
        try:
            entries = read_faq_file(path)
        except FaqFormatError as exc:
            flash(f"{name}：{str(exc).replace(str(path), name)}；没有导入任何内容", "error")
            return redirect(url_for("console.faq"))
    with db() as s:
        result = faq_store.import_entries(s, entries, name)
    titles = {e.id: e.question for e in entries}
    return show("faq_report.html", name=name, result=result, titles=titles)


@bp.get("/faq/export")
@needs("supervisor")
def faq_export() -> Any:
    with Session(services().engine) as s:
        entries = faq_store.load_entries(s)
    return Response(dump_faq_toml(entries), mimetype="application/toml",
                    headers={"Content-Disposition": "attachment; filename=faq.toml"})
