"""Learning from the company's own labels: a model refit in seconds, and an honest before/after.

The shipped classifier reads evidence (cue counts, FAQ match strengths, e5 neighbours, the
n-gram block's per-intent scores). Two of those carry wording from labelled lines to new
text, and both are cheap to rebuild: the n-gram block (counting) and the e5 neighbours
(typical messages per intent). A company model refits the block on the shipped training
set plus the company's labelled lines and adds those lines as neighbours; the classifier's
weights stay as shipped, so a handful of labels cannot unbalance it. FAQ labels do their
main work elsewhere: they become alternates of their entry, which the FAQ index reads.

Pure: labels in, a JSON-able payload out; the database and the CLI live in bot/.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from intents.examples import load_examples
from intents.faq import FaqEntry
from intents.lexicon import negated_intents
from intents.model import INTENT_NAMES
from intents.ngram import NgramModel, fit_ngram
from intents.training_data import USES, training_lines
from intents.understander import Understander

# Every HELD_OUT_EVERY-th label (by a hash of its text, so stable across runs) is kept out
# of the fit and scored before and after: five is the fewest folds that leave most labels
# to learn from while the held-out part still means something at a few dozen labels.
HELD_OUT_EVERY = 5


@dataclass(frozen=True)
class Label:
    text: str
    intent: str
    faq_id: str | None = None


@dataclass
class CompanyModel:
    ngram: NgramModel
    examples: dict[str, list[str]]
    n_labels: int

    def to_dict(self) -> dict[str, Any]:
        return {"ngram": self.ngram.to_dict(), "examples": self.examples, "n_labels": self.n_labels}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CompanyModel:
        return cls(NgramModel.from_dict(raw["ngram"]), {k: list(v) for k, v in raw["examples"].items()},
                   int(raw.get("n_labels", 0)))


def is_held_out(text: str) -> bool:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % HELD_OUT_EVERY == 0


def split(labels: Sequence[Label]) -> tuple[list[Label], list[Label]]:
    """(to learn from, to score on)."""
    train = [lb for lb in labels if not is_held_out(lb.text)]
    return train, [lb for lb in labels if is_held_out(lb.text)]


def fit_company_model(labels: Sequence[Label], reader: Understander | None = None) -> CompanyModel:
    """The n-gram block over the shipped lines plus these labels; labels as e5 neighbours."""
    u = reader or Understander([], semantic=False, models={}, ngram=None)
    examples = load_examples()
    texts: list[str] = []
    intents: list[str] = []
    for use in USES:
        for d in training_lines(use):
            texts.append(d["text"])
            intents.append(d["intent"])
    for intent, lines in examples.items():
        texts += lines
        intents += [intent] * len(lines)
    for lb in labels:
        texts.append(lb.text)
        intents.append(lb.intent)
    clean = [negated_intents(u.prepare(t))[1] for t in texts]
    ngram = fit_ngram(clean, intents, list(INTENT_NAMES))
    merged = {k: list(v) for k, v in examples.items()}
    for lb in labels:
        if lb.intent != "faq" and lb.text not in merged.setdefault(lb.intent, []):
            merged[lb.intent].append(lb.text)
    return CompanyModel(ngram, merged, len(labels))


def understander_for(faq: Sequence[FaqEntry], model: CompanyModel | None, **kwargs: Any) -> Understander:
    if model is None:
        return Understander(faq, **kwargs)
    return Understander(faq, ngram=model.ngram, examples=model.examples, **kwargs)


@dataclass
class Score:
    n: int = 0
    intent_right: int = 0
    n_faq: int = 0
    faq_top1: int = 0

    def line(self) -> str:
        acc = self.intent_right / self.n if self.n else 0.0
        top1 = self.faq_top1 / self.n_faq if self.n_faq else 0.0
        return f"intent {acc:.3f} ({self.intent_right}/{self.n}), FAQ top-1 {top1:.3f} ({self.faq_top1}/{self.n_faq})"


def score(u: Understander, labels: Sequence[Label]) -> Score:
    s = Score()
    for lb in labels:
        got = u.understand(lb.text)
        s.n += 1
        s.intent_right += got.name == lb.intent
        if lb.intent == "faq" and lb.faq_id:
            s.n_faq += 1
            best = got.faq_id or (got.candidates[0] if got.candidates else None)
            s.faq_top1 += got.name == "faq" and best == lb.faq_id
    return s


def widen_faq(faq: Sequence[FaqEntry], labels: Sequence[Label]) -> list[FaqEntry]:
    """Each FAQ label as an alternate phrasing of its entry (what storing the label does)."""
    extra: dict[str, list[str]] = {}
    for lb in labels:
        if lb.intent == "faq" and lb.faq_id:
            extra.setdefault(lb.faq_id, []).append(lb.text)
    out = []
    for e in faq:
        more = [t for t in extra.get(e.id, []) if t not in e.alternates and t != e.question]
        out.append(FaqEntry(e.id, e.category, e.question, e.answer, (*e.alternates, *more)) if more else e)
    return out


def before_after(faq: Sequence[FaqEntry], labels: Sequence[Label], **kwargs: Any) -> tuple[Score, Score, int, int]:
    """Held-out labels scored by the shipped reading and by one that learnt from the rest.

    `faq` must not already hold the held-out labels as alternates (the caller strips them).
    Returns (before, after, labels learnt from, labels held out).
    """
    train, held = split(labels)
    before = score(Understander(list(faq), **kwargs), held)
    model = fit_company_model(train)
    after = score(understander_for(widen_faq(faq, train), model, **kwargs), held)
    return before, after, len(train), len(held)
