"""Reading that carries beyond the training wording: pinyin, company synonyms, clear verdicts."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from intents.faq import default_faq
from intents.pinyin_input import PinyinReader, split_syllables
from intents.understander import Understander
from intents.word_lists import fold_synonyms, verdict_words


@pytest.fixture(scope="module")
def lexical() -> Understander:
    return Understander(default_faq(), semantic=False)


def test_pinyin_words_split_into_fewest_syllables() -> None:
    assert split_syllables("yueka") == ["yue", "ka"]
    assert split_syllables("xian") == ["xian"]
    assert split_syllables("thanks") is None


def test_a_whole_pinyin_message_becomes_the_characters_the_bot_knows() -> None:
    reader = PinyinReader(["停车月卡多少钱一个月", "门禁卡丢了怎么办", "厨房漏水了"])
    assert reader.to_hanzi("tingche yueka duoshao qian") == "停车月卡多少钱"
    assert reader.to_hanzi("menjinka diule zenmeban") == "门禁卡丢了怎么办"
    assert reader.to_hanzi("ok thanks") is None  # English stays English
    assert reader.to_hanzi("电梯 dianti") is None  # mixed scripts are not converted


def test_pinyin_reaches_the_reading(lexical: Understander) -> None:
    assert lexical.prepare("chufang loushui le") == "厨房漏水了"
    assert lexical.understand("chufang loushui le").name == "repair"


def test_company_words_fold_to_the_faq_words() -> None:
    assert fold_synonyms("服务费在哪交") == "物业费在哪交"
    assert fold_synonyms("梯控卡坏了") == "门禁卡坏了"
    # a text that already names the canonical word is left as typed
    assert fold_synonyms("物业费和管理费一样吗") == "物业费和管理费一样吗"


def test_negated_praise_counts_as_complaint() -> None:
    bad, good = verdict_words("师傅不负责 很不满意")
    assert "不负责" in bad and "不满意" in bad
    assert good == []


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("保安对业主爱答不理 什么态度", "complaint"),
        ("前台说话阴阳怪气的", "complaint"),
        ("最近小区变化挺大的 辛苦你们了", "praise"),
        ("维修师傅手脚麻利 点赞", "praise"),
    ],
)
def test_clear_verdict_words_are_never_read_as_the_opposite(lexical: Understander, text: str, intent: str) -> None:
    other = {"complaint": "praise", "praise": "complaint"}[intent]
    assert lexical.understand(text).name != other


def test_wuye_nlu_prints_the_top_three_faq_candidates() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "nlu"], input='{"text": "停车月卡多少钱"}\n',
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout
    row = json.loads(out.splitlines()[0])
    assert row["intent"] == "faq"
    assert 1 <= len(row["candidates"]) <= 3
    assert row["faq_id"] == row["candidates"][0]
