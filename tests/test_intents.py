"""Understanding messages: normalisation, typos, negation, context, FAQ choice."""

from __future__ import annotations

import pytest

from intents import Context, FaqEntry, Understander, understand
from intents.homophones import HomophoneFixer
from intents.normalize import normalize

FAQ = [
    FaqEntry("pay", "费用", "物业费怎么交？", "公众号或服务中心缴纳。", ("在哪里缴物业费", "物业费能微信支付吗")),
    FaqEntry("rate", "费用", "物业费收费标准是多少？", "2.2元/平方米/月。", ("物业费多少钱一平",)),
    FaqEntry("repair-how", "维修", "家里东西坏了怎么报修？", "公众号报修或打电话。", ("报修找谁",)),
    FaqEntry("reno-hours", "装修", "装修施工时间是几点到几点？", "工作日8:00-12:00。", ("周末能装修吗",)),
    FaqEntry("garbage", "环境", "垃圾几点可以扔？", "早7点到晚9点。", ("垃圾投放时间",)),
    FaqEntry("card-lost", "门禁", "门禁卡丢了怎么办？", "到服务中心补办，工本费20元。", ("门禁卡掉了能补吗",)),
]


@pytest.fixture(scope="module")
def u() -> Understander:
    return Understander(FAQ)


def test_normalisation_width_script_and_punctuation() -> None:
    assert normalize("電梯又停了！！！") == "电梯又停了!"
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("物业费咋交") == "物业费怎么交"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("厨房露水了", "厨房漏水了"), ("马桶赌了", "马桶堵了"), ("门尽卡丢了", "门禁卡丢了"), ("我要投述", "我要投诉")],
)
def test_pinyin_typos_are_repaired(typed: str, meant: str) -> None:
    assert HomophoneFixer().fix(typed) == meant


@pytest.mark.parametrize(
    "text",
    [
        "需要提前预约电梯吗", "水表一般什么时候抄", "听说要开业主大会", "修得挺快的", "保洁阿姨拖完地楼梯全是水",
        # real words that sound like domain words (保修/报修, 房客/访客, 水果/水管, 认真/认证)
        "过保修期了没", "房客要登记吗", "楼下水果店", "师傅很认真",
    ],
)
def test_ordinary_words_are_not_corrected(text: str) -> None:
    assert HomophoneFixer().fix(text) == text


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("想把那堵墙打通 可以不", True),  # clause-final 不
        ("晚上还能装修不", True),
        ("上周反映的事有结果没", True),  # clause-final 没
        ("拆下来的砖头堆哪", True),  # 哪 at the end
        ("同意不同意", True),  # two-character A-not-A
        ("保洁一个礼拜来几次", True),  # 几 + measure word
        ("卫生间水龙头一直滴水", False),
        ("好几天没人来了", False),
        ("水还没", False),
    ],
)
def test_question_forms(text: str, question: bool) -> None:
    from intents.lexicon import QUESTION

    assert bool(QUESTION.search(text)) is question


@pytest.mark.parametrize(
    ("text", "intent", "present"),
    [
        ("换灯泡要收人工费吗", "human", False),  # 人工费 is a charge, not a person
        ("转人工", "human", True),
        ("找个人跟我说", "human", True),
        ("帮我叫个滴滴去火车站", "repair", False),  # 滴滴 the taxi app
        ("厨房水龙头一直滴答滴答", "repair", True),
        ("那堵墙能打掉吗", "repair", False),  # 堵 as the measure word of a wall
        ("下水道堵了", "repair", True),
        ("说好今天上午来的 人呢", "ticket_status", True),
        ("我那个投诉不要了", "complaint", False),  # the withdrawn ticket is not a new complaint
        ("顺丰单号sf123456", "complaint", False),  # 12345 inside a longer number
    ],
)
def test_cue_words_in_compounds(text: str, intent: str, present: bool) -> None:
    from intents.lexicon import cue_scores

    assert (intent in cue_scores(text)) is present


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("厨房露水了!!", "repair"),
        ("3-2-501 马桶堵了 电话138 0000 1111", "repair"),
        ("電梯又停了，卡在15樓下不去", "repair"),
        ("电梯修了三次还坏，我要投诉", "complaint"),
        ("表扬一下保安小王 帮我把米扛上楼了", "praise"),
        ("上次报修的水管修好了吗", "ticket_status"),
        ("取消报修", "cancel_ticket"),
        ("最近有没有停水通知", "notice_query"),
        ("转人工", "human"),
        ("绑定房屋", "bind"),
        ("谢谢", "chitchat"),
        ("帮我订一张去上海的高铁票", "unknown"),
        ("asdfghjkl", "unknown"),
    ],
)
def test_intents(u: Understander, text: str, intent: str) -> None:
    assert u.understand(text).name == intent


def test_faq_answer_and_slots(u: Understander) -> None:
    got = u.understand("物业费咋交")
    assert got.name == "faq"
    assert got.candidates[0] == "pay"
    got = u.understand("3栋2单元501 卫生间漏水 电话13800001111")
    assert got.name == "repair"
    assert (got.slots["building"], got.slots["unit"], got.slots["room"], got.slots["phone"]) == (
        "3", "2", "501", "13800001111",
    )


def test_negation_flips_the_reading(u: Understander) -> None:
    assert u.understand("不是要报修，我就问问物业费怎么交").name == "faq"
    assert u.understand("不是投诉啊，就是单元门口的路灯坏了，麻烦修一下").name == "repair"


def test_survey_context_reads_a_bare_rating(u: Understander) -> None:
    survey = Context(pending="survey")
    got = u.understand("5", survey)
    assert (got.rating, got.has_comment, got.name) == (5, False, "chitchat")
    got = u.understand("不满意，修完第二天又漏了", survey)
    assert (got.rating, got.has_comment) == (2, True)
    got = u.understand("物业费怎么交", survey)
    assert got.rating is None and got.name == "faq"
    assert u.understand("5").rating is None  # no survey pending: no rating


def test_numbered_faq_choice(u: Understander) -> None:
    ctx = Context(pending="faq_choice", faq_choices=("rate", "pay", "garbage"))
    got = u.understand("2", ctx)
    assert (got.name, got.faq_id, got.confidence) == ("faq", "pay", 1.0)
    assert u.understand("第3个", ctx).faq_id == "garbage"
    assert u.understand("7", ctx).faq_id != "garbage"  # out of range: read normally


def test_abandoning_a_pending_form(u: Understander) -> None:
    form = Context(pending="repair_form")
    got = u.understand("算了", form)
    assert (got.name, got.slots.get("cancels")) == ("cancel_ticket", "pending")
    got = u.understand("3栋2单元501 13800001111", form)
    assert got.name == "repair" and got.slots["room"] == "501"
    assert u.understand("算了").name != "cancel_ticket"


def test_module_level_understand_accepts_a_faq_list() -> None:
    got = understand("门禁卡丢了咋办", kb=FAQ)
    assert got.name == "faq" and "card-lost" in got.candidates


def test_understander_without_semantic_tier() -> None:
    lexical = Understander(FAQ, semantic=False)
    assert lexical.understand("厨房水管漏水了 快来修").name == "repair"
    assert lexical.understand("物业费怎么交").name == "faq"


# ---- FAQ topic words and the re-ranker ------------------------------------------------
def test_topic_words_come_from_the_entrys_own_phrasings() -> None:
    from intents.faq_topics import TopicStats

    stats = TopicStats(
        [["装修施工时间是几点到几点", "周末能装修吗", "装修几点可以开工"],
         ["垃圾几点可以扔", "垃圾投放时间", "晚上十点还能扔垃圾吗"]],
        ["工作日8:00-12:00", "早7点到晚9点"],
    )
    assert "装修" in stats.topical and "垃圾" in stats.topical
    assert "十点" not in stats.topical  # one phrasing's detail, not the entry's topic
    ev = stats.evidence("晚上十点以后还能装修吗", [0, 1])
    topic_reno, miss_reno, _ = ev[0]
    topic_garbage, miss_garbage, _ = ev[1]
    assert miss_reno == 0.0 and miss_garbage > 0.5  # the rubbish entry never says 装修
    assert topic_reno > topic_garbage


def test_rank_weights_are_shipped_and_match_the_features() -> None:
    from intents.faq_index import LEXICAL_RANK_FEATURES, SEMANTIC_RANK_FEATURES, load_rank_weights

    w = load_rank_weights()
    assert len(w["semantic"]) == len(SEMANTIC_RANK_FEATURES)
    assert len(w["lexical"]) == len(LEXICAL_RANK_FEATURES)


def test_a_borrowed_time_phrase_does_not_pull_another_topic(u: Understander) -> None:
    got = u.understand("晚上九点以后还能装修吗")
    assert got.name == "faq"
    assert (got.faq_id or got.candidates[0]) == "reno-hours"


def test_courier_tracking_number_is_not_a_ticket_number() -> None:
    from intents.lexicon import cue_scores

    assert "ticket_status" not in cue_scores("帮我查个快递单号")
    assert "ticket_status" not in cue_scores("运单号是多少")
    assert "ticket_status" in cue_scores("我的单号是BX001 到哪了")


def test_a_bare_good_morning_is_small_talk() -> None:
    from intents.lexicon import is_small_talk

    assert is_small_talk("早") and is_small_talk("早啊") and is_small_talk("早~")
    assert not is_small_talk("早点来修")


@pytest.mark.parametrize(
    ("text", "intent", "present"),
    [
        # tone alone: staff manner, things got better, effort thanked
        ("前台说话太冲了 问两句就不耐烦", "complaint", True),
        ("门卫老是冲业主吼", "complaint", True),
        ("楼道干净多了 保洁阿姨们辛苦了", "praise", True),
        ("昨天报的今天就修好了 效率真高", "praise", True),
        ("好嘞 辛苦辛苦", "praise", False),
        # a home linked or a household member added without the word 绑定
        ("小程序里怎么关联我家房号", "bind", True),
        ("帮我老公也加进来 他也住这", "bind", True),
        ("房号填错了 能改吗", "bind", True),
        ("快递能放物业那吗", "bind", False),
        # a message sent by mistake is withdrawn
        ("刚才是孩子乱发的 不用理", "cancel_ticket", True),
    ],
)
def test_cues_told_by_tone_and_without_keywords(text: str, intent: str, present: bool) -> None:
    from intents.lexicon import cue_scores

    assert (intent in cue_scores(text)) is present


def test_compliments_to_the_bot_are_small_talk() -> None:
    from intents.lexicon import is_small_talk

    assert is_small_talk("哈哈 你反应挺快")
    assert is_small_talk("辛苦辛苦 没别的事了")
    assert not is_small_talk("你们修得挺快")


def test_vectorised_bm25_matches_the_posting_walk() -> None:
    from intents.lexical import BM25

    docs = ["物业费怎么交", "门禁卡丢了怎么办", "装修押金多少", "停车月卡多少钱", "物业电话是多少"]
    bm = BM25(docs)
    for query in ("物业费多少钱", "门卡丢了", "没有关系的话", ""):
        dense = bm.scores_array(query)
        walked = bm.scores(query)
        assert set(int(i) for i in dense.nonzero()[0]) == set(walked)
        for i, s in walked.items():
            assert dense[i] == pytest.approx(s)


def test_lexical_parts_take_each_entrys_best_phrasing() -> None:
    from intents.faq_index import FaqIndex

    faq = [
        FaqEntry(id="a", category="x", question="物业费怎么交", answer="微信缴费", alternates=("在哪交物业费",)),
        FaqEntry(id="b", category="x", question="门禁卡丢了怎么办", answer="到服务中心补办", alternates=()),
        FaqEntry(id="c", category="x", question="装修押金多少", answer="两千元", alternates=("押金怎么退", "押金什么时候退")),
    ]
    index = FaqIndex(faq, lambda t: t, rank_weights={})
    phrasing, _answer = index.lexical_parts("押金什么时候退")
    assert max(phrasing, key=phrasing.__getitem__) == 2
    assert 1 not in phrasing
    walked = {}
    scale = index.phrasings.self_score("押金什么时候退")
    for doc, s in index.phrasings.scores("押金什么时候退").items():
        i = index.doc_entry[doc]
        walked[i] = max(walked.get(i, 0.0), min(1.0, s / scale))
    assert phrasing == pytest.approx(walked)
    assert index.search("押金什么时候退")[0].faq_id == "c"


def test_cues_for_a_glued_ticket_code_hearsay_and_a_permission_question() -> None:
    from intents.lexicon import cue_scores

    # a ticket-like code glued to Chinese points at a ticket; a parcel number does not
    assert cue_scores("WY2411020003这个单子")["ticket_status"] > 0.8
    assert cue_scores("顺丰单号SF1234567890到哪了").get("ticket_status", 0.0) < 1.5
    # hearsay about a coming change is something to confirm against the notices
    assert cue_scores("听邻居说要换水表")["notice_query"] >= 1.2
    # a permission question about one's own conduct halves the complaint cues;
    # the same form aimed at the staff does not
    own = cue_scores("带狗出去不牵绳行不行").get("complaint", 0.0)
    plain = cue_scores("带狗出去不牵绳").get("complaint", 0.0)
    aimed = cue_scores("你们师傅到底行不行 修了三次还是坏的").get("complaint", 0.0)
    assert plain > 0 and own == pytest.approx(plain / 2)
    assert aimed >= cue_scores("修了三次还是坏的").get("complaint", 0.0)


def test_faq_rescue_asks_but_never_for_a_nudge() -> None:
    from intents.features import Evidence
    from intents.understander import FAQ_RESCUE_RATIO

    def ev(text: str, question: bool) -> Evidence:
        return Evidence(text=text, cues={}, denied=set(), small_talk=False, question=question, policy=False,
                        faq_hits=[], known_fraction=0.0, cjk=len(text), has_address=False, has_phone=False,
                        semantic_used=True)

    torn = {"faq": FAQ_RESCUE_RATIO * 0.4 + 0.01, "unknown": 0.4}
    assert Understander._faq_rescue(ev("旧冰箱怎么处理", True), torn)
    assert not Understander._faq_rescue(ev("旧冰箱怎么处理", True), {"faq": 0.1, "unknown": 0.4})
    assert not Understander._faq_rescue(ev("旧冰箱放门口", False), torn)
    assert not Understander._faq_rescue(ev("还要等多久", True), torn)


# ---- information requests, rule questions, faults without a fault word --------------------


@pytest.mark.parametrize(
    "text",
    ["给我个维修电话", "把你们前台座机号发我一下", "办卡的流程说一下", "保安让开条子", "物业地址告诉我"],
)
def test_information_request_is_question_shaped(text: str) -> None:
    from intents.lexicon import INFO_REQUEST

    assert INFO_REQUEST.search(text)


@pytest.mark.parametrize("text", ["给我派个师傅", "给我接管家 我有事当面说", "给我讲个笑话", "帮我把房子绑一下"])
def test_request_for_a_person_or_action_is_not_an_information_request(text: str) -> None:
    from intents.lexicon import INFO_REQUEST

    assert not INFO_REQUEST.search(text)


def test_rule_question_halves_complaint_cues_unless_it_addresses_staff() -> None:
    from intents.lexicon import cue_scores

    plain = cue_scores("楼上天天跺脚 吵死了")["complaint"]
    asked = cue_scores("楼上天天跺脚 吵死了 小区有没有规定几点后要安静")["complaint"]
    demand = cue_scores("楼上天天跺脚 吵死了 你们有没有规定 管不管")["complaint"]
    assert asked < plain
    assert demand >= plain


@pytest.mark.parametrize("text", ["单元门关一半又弹开", "热水器时好时坏", "门铃半夜自己响"])
def test_device_misbehaving_is_a_fault_cue(text: str) -> None:
    from intents.lexicon import cue_scores

    assert cue_scores(text).get("repair", 0) >= 1.0


def test_resident_acting_themselves_is_not_a_fault() -> None:
    from intents.lexicon import cue_scores

    assert "repair" not in cue_scores("我自己开车去")
