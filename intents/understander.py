"""Text in, Intent out: normalisation, rules, lexical and semantic evidence combined.

Pipeline per message (see intents/README.md for the measurements behind it):
1. the dialogue context may settle it at once (survey answer, numbered FAQ choice,
   "算了" inside a half-filled form) - see intents/context_rules.py;
2. normalise (width, script, colloquial spellings) and repair pinyin typos;
3. keyword cues per intent, with "不是报修"-style denials removed;
4. FAQ retrieval: BM25 over character n-grams, plus e5 embeddings when the lexical
   evidence is not decisive (the semantic tier costs ~20 ms, the rest < 1 ms);
5. a small logistic regression over that evidence (intents/classifier.py) gives
   per-intent probabilities; calibrated thresholds pick the intent, or "unknown".
"""

from __future__ import annotations

import copy
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from intents import context_rules
from intents.classifier import SoftmaxModel, load_models, load_ngram
from intents.examples import ExampleIndex, load_examples
from intents.faq import FaqEntry
from intents.faq_index import FaqIndex
from intents.features import Evidence, lexical_vector, semantic_vector
from intents.head import EmbeddingHead, load_head
from intents.homophones import HomophoneFixer
from intents.lexicon import (
    DOMAIN,
    HEADLINE_QUERY,
    INFO_REQUEST,
    POLICY,
    QUESTION,
    cue_scores,
    is_small_talk,
    negated_intents,
)
from intents.model import Context, Intent
from intents.ngram import NgramModel
from intents.normalize import bound, cjk_count, normalize
from intents.nudge import is_nudge
from intents.pinyin_input import PinyinReader, looks_latin, shipped_reader
from intents.semantic import Encoder, semantic_enabled
from intents.slots import extract_slots, repair_category
from intents.thresholds import (
    DECISIVE_PROBABILITY,
    FAQ_CANDIDATES,
    FAQ_DIRECT_ANSWER,
    FAQ_RESCUE_RATIO,
    HEAD_WEIGHT,
    MAX_PINYIN_FAQ_ENTRIES,
    QUESTION_PRIOR,
    READING_CACHE_SIZE,
    REPORT_CONFIDENCE,
    UNKNOWN_BELOW,
)
from intents.word_lists import (
    credit_words,
    fold_dialect,
    fold_synonyms,
    neglect_phrases,
    verdict_words,
)

_THANKS = ("谢谢", "感谢", "多谢")
# "退不退", "修不修": the A-not-A question form.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])不\1")


def with_question_prior(p: dict[str, float]) -> dict[str, float]:
    q = {k: v * QUESTION_PRIOR if k in ("faq", "unknown") else v for k, v in p.items()}
    total = sum(q.values())
    return {k: v / total for k, v in q.items()}


class Understander:
    """Built once per FAQ (cheap: no model work until a message needs it), reused per message."""

    def __init__(
        self,
        faq: Sequence[FaqEntry],
        *,
        semantic: bool | None = None,
        examples: dict[str, list[str]] | None = None,
        models: dict[str, SoftmaxModel] | None = None,
        ngram: NgramModel | bool | None = True,
    ) -> None:
        self.faq = list(faq)
        self.models: dict[str, SoftmaxModel] = models if models is not None else load_models()
        # True: the shipped block; None/False: none (training builds its own)
        self.ngram: NgramModel | None = load_ngram() if ngram is True else (ngram or None)
        self.fixer = HomophoneFixer()
        self._pinyin: PinyinReader | None = None
        self.encoder: Encoder | None = (
            Encoder() if (semantic_enabled() if semantic is None else semantic) else None
        )
        self.faq_index = FaqIndex(self.faq, self.prepare, self.encoder)
        # text -> (slots, context-free reading); see READING_CACHE_SIZE
        self._readings: OrderedDict[str, tuple[dict[str, Any], Intent]] = OrderedDict()
        self._readings_lock = threading.Lock()
        self.example_index: ExampleIndex | None = None
        self.head: EmbeddingHead | None = load_head() if self.encoder is not None else None
        if self.encoder is not None:
            phrasings = [p for e in self.faq for p in (e.question, *e.alternates)]
            self.example_index = ExampleIndex(
                examples if examples is not None else load_examples(), phrasings, self.encoder
            )

    def prepare(self, text: str) -> str:
        """Canonical text: normalised, whole-pinyin messages in characters, IME typos fixed,
        everyday synonyms folded to the FAQ's words (intents/data/lexicon.toml)."""
        if looks_latin(text):
            text = self.pinyin_reader().to_hanzi(text) or text
        return fold_synonyms(self.fixer.fix(fold_dialect(normalize(text))))

    def pinyin_reader(self) -> PinyinReader:
        """Built on the first pinyin message (or at warm-up): the shared vocabulary plus this FAQ's."""
        if self._pinyin is None:
            head = self.faq[:MAX_PINYIN_FAQ_ENTRIES]
            phrasings = [p for e in head for p in (e.question, *e.alternates)]
            self._pinyin = PinyinReader(phrasings, base=shipped_reader())
        return self._pinyin

    def warm_up(self) -> None:
        """Load the model and embed the FAQ now (at worker start) instead of on first use."""
        if self.encoder is not None and self.example_index is not None:
            self.faq_index.ensure_vectors()
            self.example_index.ensure_vectors()
            self.encoder.query("你好")
        self.pinyin_reader()

    # ---- public ----------------------------------------------------------------
    def understand(self, text: str, context: Context | None = None) -> Intent:
        """Read one message; only its first MAX_MODEL_CHARS characters count (see `bound`)."""
        text = bound(text)
        ctx = context or Context()
        with self._readings_lock:
            kept = self._readings.get(text)
            if kept is not None:
                self._readings.move_to_end(text)
        slots = dict(kept[0]) if kept is not None else extract_slots(text)
        settled = context_rules.read_in_context(text, ctx, slots)
        if settled is not None:
            return settled
        if kept is not None:
            intent = copy.deepcopy(kept[1])
        else:
            intent = self._read(text, dict(slots))
            self._keep(text, slots, intent)
        survey = context_rules.survey_reading(text, ctx)
        if survey is not None:
            intent.rating, intent.has_comment = survey
            # a bare rating ("5", "满意") is an answer, not an unclear message
            if intent.rating is not None and intent.name in ("unknown", "chitchat"):
                intent.name, intent.confidence = "chitchat", 1.0
        return intent

    def _keep(self, text: str, slots: dict[str, Any], intent: Intent) -> None:
        kept = (copy.deepcopy(slots), copy.deepcopy(intent))
        with self._readings_lock:
            self._readings[text] = kept
            while len(self._readings) > READING_CACHE_SIZE:
                self._readings.popitem(last=False)

    def evidence(self, text: str, *, semantic: bool | None = None, exclude: str | None = None) -> Evidence:
        """Collect the evidence; `semantic` forces the e5 tier on or off (None: as needed).

        `exclude` drops one intent example from the neighbours (for training on them).
        """
        text = bound(text)
        prepared = self.prepare(text)
        denied, clean = negated_intents(prepared)
        slots = extract_slots(text)
        ev = Evidence(
            text=clean,
            cues={k: v for k, v in cue_scores(clean).items() if k not in denied},
            denied=denied,
            small_talk=is_small_talk(clean),
            question=bool(QUESTION.search(clean) or INFO_REQUEST.search(clean) or HEADLINE_QUERY.search(clean)),
            policy=bool(POLICY.search(clean)),
            faq_hits=self.faq_index.search(clean),
            known_fraction=self.faq_index.phrasings.known_fraction(clean),
            cjk=cjk_count(clean),
            has_address=any(slots[k] for k in ("building", "unit", "room")),
            has_phone=slots["phone"] is not None,
            domain=len(DOMAIN.findall(clean)),
            ngram=self.ngram.scores(clean) if self.ngram is not None else {},
        )
        want = semantic if semantic is not None else (self.encoder is not None and self._undecided(ev))
        if want and self.encoder is not None and self.example_index is not None:
            qvec = self.encoder.query(clean)
            ev.semantic_used = True
            ev.faq_hits = self.faq_index.search(clean, qvec)
            ev.examples = self.example_index.similarities(qvec, exclude=exclude)
            if self.head is not None:
                ev.head = self.head.proba(qvec)
        return ev

    # ---- decision ----------------------------------------------------------------
    @staticmethod
    def _is_report(ev: Evidence, slots: dict[str, Any]) -> bool:
        """A statement (no question or policy words) of a fault or an emergency."""
        if ev.question or ev.policy or "repair" in ev.denied or _A_NOT_A.search(ev.text):
            return False
        return bool(slots.get("urgent")) or repair_category(ev.text) is not None

    @staticmethod
    def _faq_rescue(ev: Evidence, p: dict[str, float]) -> bool:
        """A question the classifier is torn between "faq" and "unknown" about is an FAQ question.

        Only with the semantic tier's evidence (the lexical model was not sure) and a
        question form; the FAQ match itself must still clear FAQ_CANDIDATES below. Not
        for a resident pressing on something under way ("还要等多久", "什么时候来"): that
        is a nudge about their own ticket (intents/nudge.py), which the dialogue reads
        from an "unknown".
        """
        return Understander._asks(ev) and p.get("faq", 0.0) >= FAQ_RESCUE_RATIO * p.get("unknown", 0.0)

    @staticmethod
    def _asks(ev: Evidence) -> bool:
        """Question-shaped, with the semantic tier's evidence, and not a nudge."""
        return ev.semantic_used and (ev.question or ev.policy) and not is_nudge(ev.text)

    @staticmethod
    def _polarity(ev: Evidence, p: dict[str, float], name: str, confidence: float) -> tuple[str, float]:
        """Praise and complaint swapped is the worst misreading: words with a clear verdict
        (intents/data/lexicon.toml) overrule the model when they all point the other way.
        Praise becomes a complaint on any complaint word and no praise word; a complaint
        becomes praise only when nothing else in it complains or reports a fault."""
        bad, good = verdict_words(ev.text)
        # thanks alone is politeness or a sneer ("谢谢你们啊 垃圾三天没人收"), not a verdict
        warm = [w for w in good if not w.startswith(_THANKS)]
        if name == "praise" and bad and not warm:
            return "complaint", max(p.get("complaint", 0.0), confidence)
        if name == "complaint" and not bad:
            # credit for a good deed ("是保安第一时间送医院的", "多亏王师傅") outweighs the
            # fault or accident it tells of, unless the message also tells of neglect
            if credit_words(ev.text) and not neglect_phrases(ev.text):
                return "praise", max(p.get("praise", 0.0), confidence)
            if good and not ({"complaint", "repair"} & ev.cues.keys()):
                return "praise", max(p.get("praise", 0.0), confidence)
        return name, confidence

    def _undecided(self, ev: Evidence) -> bool:
        """Whether the words alone leave the reading open, so e5 is asked too: the lexical
        model is not DECISIVE_PROBABILITY sure, or it would send a question to the fallback
        ("狗证去哪办" with no property word in it): paraphrase is what e5 is for."""
        best, probability = self._lexical_proba(ev)
        return probability < DECISIVE_PROBABILITY or (best == "unknown" and (ev.question or ev.policy))

    def _lexical_proba(self, ev: Evidence) -> tuple[str, float]:
        p = with_question_prior(self.models["lexical"].proba(lexical_vector(ev)))
        best = max(p, key=p.__getitem__)
        return best, p[best]

    def probabilities(self, ev: Evidence, *, use_head: bool = True) -> dict[str, float]:
        if ev.semantic_used:
            p = self.models["full"].proba(lexical_vector(ev) + semantic_vector(ev))
            if use_head and ev.head:
                p = {k: v * ev.head.get(k, 0.0) ** HEAD_WEIGHT for k, v in p.items()}
                total = sum(p.values()) or 1.0
                p = {k: v / total for k, v in p.items()}
            return with_question_prior(p)
        return with_question_prior(self.models["lexical"].proba(lexical_vector(ev)))

    @staticmethod
    def _head_overreaches(plain: dict[str, float], blended: dict[str, float], plain_is_faq: bool = False) -> bool:
        """What the e5 head may not change: an FAQ reading (the FAQ match has evidence of its
        own, and the head alone took real questions to other intents; `plain_is_faq` when the
        reading without the head is an FAQ question rescued from "unknown") and the polarity
        of praise and complaint (the evaluative words decide that, `_polarity`)."""
        before, after = max(plain, key=plain.__getitem__), max(blended, key=blended.__getitem__)
        took_faq = (before == "faq" or plain_is_faq) and after != "faq"
        return took_faq or {before, after} == {"praise", "complaint"}

    def _read(self, text: str, slots: dict[str, Any]) -> Intent:
        ev = self.evidence(text)
        p = self.probabilities(ev)
        if ev.head:
            plain = self.probabilities(ev, use_head=False)
            rescued = max(plain, key=plain.__getitem__) == "unknown" and self._faq_rescue(ev, plain)
            if self._head_overreaches(plain, p, rescued):
                p = plain
        if not self.faq or not ev.faq_hits:
            p["faq"] = 0.0
        name = max(p, key=p.__getitem__)
        confidence = p[name]
        if name == "unknown" and self._faq_rescue(ev, p):
            name, confidence = "faq", p["faq"]
        if name == "faq" and self._is_report(ev, slots):
            # "电梯困人了" / "楼道灯坏了" state a fault; an FAQ entry phrased the same way
            # ("电梯困人怎么办") must not swallow the report.
            name, confidence = "repair", max(p.get("repair", 0.0), REPORT_CONFIDENCE)
        if name in ("praise", "complaint"):
            name, confidence = self._polarity(ev, p, name, confidence)
        # a question read as faq but with little probability keeps its FAQ reading when
        # it asks (the FAQ_CANDIDATES check on the match below still sends it to unknown)
        if confidence < UNKNOWN_BELOW and name != "unknown" and not (name == "faq" and self._asks(ev)):
            name = "unknown"
        result = Intent(name=name, confidence=round(confidence, 3), slots=dict(slots))
        if name != "repair":
            result.slots["category"] = None
        if name == "faq":
            hits = ev.faq_hits
            if not ev.semantic_used and self.encoder is not None:
                # the intent was clear from words alone; ranking still gains from e5
                hits = self.faq_index.search(ev.text, self.encoder.query(ev.text))
            top = hits[0]
            # a question, but nothing in this FAQ resembles it (the threshold is on the
            # combined scale; without the semantic tier the classifier alone decides)
            if self.encoder is not None and top.score < FAQ_CANDIDATES:
                result.name, result.confidence = "unknown", round(top.score, 3)
                return result
            result.candidates = [h.faq_id for h in hits[:3]]
            result.confidence = round(min(1.0, top.score), 3)
            if top.score >= FAQ_DIRECT_ANSWER:
                result.faq_id = top.faq_id
        return result
