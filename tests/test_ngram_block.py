"""The n-gram block: wording learnt from labelled messages, and the rules added with it."""

from __future__ import annotations

import pytest

from intents import FaqEntry, Understander
from intents.classifier import load_ngram
from intents.features import LEXICAL_FEATURES
from intents.lexicon import HEADLINE_QUERY, cue_scores
from intents.ngram import NgramModel, fit_ngram, tokens
from intents.slots import repair_category

LABELS = ["repair", "faq", "unknown"]
TEXTS = [
    ("水管漏水了", "repair"), ("灯坏了不亮", "repair"), ("马桶堵了", "repair"), ("水龙头漏水", "repair"),
    ("梯子能借吗", "faq"), ("借个梯子用用", "faq"), ("物业费怎么交", "faq"), ("物业费交到哪", "faq"),
    ("今天天气怎么样", "unknown"), ("股票能买吗", "unknown"), ("天气预报", "unknown"), ("讲个笑话", "unknown"),
]


@pytest.fixture(scope="module")
def block() -> NgramModel:
    return fit_ngram([t for t, _ in TEXTS], [label for _, label in TEXTS], LABELS)


def test_tokens_are_uni_and_bigrams_with_numbers_folded() -> None:
    assert set(tokens("漏水3栋")) == {"漏", "水", "栋", "漏水", "#"}
    assert set(tokens("漏水5栋")) == set(tokens("漏水12栋"))
    assert "wifi" in tokens("wifi坏了")


def test_words_seen_with_an_intent_pull_towards_it(block: NgramModel) -> None:
    s = block.scores("卫生间水管漏水")
    assert max(s, key=s.__getitem__) == "repair"
    s = block.scores("借梯子")
    assert max(s, key=s.__getitem__) == "faq"
    s = block.scores("明天天气")
    assert max(s, key=s.__getitem__) == "unknown"


def test_unseen_words_say_nothing(block: NgramModel) -> None:
    assert block.scores("鸟语花香") == dict.fromkeys(LABELS, 0.0)


def test_length_does_not_multiply_certainty(block: NgramModel) -> None:
    one = block.scores("漏水")["repair"]
    many = block.scores("漏水 漏水了 水管漏水 水龙头漏水")["repair"]
    # a longer message with the same evidence is surer, but far less than linearly so
    assert 0 < one < many < 3 * one


def test_round_trip_through_the_weights_file_format(block: NgramModel) -> None:
    again = NgramModel.from_dict(block.to_dict())
    assert again.scores("借个梯子") == block.scores("借个梯子")


def test_shipped_block_matches_the_feature_list() -> None:
    shipped = load_ngram()
    assert shipped is not None
    assert [f"ng:{label}" for label in shipped.labels] == [f for f in LEXICAL_FEATURES if f.startswith("ng:")]
    assert len(shipped.vocab) > 1000


def test_understander_runs_without_a_block() -> None:
    faq = [FaqEntry("pay", "费用", "物业费怎么交？", "公众号缴纳。", ())]
    u = Understander(faq, semantic=False, ngram=None)
    assert u.evidence("物业费怎么交").ngram == {}
    assert u.understand("物业费怎么交").name == "faq"


@pytest.mark.parametrize(
    ("text", "headline"),
    [("临停收费标准", True), ("楼道保洁频次", True), ("门禁卡补办", True), ("投诉渠道", True),
     ("停车费?", True), ("马桶堵了", False), ("我家灯坏了", False), ("物业费交了三年了我觉得太贵", False)],
)
def test_headline_queries(text: str, headline: bool) -> None:
    assert bool(HEADLINE_QUERY.search(text)) is headline


def test_a_ticket_word_qualifying_a_noun_is_not_a_report() -> None:
    assert "complaint" not in cue_scores("投诉渠道是什么")
    assert "complaint" not in cue_scores("你们的投诉电话发我一下")
    assert "complaint" in cue_scores("我要投诉 你们保安睡觉")


@pytest.mark.parametrize(
    ("text", "fault"),
    [("瓷砖掉了", True), ("墙皮掉下来了", True), ("我家有个旧沙发想扔掉", False),
     ("钥匙掉在电梯里了", False), ("把楼道灯关掉吧", False)],
)
def test_diao_is_a_fault_only_when_something_falls(text: str, fault: bool) -> None:
    assert (repair_category(text) is not None) is fault


@pytest.mark.parametrize("text", ["你们保安眼瞎吗", "修了跟没修一样", "约好上午来 害我白等一天 也不说一声", "乱扣停车费"])
def test_abuse_and_bad_faith_are_complaint_cues(text: str) -> None:
    assert cue_scores(text).get("complaint", 0.0) >= 1.4


def test_greetings_to_the_assistant_are_small_talk() -> None:
    from intents.lexicon import is_small_talk

    assert is_small_talk("午安")
    assert is_small_talk("你好 小助手")


def test_abbreviated_temporary_parking_is_spelled_out() -> None:
    from intents.normalize import normalize

    assert "临时停车" in normalize("临停收费标准")


def test_training_fills_the_ngram_columns_out_of_fold() -> None:
    from intents.features import SEMANTIC_FEATURES
    from intents.train import Row, fit_all

    n_lex, n_full = len(LEXICAL_FEATURES), len(LEXICAL_FEATURES) + len(SEMANTIC_FEATURES)
    rows = [Row(t, label, t, [0.0] * n_lex, [0.0] * n_full, "messages:x") for t, label in TEXTS * 3]
    rows.append(Row("梯子借用", "faq", "梯子借用", None, None, "ngram:y"))  # wording only
    models, block = fit_all(rows)
    assert len(models["lexical"].features) == n_lex and len(models["full"].features) == n_full
    assert "梯子" in block.vocab  # the wording-only line counts for the block
    # with every other feature zero, only the n-gram columns (and the bias) can tell intents apart
    x = [0.0] * n_lex
    ng = block.scores("水管漏水")
    first = LEXICAL_FEATURES.index("ng:repair")
    for j, name in enumerate(f[3:] for f in LEXICAL_FEATURES if f.startswith("ng:")):
        x[first + j] = ng.get(name, 0.0)
    p = models["lexical"].proba(x)
    assert max(p, key=p.__getitem__) == "repair"
