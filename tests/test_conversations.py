"""Conversations as residents and staff really have them, through the webhook, the worker and the
fake WeChat: the 回访 answer whatever else is pending, forms that let people out, tickets in the
right place, forgiving staff commands, and promises that follow office hours."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from storage.models import Conversation, Survey, Ticket, TicketEvent
from tests.community import Community, number_in

SH = timedelta(hours=8)


def at_local(town: Community, hh: int, mm: int = 0, days: int = 0) -> None:
    """Move the clock to hh:mm Shanghai time, `days` after the current local day."""
    local = town.clock.now + SH
    town.clock.now = datetime(local.year, local.month, local.day, hh, mm, tzinfo=UTC) - SH + timedelta(days=days)


def survey_pushed(town: Community, resident: str = "o-wang", text: str = "厨房水管漏水") -> str:
    """A repair reported, done, and its 回访 pushed to the resident; the ticket number."""
    number = town.repaired(resident, text)
    town.clock.advance(hours=2)
    assert any("1-5" in p for p in town.pushes(resident))
    return number


def the_survey(town: Community) -> Survey:
    with Session(town.engine) as s:
        survey = s.execute(select(Survey).order_by(Survey.id.desc())).scalars().first()
        assert survey is not None
        return survey


def tickets_of_kind(town: Community, prefix: str) -> list[Ticket]:
    return [t for t in town.tickets() if t.number.startswith(prefix)]


def pending_kind(town: Community, openid: str) -> str | None:
    with Session(town.engine) as s:
        conv = s.get(Conversation, openid)
        return conv.kind if conv is not None else None


# ---------------------------------------------------------------- the 回访 answer


@pytest.mark.parametrize(("answer", "rating"), [("4 师傅挺准时的", 4), ("谢谢师傅 修得很好 5", 5)])
def test_a_score_with_a_remark_either_side_is_the_survey_answer(town: Community, answer: str, rating: int) -> None:
    survey_pushed(town)
    reply = town.say("o-wang", answer)
    survey = the_survey(town)
    assert survey.status == "answered" and survey.rating == rating
    assert survey.comment  # the remark is kept with the score
    assert tickets_of_kind(town, "BY") == []  # not read as praise
    assert "感谢" in reply


@pytest.mark.parametrize("answer", ["5", "2分"])
def test_a_stale_faq_menu_does_not_hide_the_survey(town: Community, answer: str) -> None:
    number = town.report("o-wang", "厨房水管漏水")
    town.say("o-zhang", f"完成 {number} 换了软管")
    # an FAQ question with a numbered menu, left unanswered; then the survey arrives
    menu = town.say("o-wang", "那个费用的事情怎么弄")
    town.clock.advance(hours=2)
    assert any("1-5" in p for p in town.pushes("o-wang"))
    town.say("o-wang", answer)
    survey = the_survey(town)
    assert survey.status == "answered", menu
    assert survey.rating == int(answer[0])


def test_a_survey_answer_gets_past_an_older_repair_form(town: Community) -> None:
    number = town.report("o-wang", "厨房水管漏水")
    town.say("o-zhang", f"完成 {number} 换了软管")
    town.say("o-wang", "客厅的灯不亮了")  # a new repair form, left at the confirmation
    town.clock.advance(hours=2)
    town.pushes("o-wang")
    town.say("o-wang", "5分")
    assert the_survey(town).rating == 5


def test_the_comment_asked_for_after_a_middling_score_is_the_surveys(town: Community) -> None:
    survey_pushed(town)
    reply = town.say("o-wang", "还行吧 就是晚上还是有点吵")
    assert the_survey(town).rating == 3 and "不够好" in reply
    saved = town.say("o-wang", "师傅来得太晚了 晚上九点多才到 楼下都听得到")
    assert tickets_of_kind(town, "TS") == [] and tickets_of_kind(town, "BY") == []
    assert "九点多" in the_survey(town).comment
    assert "记录" in saved
    # the next message is read afresh
    assert "物业费" in town.say("o-wang", "物业费怎么交") or pending_kind(town, "o-wang") != "survey_comment"


def test_a_low_score_comment_reaches_whoever_calls_back(town: Community) -> None:
    survey_pushed(town)
    town.say("o-wang", "2分")
    town.pushes("o-zhao")
    town.say("o-wang", "修完地上全是水 也没人打扫")
    assert "没人打扫" in the_survey(town).comment
    assert any("没人打扫" in p for p in town.pushes("o-zhao"))


def test_nothing_more_to_add_is_not_a_comment(town: Community) -> None:
    survey_pushed(town)
    town.say("o-wang", "一般般")
    reply = town.say("o-wang", "没有了")
    assert the_survey(town).comment == "" and "感谢" in reply


@pytest.mark.parametrize(("answer", "rating"), [
    ("贰星", 2), ("肆分", 4), ("⭐⭐⭐", 3), ("4️⃣", 4), ("挺好挺好", 4), ("not bad", 4), ("great", 5),
    ("一般般", 3), ("不怎么样", 2), ("太差劲了", 1), ("凑合", 3), ("打5分吧", 5),
])
def test_every_common_answer_shape_is_a_rating(town: Community, answer: str, rating: int) -> None:
    survey_pushed(town)
    town.say("o-wang", answer)
    assert the_survey(town).rating == rating


@pytest.mark.parametrize("answer", ["好嘞", "收到"])
def test_an_acknowledgement_leaves_the_survey_open(town: Community, answer: str) -> None:
    survey_pushed(town)
    town.say("o-wang", answer)
    survey = the_survey(town)
    assert survey.status == "sent" and survey.rating is None
    assert town.tickets()[-1].number.startswith("BX")  # no praise or complaint ticket either


# ---------------------------------------------------------------- forms that let people out


def test_asking_for_a_person_mid_form_hands_off(town: Community) -> None:
    town.say("o-newbie", "家里水管漏水了")  # unbound: the form asks for the place
    reply = town.say("o-newbie", "转人工")
    assert number_in(reply).startswith("RG")
    assert town.services.settings.community.hotline in reply
    assert pending_kind(town, "o-newbie") is None


def test_binding_mid_form_binds_and_the_repair_carries_on_at_home(town: Community) -> None:
    with Session(town.engine) as s:
        from storage import houses
        from storage.models import RosterEntry

        house = houses.get_or_create(s, "5", "1", "303")
        s.add(RosterEntry(house_id=house.id, name="赵新", phone="13900002229"))
        s.commit()
    ask = town.say("o-newbie", "厨房水管漏水了")
    assert "位置" in ask
    reply = town.say("o-newbie", "绑定 5栋1单元303 13900002229")
    assert "绑定成功" in reply and "5栋1单元303" in reply and "请确认" in reply
    number = town.confirm("o-newbie")
    assert town.ticket(number).place == "5栋1单元303"


def test_a_correction_updates_the_card(town: Community) -> None:
    card = town.say("o-wang", "厨房漏水了")
    assert "厨房" in card
    fixed = town.say("o-wang", "哦不对 是卫生间")
    assert "卫生间" in fixed and "问题：厨房" not in fixed
    number = town.confirm("o-wang")
    assert "卫生间" in town.ticket(number).description and "厨房" not in town.ticket(number).description


def test_more_detail_goes_into_the_description_staff_see(town: Community) -> None:
    town.say("o-wang", "厨房漏水了")
    card = town.say("o-wang", "水槽下面那个管子一直在滴 下午我在家")
    assert "水槽下面" in card and "下午" in card
    number = town.confirm("o-wang")
    t = town.ticket(number)
    assert "水槽下面" in t.description and t.preferred_time == "下午"
    (push,) = town.pushes("o-zhang")
    assert "水槽下面" in push


@pytest.mark.parametrize("give_up", ["算了不修了", "算了不报了", "不用了"])
def test_a_cancelled_form_never_submits_later(town: Community, give_up: str) -> None:
    town.say("o-wang", "厨房水管漏水")
    reply = town.say("o-wang", give_up)
    assert "取消" in reply and "请确认" not in reply
    town.say("o-wang", "好的")
    assert town.tickets() == []
    assert town.pushes("o-zhang") == []


def test_two_yeses_confirm(town: Community) -> None:
    town.say("o-wang", "厨房水管漏水")
    assert number_in(town.say("o-wang", "对 没问题")).startswith("BX")


def test_the_stored_description_has_no_debris(town: Community) -> None:
    number = town.report("o-newbie", "厨房水管漏水了，3栋2单元501，下午在家，电话13800009999")
    description = town.ticket(number).description
    assert description == "厨房水管漏水了", description


# ---------------------------------------------------------------- tickets in the right place


def test_a_gas_smell_is_a_gas_emergency_for_the_gas_technician(town: Community) -> None:
    reply = town.say("o-wang", "家里好像闻到煤气味 有点怕")
    number = number_in(reply)
    t = town.ticket(number)
    assert t.urgent and t.category == "燃气"
    assert any(number in p for p in town.pushes("o-zhang"))  # 张建国 handles 燃气
    assert town.pushes("o-liu") == []


def test_an_emergency_asked_as_a_question_is_still_an_emergency(town: Community) -> None:
    reply = town.say("o-wang", "家里好大一股煤气味 怎么办啊")
    number = number_in(reply)
    assert town.ticket(number).urgent and "燃气总阀" in reply
    assert any(number in p for p in town.pushes("o-zhang"))
    assert any(number in p for p in town.pushes("o-zhao"))  # the supervisor too


def test_an_emergency_gets_through_a_form(town: Community) -> None:
    town.say("o-wang", "客厅灯不亮了")
    reply = town.say("o-wang", "电梯里有人被困了 快来")
    assert town.ticket(number_in(reply)).urgent


def test_a_fault_in_another_building_is_a_new_ticket_not_a_reopen(town: Community) -> None:
    first = town.report("o-wang", "1栋电梯坏了")
    town.say("o-liu", f"完成 {first} 修好了")
    reply = town.say("o-wang", "5栋电梯又坏了 一直停在8楼不动")
    assert first not in reply
    assert town.ticket(first).status == "done"


def test_the_same_place_breaking_again_is_reopened(town: Community) -> None:
    first = town.report("o-wang", "1栋电梯坏了")
    town.say("o-liu", f"完成 {first} 修好了")
    reply = town.say("o-wang", "1栋电梯又坏了")
    assert first in reply and town.ticket(first).status == "open"


@pytest.mark.parametrize("text", ["全体", "员工", "3栋"])
def test_a_weak_reading_asks_instead_of_opening_a_ticket(town: Community, text: str) -> None:
    reply = town.say("o-wang", text)
    assert town.tickets() == [], reply
    assert "客服" not in reply or "转人工" not in reply


def test_a_refused_broadcast_then_a_word_opens_nothing(town: Community) -> None:
    refused = town.say("o-wang", "发布通知")
    assert "项目经理" in refused
    town.say("o-wang", "全体")
    assert town.tickets() == []


# ---------------------------------------------------------------- staff and residents


def test_staff_commands_forgive_typos_and_plain_words(town: Community) -> None:
    number = town.report("o-wang", "厨房水管漏水")
    assert "已接单" in town.say("o-zhang", f"接丹 {number}")
    assert "到场" in town.say("o-zhang", "到了")
    assert "已完成" in town.say("o-zhang", "搞定了")
    assert town.ticket(number).status == "done"


def test_staff_help_and_my_tickets(town: Community) -> None:
    number = town.report("o-wang", "厨房水管漏水")
    assert "接单" in town.say("o-zhang", "帮助") and "完成" in town.say("o-zhang", "帮助")
    assert number in town.say("o-zhang", "看看我的工单")


@pytest.mark.parametrize("ask", ["我今天有哪些单子", "手上还有几个活", "还有几单没做"])
def test_staff_ask_for_their_list_in_their_own_words(town: Community, ask: str) -> None:
    number = town.report("o-wang", "厨房水管漏水")
    assert number in town.say("o-zhang", ask)
    assert "已完成" in town.say("o-zhang", "我干完了") and town.ticket(number).status == "done"


@pytest.mark.parametrize(("who", "move", "state"), [
    ("o-zhang", "完成 {number} 换了软管", "已完成"),  # finished by staff
    ("o-wang", "取消报修 {number}", "取消"),  # cancelled by the resident
])
def test_my_repairs_shows_tickets_with_their_state(town: Community, who: str, move: str, state: str) -> None:
    number = town.report("o-wang", "厨房水管漏水")
    town.say(who, move.format(number=number))
    reply = town.say("o-wang", "我的报修")
    assert number in reply and state in reply


# ---------------------------------------------------------------- promises and office hours


def test_a_complaint_at_night_promises_office_hours_not_minutes(town: Community) -> None:
    at_local(town, 2, 1)
    reply = town.say("o-wang", "楼上天天半夜装修 吵得睡不着 我要投诉")
    assert number_in(reply).startswith("TS")
    assert "分钟内" not in reply and "08:30" in reply


def test_a_low_score_at_night_promises_a_call_in_office_hours(town: Community) -> None:
    survey_pushed(town)
    at_local(town, 2, 30, days=1)
    reply = town.say("o-wang", "1分")
    assert "04:" not in reply and "03:" not in reply, reply
    assert re.search(r"(0[89]|1[0-2]):\d\d", reply), reply


def test_faq_answers_do_not_double_the_office_name(town: Community) -> None:
    town.services.settings.community.office_location = "5栋1楼物业服务中心"
    for question in ("物业费怎么交", "装修要办什么手续", "门禁卡丢了怎么办"):
        reply = town.say("o-wang", question)
        assert "服务中心的物业服务中心" not in reply and "服务中心物业服务中心" not in reply


def test_a_noise_complaint_done_push_does_not_say_not_repaired(town: Community) -> None:
    reply = town.say("o-wang", "楼下广场舞太吵了 每天晚上放到十点 我要投诉")
    number = number_in(reply)
    town.say("o-kefu", f"完成 {number} 已与广场舞队沟通，改为八点半结束")
    pushes = town.pushes("o-wang")
    assert pushes and all("没修好" not in p for p in pushes)


def test_the_survey_push_does_not_cut_a_word(town: Community) -> None:
    reply = town.say("o-wang", "楼下广场舞太吵了 每天晚上放到十点 我要投诉")
    number = number_in(reply)
    town.say("o-kefu", f"完成 {number} 已沟通")
    town.clock.advance(hours=2)
    (ask,) = [p for p in town.pushes("o-wang") if "1-5" in p]
    assert "广场舞太吵了" in ask or "…" in ask


def test_events_record_a_survey_comment(town: Community) -> None:
    number = survey_pushed(town)
    town.say("o-wang", "3分")
    town.say("o-wang", "就是来得晚")
    with Session(town.engine) as s:
        t = s.execute(select(Ticket).where(Ticket.number == number)).scalar_one()
        actions = [e.action for e in s.execute(select(TicketEvent).where(TicketEvent.ticket_id == t.id)).scalars()]
    assert "survey_comment" in actions


# ---------------------------------------------------------------- outages by time and building


def notice(town: Community, title: str, body: str, audience: str = "all", until: datetime | None = None) -> None:
    """A notice sent a minute ago (as `wuye notice send` leaves it once delivered)."""
    from storage.models import Notice

    with Session(town.engine) as s:
        s.add(Notice(title=title, body=body, audience=audience, status="sent", send_at=town.clock.now - timedelta(minutes=1),
                     sent_at=town.clock.now, until=until))
        s.commit()


def test_at_night_a_daytime_outage_is_not_why_the_tap_is_dry(town: Community) -> None:
    at_local(town, 20, 0)
    notice(town, "停水通知", "明天10:00至16:00管网检修，全小区停水，请提前储水。")
    at_local(town, 2, 5, days=1)
    reply = town.say("o-wang", "家里怎么没水了")
    assert "已发布通知" not in reply
    # ...but the resident hears when the planned one is, and that this is not it
    assert "10:00至16:00" in reply and "还没开始" in reply
    repair = town.say("o-wang", "要报修")
    assert "请确认" in repair and "没水" in repair
    # a fault reported outright is a repair at once, with the same word about the later outage
    report = town.say("o-chen", "停水了 水龙头一滴水都没有")
    assert "还没开始" in report and "请确认" in report
    # asked about the day itself, the notice is the answer
    assert "停水通知" in town.say("o-li", "今天停水吗")


def test_insisting_after_an_outage_answer_opens_the_repair(town: Community) -> None:
    notice(town, "停水通知", "今天管网检修，3栋停水。", audience="building:3")
    answer = town.say("o-wang", "家里怎么没水了")
    assert "停水通知" in answer
    reply = town.say("o-wang", "还是要报修")
    assert "请确认" in reply and "没水" in reply


def test_tomorrows_notice_for_my_building_answers_about_tomorrow(town: Community) -> None:
    notice(town, "全小区停水", "今天9:00-17:00二次供水水箱清洗，全小区停水。")
    notice(town, "3栋停水", "明天8:00-12:00 3栋水管改造停水。", audience="building:3")
    reply = town.say("o-wang", "明天还停水不")
    assert "3栋停水" in reply and "全小区停水" not in reply
    other = town.say("o-li", "明天还停水不")  # 5栋: nothing tomorrow
    assert "3栋停水" not in other


def test_a_building_notice_is_preferred_for_today(town: Community) -> None:
    notice(town, "3栋停电", "今天10:00-15:00 3栋配电检修停电。", audience="building:3")
    notice(town, "全小区停电通知", "今天全天线路改造。")
    assert "3栋停电" in town.say("o-wang", "今天停电吗")
