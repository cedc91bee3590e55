"""More stories of the same kinds as tests/test_conversations.py, in other words: the class of
fault is what is tested, not one sentence."""

from __future__ import annotations

import pytest

from intents.faq import default_faq
from replies import fill
from tests.community import Community
from tests.test_conversations import at_local, number_in, survey_pushed, the_survey, tickets_of_kind

# ---------------------------------------------------------------- the 回访


@pytest.mark.parametrize(("answer", "rating"), [
    ("⭐⭐⭐⭐⭐ 师傅很专业", 5), ("伍", 5), ("给个好评吧 师傅辛苦了", 5), ("3分吧 来得有点晚", 3),
    ("不太满意 修完地上都是灰", 2), ("very good", 5),
])
def test_more_answer_shapes_close_the_survey(town: Community, answer: str, rating: int) -> None:
    survey_pushed(town)
    town.say("o-wang", answer)
    assert the_survey(town).rating == rating
    assert tickets_of_kind(town, "BY") == [] and tickets_of_kind(town, "TS") == []


def test_a_question_while_the_survey_is_open_is_answered_and_the_survey_waits(town: Community) -> None:
    survey_pushed(town)
    town.say("o-wang", "物业费怎么交")
    assert the_survey(town).status == "sent"
    town.say("o-wang", "4")
    assert the_survey(town).rating == 4


def test_a_survey_answer_gets_past_an_older_complaint_form(town: Community) -> None:
    number = town.report("o-wang", "厨房水管漏水")
    town.say("o-zhang", f"完成 {number} 换了软管")
    town.say("o-wang", "我要投诉")  # the complaint form waits for what happened
    town.clock.advance(hours=2)
    town.pushes("o-wang")
    town.say("o-wang", "满意")
    assert the_survey(town).rating == 4
    assert tickets_of_kind(town, "TS") == []


def test_an_emergency_after_the_comment_prompt_is_an_emergency(town: Community) -> None:
    survey_pushed(town)
    town.say("o-wang", "一般")
    reply = town.say("o-wang", "家里燃气味好大 怎么回事")
    assert town.ticket(number_in(reply)).urgent
    assert the_survey(town).comment == ""


def test_a_person_asked_for_after_the_comment_prompt(town: Community) -> None:
    survey_pushed(town)
    town.say("o-wang", "2分")
    assert number_in(town.say("o-wang", "我要人工客服")).startswith("RG")


def test_the_fault_back_after_the_comment_prompt_reopens(town: Community) -> None:
    number = survey_pushed(town)
    town.say("o-wang", "3")
    reply = town.say("o-wang", "水管又漏了")
    assert number in reply and town.ticket(number).status == "open"


# ---------------------------------------------------------------- forms


@pytest.mark.parametrize("give_up", ["不用了谢谢", "算了 我自己修", "那算了吧", "先不报了"])
def test_other_ways_to_give_up_a_repair(town: Community, give_up: str) -> None:
    town.say("o-wang", "卫生间马桶堵了")
    assert "取消" in town.say("o-wang", give_up)
    town.say("o-wang", "好")
    assert town.tickets() == []


def test_giving_up_a_complaint(town: Community) -> None:
    town.say("o-wang", "我要投诉")
    assert "取消" in town.say("o-wang", "算了不投诉了")
    assert town.tickets() == []


def test_a_question_in_the_complaint_form_is_answered_not_filed(town: Community) -> None:
    town.say("o-wang", "我要投诉")
    reply = town.say("o-wang", "物业费怎么交")
    assert tickets_of_kind(town, "TS") == [] and "投诉还没提交" in reply
    assert number_in(town.say("o-wang", "楼下车库的车位天天被人占")).startswith("TS")


def test_another_room_corrected(town: Community) -> None:
    town.say("o-wang", "厨房的灯不亮了")
    card = town.say("o-wang", "不是厨房 是阳台")
    assert "阳台" in card and "问题：厨房" not in card


def test_a_building_corrected_for_a_lift(town: Community) -> None:
    card = town.say("o-wang", "3栋电梯门关不上")
    assert "3栋" in card
    fixed = town.say("o-wang", "说错了 是5栋")
    assert "5栋电梯" in fixed
    number = number_in(town.say("o-wang", "好的"))
    assert town.ticket(number).building == "5"


def test_asking_for_a_person_in_the_binding_form(town: Community) -> None:
    town.say("o-newbie", "绑定")
    assert number_in(town.say("o-newbie", "转人工")).startswith("RG")


# ---------------------------------------------------------------- tickets in the right place


@pytest.mark.parametrize(("text", "category", "urgent"), [
    ("楼道里一股烧焦味", None, True),
    ("燃气灶打不着火了", "燃气", False),
    ("厨房下水道反味", "管道疏通", False),
])
def test_smells_and_symptoms_name_the_category(town: Community, text: str, category: str | None, urgent: bool) -> None:
    reply = town.say("o-wang", text)
    if not urgent:
        reply = town.say("o-wang", "确认")
    t = town.ticket(number_in(reply))
    assert t.urgent == urgent
    if category:
        assert t.category == category


def test_another_room_breaking_is_a_new_ticket(town: Community) -> None:
    first = town.report("o-wang", "厨房水龙头漏水")
    town.say("o-zhang", f"完成 {first} 换了阀芯")
    reply = town.say("o-wang", "卫生间的水管又漏了")
    assert first not in reply and town.ticket(first).status == "done"


@pytest.mark.parametrize("text", ["物业", "业主", "5栋1单元"])
def test_more_bare_words_ask(town: Community, text: str) -> None:
    town.say("o-wang", text)
    assert town.tickets() == []


# ---------------------------------------------------------------- staff and residents


def test_staff_plain_words_with_two_tickets_ask_which(town: Community) -> None:
    a = town.report("o-wang", "厨房水管漏水")
    b = town.report("o-li", "卫生间水龙头滴水")
    reply = town.say("o-zhang", "搞定了")
    assert a in reply and b in reply
    assert town.ticket(a).status == "open" and town.ticket(b).status == "open"


def test_staff_typo_with_a_number_and_english_help(town: Community) -> None:
    number = town.report("o-wang", "厨房水管漏水")
    assert "已接单" in town.say("o-zhang", f"节单 {number}")
    assert "接单" in town.say("o-zhang", "help")
    assert "已完成" in town.say("o-zhang", "修好啦")


# ---------------------------------------------------------------- promises


def test_a_repair_at_night_promises_the_morning(town: Community) -> None:
    at_local(town, 23, 10)
    town.say("o-wang", "客厅插座没电了")
    reply = town.say("o-wang", "确认")
    assert "分钟内" not in reply and "08:30" in reply


def test_a_low_score_late_in_the_day_is_called_back_next_morning(town: Community) -> None:
    survey_pushed(town)
    at_local(town, 17, 30)
    reply = town.say("o-wang", "1分")
    assert "19:30" not in reply and "明天" in reply


def test_no_faq_answer_says_the_office_twice(town: Community) -> None:
    community = town.services.settings.community
    for entry in default_faq():
        text = fill(entry.answer, community)
        assert "服务中心的物业服务中心" not in text and "服务中心服务中心" not in text, entry.id


def test_a_new_fault_with_a_kind_word_is_a_repair_not_the_survey_answer(town: Community) -> None:
    survey_pushed(town)
    reply = town.say("o-wang", "客厅的灯又不亮了 上次师傅修得不错")
    assert the_survey(town).rating is None
    assert "请确认" in reply or number_in(reply).startswith("BX")


def test_the_binding_form_lets_a_question_through_and_can_be_given_up(town: Community) -> None:
    assert "绑定" in town.say("o-newbie", "我要绑定")
    answer = town.say("o-newbie", "物业费怎么交")
    assert "绑定 楼栋单元房号" not in answer
    assert "不绑定" in town.say("o-newbie", "算了")
    town.say("o-newbie", "好的")
    assert town.tickets() == []
