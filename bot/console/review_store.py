"""The 待学习 page's queue (bot/console/review.py) over the learning loop's own store
(storage/nlu_review.py): the same groups `wuye nlu review` lists, labels stored exactly as
`wuye nlu label` stores them, and the retrain of `wuye nlu retrain`."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from bot.console.review import Label, LabelRefused, RetrainResult, ReviewGroup
from bot.dialogue.learning import retrain
from intents.company import Score
from intents.model import INTENT_NAMES
from storage import nlu_review
from storage.faq_import import faq_id as new_faq_id
from storage.models import FaqItem, NluLabel, NluReviewItem, Person

EXAMPLES = 3  # wordings shown per group


class LearningQueue:
    def count(self, session: Session) -> int:
        return nlu_review.open_group_count(session)

    def groups(self, session: Session, offset: int, limit: int) -> list[ReviewGroup]:
        groups = nlu_review.open_groups(session, limit, offset)
        wanted = {str(g.reading.get("faq_id") or (g.reading.get("candidates") or [""])[0] or "") for g in groups}
        questions = dict(session.execute(
            select(FaqItem.id, FaqItem.question).where(FaqItem.id.in_(wanted - {""}))  # type: ignore[union-attr]
        ).all()) if wanted - {""} else {}
        out = []
        for g in groups:
            guess_faq = str(g.reading.get("faq_id") or (g.reading.get("candidates") or [""])[0] or "")
            out.append(ReviewGroup(
                key=g.key,
                texts=tuple(t for t, _ in g.wordings.most_common(EXAMPLES)),
                count=g.count,
                item_ids=tuple(g.item_ids),
                guess_intent=str(g.reading.get("intent") or ""),
                guess_faq_id=guess_faq if guess_faq in questions else "",
                guess_faq_question=questions.get(guess_faq, ""),
                confidence=float(g.reading.get("confidence") or 0.0),
            ))
        return out

    def label(self, session: Session, item_ids: tuple[int, ...], label: Label, actor: Person) -> int:
        item_id = self._open_item(session, item_ids)
        if item_id is None:
            return 0  # labelled meanwhile (another tab, another person)
        n = nlu_review.open_group_size(session, item_id)
        try:
            if label.kind == "ignore":
                return nlu_review.ignore_group(session, item_id)
            stored: list[NluLabel]
            if label.kind == "faq":
                stored = nlu_review.label_item(session, item_id, "faq", label.target)
            elif label.kind == "intent":
                if label.target not in INTENT_NAMES:
                    raise LabelRefused(f"没有“{label.target}”这个意图")
                if label.target == "faq":
                    raise LabelRefused("问答请用“标为问答”并选择具体的条目")
                stored = nlu_review.label_item(session, item_id, label.target)
            else:
                existed = session.get(FaqItem, new_faq_id(label.question.strip())) is not None
                stored = nlu_review.label_item(session, item_id, "faq", new_faq=(label.question, label.answer))
                entry = session.get(FaqItem, stored[0].faq_id)
                if entry is not None and label.category and not existed:
                    entry.category = label.category
        except nlu_review.LabelError as exc:
            raise LabelRefused(str(exc)) from None
        return n if stored else 0

    def retrain(self, session: Session) -> RetrainResult:
        done = retrain(session)
        before: dict[str, float] = {}
        after: dict[str, float] = {}
        if done.held_before is not None and done.held_after is not None and done.n_held:
            _figures(before, f"留出检验（{done.n_held} 条，未参与训练）", done.held_before)
            _figures(after, f"留出检验（{done.n_held} 条，未参与训练）", done.held_after)
        if done.labelled_before is not None and done.labelled_after is not None:
            _figures(before, f"已标注消息（{done.labelled_before.n} 条，训练前为收到时的理解）", done.labelled_before)
            _figures(after, f"已标注消息（{done.labelled_before.n} 条，训练前为收到时的理解）", done.labelled_after)
        note = (f"模型 {done.model_id} 已保存，用了 {done.n_labels} 条标注，耗时 {done.seconds:.1f} 秒。"
                "留出检验每 5 条标注留 1 条不参与训练，比较原有模型与新模型，标注少时可能没有。")
        return RetrainResult(before=before, after=after, note=note)

    @staticmethod
    def _open_item(session: Session, item_ids: tuple[int, ...]) -> int | None:
        if not item_ids:
            return None
        row = session.execute(
            select(NluReviewItem.id).where(NluReviewItem.id.in_(item_ids),  # type: ignore[union-attr]
                                           NluReviewItem.status == "open").order_by(NluReviewItem.id).limit(1)
        ).first()
        return int(row[0]) if row else None


def _figures(into: dict[str, float], name: str, s: Score) -> None:
    into[f"{name} 意图准确率"] = s.intent_right / s.n if s.n else 0.0
    if s.n_faq:
        into[f"{name} 问答命中率"] = s.faq_top1 / s.n_faq
