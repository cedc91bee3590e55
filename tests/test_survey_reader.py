"""The satisfaction-answer reader: rating 1-5 and whether words came with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents import read_survey_answer

DATA = Path(__file__).parent / "data" / "survey"


@pytest.mark.parametrize(
    ("text", "rating", "comment"),
    [
        ("5", 5, False),
        ("４", 4, False),
        ("3。", 3, False),
        ("5 5 5", 5, False),
        ("五星", 5, False),
        ("给个4星", 4, False),
        ("⭐⭐⭐⭐", 4, False),
        ("5⭐️", 5, False),
        ("非常满意", 5, False),
        ("非常满意👍👍", 5, False),
        ("满意", 4, False),
        ("还行", 3, False),
        ("凑合", 3, False),
        ("不太满意", 2, False),
        ("非常不满意", 1, False),
        ("👍", 5, False),
        ("👎", 1, False),
        ("不满意,又漏了", 2, True),
        ("不满意，修完第二天又漏了", 2, True),
        ("3分，来得太晚了", 3, True),
        ("我打五分 师傅很耐心", 5, True),
        ("满意，就是收费有点高", 4, True),
        ("不怎么样 来了两次才修好", 2, True),
    ],
)
def test_ratings(text: str, rating: int, comment: bool) -> None:
    assert read_survey_answer(text) == (rating, comment)


@pytest.mark.parametrize(
    ("text", "comment"),
    [
        ("你们几点上班", False),
        ("维修费能开发票吗", False),
        ("还没修好 能再派人来吗", True),
        ("怎么又要评分 烦不烦", True),
    ],
)
def test_a_question_is_not_a_rating(text: str, comment: bool) -> None:
    assert read_survey_answer(text) == (None, comment)


@pytest.mark.parametrize(
    ("text", "rating"),
    [
        # English numbers and scales
        ("Five stars", 5),
        ("4 out of 5", 4),
        ("8/10", 4),
        ("⭐x5", 5),
        # the scale named beside the answer is not the answer
        ("给8分吧 满分10分的话", 4),
        # spellings: Cantonese 唔 and 麻麻地, internet 阔以, 俩/仨
        ("唔满意", 2),
        ("麻麻地啦 3分", 3),
        ("还阔以", 3),
        ("俩星", 2),
        ("yyds", 5),
        # a deduction is not the score
        ("⭐⭐⭐⭐ 扣一星因为没打扫", 4),
        ("4分 扣了一分是因为来晚了", 4),
    ],
)
def test_more_answer_shapes(text: str, rating: int) -> None:
    assert read_survey_answer(text)[0] == rating


@pytest.mark.parametrize("text", ["满分几分啊", "5分是最高分吗", "打几颗星"])
def test_asking_about_the_scale_is_not_a_rating(text: str) -> None:
    assert read_survey_answer(text)[0] is None


def test_empty_answer() -> None:
    assert read_survey_answer("   ") == (None, False)


def test_a_fixed_thing_breaking_again_is_feedback_not_a_rating() -> None:
    # 修好的 is what was done, not "好的" (an answer)
    assert read_survey_answer("刚修好的水管今天又坏了") == (None, True)


@pytest.mark.parametrize("text", ["好的", "好嘞", "收到", "ok", "知道了", "嗯嗯"])
def test_an_acknowledgement_is_not_a_rating(text: str) -> None:
    assert read_survey_answer(text) == (None, False)


def _answer_set(name: str) -> list[tuple[str, int | None, bool]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, score, comment = line.split("\t")
            rows.append((text, None if score == "-" else int(score), comment == "1"))
    return rows


@pytest.mark.parametrize("name", ["answers.tsv", "answers_more.tsv", "answers_later.tsv"])
def test_varied_answer_shapes_are_read_exactly(name: str) -> None:
    """Numerals in both scripts, emoji, degree words, English, a rating with a remark either
    side, acknowledgements and questions: at least 97% exact ratings, 95% exact comment flags."""
    rows = _answer_set(name)
    assert len(rows) >= 60
    wrong = [(t, read_survey_answer(t), (s, c)) for t, s, c in rows if read_survey_answer(t)[0] != s]
    assert len(wrong) <= 0.03 * len(rows), wrong
    comment_wrong = [t for t, s, c in rows if read_survey_answer(t) != (s, c)]
    assert len(comment_wrong) <= 0.05 * len(rows), comment_wrong
