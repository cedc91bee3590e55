"""Reading that carries beyond the training wording: pinyin, company synonyms, clear verdicts."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from intents.faq import default_faq
from intents.pinyin_input import PinyinReader, split_syllables
from intents.understander import Understander
from intents.word_lists import credit_words, fold_dialect, fold_synonyms, is_ironic, verdict_words


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


def test_cantonese_words_fold_to_mandarin() -> None:
    assert fold_dialect("屋企个水喉爆咗 快啲搵人嚟整") == "家里个水管爆了 快点找人来整"
    assert fold_dialect("泊车月票几钱") == "停车月卡多少钱"


def test_erhua_pinyin_is_read() -> None:
    assert split_syllables("nar") == ["na"]


def test_praise_said_with_a_sneer_is_a_complaint() -> None:
    assert is_ironic("你们这保安当得可真轻松啊 一天到晚刷手机")
    bad, good = verdict_words("你们的客服可真耐心 问啥都说不知道")
    assert bad and good == []
    # a trait said to be too much is a complaint word, an irony marker alone is not irony
    assert verdict_words("前台那位大姐脾气可真大")[0]
    assert not is_ironic("你们可真贴心 谢谢")


def test_credit_for_a_good_deed() -> None:
    assert credit_words("上回我摔了 是你们保安小伙子把我扶回家的 谢谢他")
    assert credit_words("家里老人晕倒 是保安第一时间送医院的")


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
        # irony and implied praise: the warm word is the sneer, the accident is what staff helped with
        ("你们这保洁当得可真省心 楼道一个月没拖过", "complaint"),
        ("保安大哥嗓门可真大 每天早上六点就在楼下喊", "complaint"),
        ("上次水管爆了半夜是你们师傅赶过来的 真的感谢", "praise"),
        ("昨天我家老人在电梯里晕倒 是保安第一时间送医院的", "praise"),
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


def test_the_e5_head_learns_from_vectors_and_ships_for_every_intent() -> None:
    np = pytest.importorskip("numpy")
    from intents.head import fit_head, load_head
    from intents.model import INTENT_NAMES

    rng = np.random.default_rng(1)
    centres = {"repair": rng.normal(size=8), "faq": rng.normal(size=8)}
    vectors = [centres[k] + 0.1 * rng.normal(size=8) for k in ("repair", "faq") for _ in range(20)]
    labels = ["repair"] * 20 + ["faq"] * 20
    head = fit_head(np.array(vectors), labels, ["repair", "faq"], l2=0.01)
    assert max(head.proba(centres["faq"]).items(), key=lambda kv: kv[1])[0] == "faq"
    shipped = load_head()
    assert shipped is not None and shipped.labels == list(INTENT_NAMES)
    assert shipped.weights.shape == (shipped.mean.shape[0] + 1, len(INTENT_NAMES))


def test_the_head_never_takes_a_reading_away_from_faq_nor_swaps_polarity() -> None:
    overreaches = Understander._head_overreaches
    assert overreaches({"faq": 0.6, "repair": 0.4}, {"faq": 0.4, "repair": 0.6})
    assert overreaches({"praise": 0.6, "complaint": 0.4}, {"praise": 0.4, "complaint": 0.6})
    assert not overreaches({"unknown": 0.6, "faq": 0.4}, {"unknown": 0.4, "faq": 0.6})
    assert not overreaches({"complaint": 0.6, "ticket_status": 0.4}, {"complaint": 0.4, "ticket_status": 0.6})
