"""Repair, complaint and hand-off tickets end to end: through the webhook, the worker and the fake
WeChat, on SQLite and (when it answers) PostgreSQL. Time is controlled, never slept."""

from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from bot.cli import main
from storage.models import Job, Ticket, TicketEvent, TicketFollower
from tests.community import NUMBER, Community, number_in
from tests.threads import at_once


def events(town: Community, number: str) -> list[str]:
    with Session(town.engine) as s:
        t = s.execute(select(Ticket).where(Ticket.number == number)).scalar_one()
        return [e.action for e in s.execute(select(TicketEvent).where(TicketEvent.ticket_id == t.id).order_by(TicketEvent.id)).scalars()]


def test_full_repair_from_first_message_to_done(town: Community) -> None:
    reply = town.say("o-wang", "厨房水龙头一直滴水，关不紧")
    # Bound resident: home and phone come from the roster, so it goes straight to confirmation.
    assert "请确认" in reply and "3栋2单元501" in reply and "13800001111" in reply
    assert "照片已收到（共1张）" in town.photo("o-wang", "http://mmbiz.qpic.cn/leak.jpg")
    created = town.say("o-wang", "确认")
    number = number_in(created)
    assert number.startswith("BX2611231") or number.startswith("BX261123")
    assert "张建国" in created  # routed by category 水电

    (card,) = town.pushes("o-zhang")  # by template: 张建国 has never written to the account
    assert number in card and "水电" in card and "3栋2单元501" in card
    assert "13800001111" in card and "滴水" in card and "尽快" in card
    assert town.pushes("o-liu") == []  # not routed to the wrong trade

    town.clock.advance(minutes=5)
    assert "已接单" in town.say("o-zhang", f"接单 {number}")
    (accepted,) = town.pushes("o-wang")
    assert "张建国" in accepted and "13900001111" in accepted and "预计" in accepted

    town.clock.advance(minutes=20)
    town.say("o-zhang", f"到场 {number}")
    assert any("已到达" in p for p in town.pushes("o-wang"))

    town.clock.advance(minutes=30)
    done = town.say("o-zhang", f"完成 {number} 换了水龙头阀芯")
    assert "已完成" in done
    assert "照片" in town.photo("o-zhang", "http://mmbiz.qpic.cn/fixed.jpg")
    (finished,) = town.pushes("o-wang")
    assert number in finished and "换了水龙头阀芯" in finished

    t = town.ticket(number)
    assert t.status == "done" and t.photos == ["http://mmbiz.qpic.cn/leak.jpg", "http://mmbiz.qpic.cn/fixed.jpg"]
    assert events(town, number) == ["created", "assigned", "accepted", "arrived", "done", "proof_photo"]


def test_staff_card_as_template_message_with_configured_fields(town: Community) -> None:
    push = town.services.settings.push
    push.staff_template_id = "TPL-TICKET"
    number = town.report("o-wang", "3栋2单元501 卫生间马桶堵了 电话 138-0000-1111 明天上午")
    town.tick()
    (call,) = town.fake.calls(path="message/template/send", touser="o-zhang")
    data = {k: v["value"] for k, v in call["body"]["data"].items()}
    assert call["body"]["template_id"] == "TPL-TICKET"
    assert data["character_string1"] == number and data["thing2"] == "新工单 管道疏通"
    assert data["thing3"] == "3栋2单元501" and "马桶堵了" in data["thing4"]
    assert "明天上午" in data["thing5"] and "13800001111" in data["thing5"]
    assert "first" not in data and "remark" not in data


def test_one_message_with_everything_goes_straight_to_confirmation(town: Community) -> None:
    reply = town.say("o-stranger", "3栋2单元501 厨房水管漏水 13800001111 明天上午")
    assert "请确认" in reply
    for part in ("厨房水管漏水", "3栋2单元501", "13800001111", "明天上午"):
        assert part in reply
    assert town.tickets() == []


def test_unbound_person_is_asked_for_place_and_phone_then_can_cancel(town: Community) -> None:
    assert "位置" in town.say("o-new", "马桶堵了")
    assert "手机号" in town.say("o-new", "8栋1单元101")
    assert "取消" in town.say("o-new", "算了")
    assert town.tickets() == []
    town.say("o-new", "13812345678")  # a bare phone number after cancelling opens nothing
    assert town.tickets() == []


def test_idle_form_expires_after_30_minutes_with_nothing_created(town: Community) -> None:
    assert "位置" in town.say("o-new", "客厅灯不亮了")
    town.clock.advance(minutes=31)
    reply = town.say("o-new", "确认")
    assert "请确认" not in reply and NUMBER.search(reply) is None
    assert town.tickets() == []


def test_urgent_case_skips_questions_and_pushes_staff_and_supervisor_at_once(town: Community) -> None:
    reply = town.say("o-new", "救命 电梯困人了！")
    number = number_in(reply)
    assert "紧急" in reply and "警铃" in reply and town.services.settings.community.duty_phone in reply
    assert "位置" in reply  # asked afterwards, not before
    t = town.ticket(number)
    assert t.urgent and t.category == "电梯"
    assert any(number in p for p in town.pushes("o-liu"))
    assert any("紧急" in p and number in p for p in town.pushes("o-zhao"))
    follow = town.say("o-new", "5栋")
    assert number in follow and "5栋" in town.ticket(number).place


def test_only_assignee_or_supervisor_may_move_a_ticket(town: Community) -> None:
    number = town.report("o-wang", "卫生间水管漏水")
    refused = town.say("o-liu", f"接单 {number}")
    assert "只有负责人或主管" in refused and "张建国" in refused
    assert town.ticket(number).status == "open"
    assert "已接单" in town.say("o-zhao", f"接单 {number}")  # a supervisor may
    before = town.ticket(number)
    town.say("o-nobody", f"完成 {number} 修好了")  # a resident can't move a ticket
    after = town.ticket(number)
    assert (after.status, after.assignee_id) == (before.status, before.assignee_id) == ("accepted", before.assignee_id)
    assert "状态" in town.say("o-zhao", f"接单 {number}")  # already accepted


def test_nudge_reaches_assignee_at_most_every_10_minutes(town: Community) -> None:
    number = town.report("o-wang", "卫生间水管漏水")
    town.pushes("o-zhang")
    town.clock.advance(minutes=40)
    assert "已催促" in town.say("o-wang", "怎么还没来人啊")
    assert any("催单" in p and number in p for p in town.pushes("o-zhang"))
    town.clock.advance(minutes=3)
    assert "刚刚催过" in town.say("o-wang", "催一下")
    assert town.pushes("o-zhang") == []
    town.clock.advance(minutes=8)
    assert "已催促" in town.say("o-wang", "还要等多久")
    assert len(town.pushes("o-zhang")) == 1


def test_second_report_of_the_same_lift_fault_follows_the_first(town: Community) -> None:
    first = town.report("o-li", "5栋电梯坏了 按了没反应")
    offer = town.say("o-chen", "5栋的电梯又坏了")
    assert first in offer and "回复 1" in offer
    assert first in town.say("o-chen", "1")
    assert len(town.tickets()) == 1
    with Session(town.engine) as s:
        assert s.execute(select(func.count()).select_from(TicketFollower)).scalar_one() == 1
    town.say("o-liu", f"接单 {first}")
    assert any("已由刘明接单" in p for p in town.pushes("o-chen"))
    assert any("已由刘明接单" in p for p in town.pushes("o-li"))


def test_progress_and_cancel_tell_the_assignee(town: Community) -> None:
    number = town.report("o-wang", "阳台推拉门关不上了")
    status = town.say("o-wang", "我的报修进度怎么样")
    assert number in status and "待接单" in status and "刘明" in status
    town.pushes("o-liu")
    assert "已取消" in town.say("o-wang", f"取消报修 {number}")
    assert town.ticket(number).status == "cancelled"
    assert any("取消" in p and number in p for p in town.pushes("o-liu"))
    assert "没有进行中" in town.say("o-wang", "我的报修")


def test_escalations_fire_once_and_survive_a_worker_restart(town: Community) -> None:
    number = town.report("o-wang", "厨房下水道堵了")
    town.pushes("o-zhao")
    town.clock.advance(minutes=29)
    assert town.pushes("o-zhao") == []
    town.clock.advance(minutes=2)
    assert any("超时未接单" in p and number in p for p in town.pushes("o-zhao"))
    # A new worker process (restart) finds nothing left to escalate.
    from bot.outbound.worker import Worker
    from bot.wechat.api import make_client

    town.worker = Worker(town.services.settings, town.engine, make_client(town.services.settings))
    town.clock.advance(minutes=30)
    assert town.pushes("o-zhao") == []
    town.clock.advance(hours=24)
    assert any("超时未完成" in p and number in p for p in town.pushes("o-sun"))
    town.clock.advance(hours=24)
    assert town.pushes("o-sun") == []
    with Session(town.engine) as s:
        kinds = sorted(j.kind for j in s.execute(select(Job).where(Job.status == "done")).scalars())
    assert kinds == ["escalate_accept", "escalate_resolve"]
    assert events(town, number).count("escalated") == 2


def test_accepted_in_time_is_not_escalated(town: Community) -> None:
    number = town.report("o-wang", "厨房下水道堵了")
    town.clock.advance(minutes=10)
    town.say("o-zhang", f"接单 {number}")
    town.clock.advance(minutes=60)
    assert not any("超时" in p for p in town.pushes("o-zhao"))


def test_complaint_praise_and_handoff(town: Community) -> None:
    complaint = town.say("o-wang", "楼上装修天天晚上十点还在砸墙，吵得孩子睡不着，投诉！")
    ts = number_in(complaint)
    assert ts.startswith("TS")
    assert any(ts in p for p in town.pushes("o-kefu"))  # customer-service staff

    thanks = town.say("o-li", "表扬一下张师傅，修水管又快又好，很负责")
    assert "张建国" in thanks
    assert any("表扬" in p and "张建国" in p for p in town.pushes("o-zhao"))
    assert town.tickets()[-1].number.startswith("BY")

    handoff = town.say("o-chen", "转人工")
    assert number_in(handoff).startswith("RG") and town.services.settings.community.hotline in handoff
    town.clock.advance(hours=12)  # 22:00 in Shanghai
    after = town.say("o-chen", "我要找人工客服")
    assert "非工作时间" in after and town.services.settings.community.duty_phone in after


def test_binding_by_chat_and_lockout(town: Community) -> None:
    assert "不一致" in town.say("o-guest", "绑定 5栋1单元302 13800009999")
    assert "不一致" in town.say("o-guest", "绑定 5栋1单元302 13800008888")
    assert "暂停绑定" in town.say("o-guest", "绑定 5栋1单元302 13800007777")
    assert "暂停绑定" in town.say("o-guest", "绑定 5栋1单元302 13800002222")  # right, but locked
    town.clock.advance(minutes=61)
    assert "绑定成功" in town.say("o-guest", "绑定 5栋1单元302 13800002222")
    reply = town.say("o-guest", "卧室灯不亮了")
    assert "5栋1单元302" in reply and "13800002222" in reply


def test_two_residents_and_two_staff_at_once(town: Community) -> None:
    a = town.say("o-wang", "厨房水管漏水")
    b = town.say("o-li", "5栋楼道灯坏了")
    assert "请确认" in a and "请确认" in b
    na, nb = town.confirm("o-wang"), town.confirm("o-li")
    assert na != nb
    town.say("o-liu", f"接单 {nb}")
    town.say("o-zhang", f"接单 {na}")
    assert "由于" not in town.say("o-zhang", "我的工单")
    assert na in town.say("o-zhang", "我的工单") and nb not in town.say("o-zhang", "我的工单")
    town.say("o-zhang", f"完成 {na} 换了密封圈")
    town.say("o-liu", f"完成 {nb} 换了灯管")
    assert town.ticket(na).status == town.ticket(nb).status == "done"
    assert any("换了密封圈" in p for p in town.pushes("o-wang"))
    assert any("换了灯管" in p for p in town.pushes("o-li"))


def test_roster_import_reports_bad_rows_and_imports_nothing(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = engine.url.render_as_string(hide_password=False)
    env = {"WUYE_DATABASE__URL": url}
    bad = tmp_path / "roster.csv"
    bad.write_text(
        "building,unit,room,name,phone\n3,2,501,王芳,13800001111\n3,2,五零一,李强,13800002222\n"
        "4,1,101,陈静,1380000\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["residents", "import", str(bad)], env=env)
    assert res.exit_code == 1
    assert "roster.csv line 3" in res.output and "roster.csv line 4" in res.output
    assert "nothing was imported" in res.output
    from storage.models import RosterEntry

    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(RosterEntry)).scalar_one() == 0
    good = tmp_path / "good.csv"
    good.write_text("楼栋,单元,房号,姓名,手机\n3栋,2,501室,王芳,138-0000-1111\n", encoding="utf-8-sig")
    assert "added 1" in CliRunner().invoke(main, ["residents", "import", str(good)], env=env).output
    good.write_text("楼栋,单元,房号,姓名,手机\n3栋,2,501室,王芳芳,138-0000-1111\n", encoding="utf-8-sig")
    assert "updated 1" in CliRunner().invoke(main, ["residents", "import", str(good)], env=env).output


def test_ticket_numbers_are_unique_under_concurrent_writers(engine) -> None:  # type: ignore[no-untyped-def]
    import threading
    from datetime import datetime

    from storage import tickets as store

    numbers: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def writer() -> None:
        barrier.wait()
        for _ in range(25):
            with Session(engine) as s:
                n = store.next_number(s, "repair", datetime(2026, 11, 22))
                s.commit()
            with lock:
                numbers.append(n)

    at_once(writer, 4)
    assert len(set(numbers)) == 100
    assert all(re.fullmatch(r"BX261122\d{4}", n) for n in numbers)
    assert max(numbers) == "BX2611220100"


def test_residents_and_staff_working_at_the_same_time_from_threads(town: Community) -> None:
    """Two residents report and two staff work their tickets concurrently, each on its own
    connection, as WeChat's servers would deliver them."""
    import threading

    from wuye_dev import wire

    app = town.client.application
    results: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def talk(openid: str, lines: list[str]) -> None:
        client = app.test_client()
        out = []
        try:
            barrier.wait()
            for line in lines:
                req = town.wechat.build(wire.text(openid, line))
                res = client.post("/wechat", query_string=req.params, data=req.body)
                assert res.status_code == 200
                out.append(town.wechat.read_reply(res.get_data())["Content"])
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        results[openid] = out

    residents = [
        threading.Thread(target=talk, args=("o-wang", ["厨房水管漏水", "确认"])),
        threading.Thread(target=talk, args=("o-chen", ["卫生间门把手掉了", "确认"])),
    ]
    for t in residents:
        t.start()
    for t in residents:
        t.join()
    assert not errors, errors
    na, nc = number_in(results["o-wang"][-1]), number_in(results["o-chen"][-1])
    assert na != nc
    barrier = threading.Barrier(2)
    staff = [
        threading.Thread(target=talk, args=("o-zhang", [f"接单 {na}", f"到场 {na}", f"完成 {na} 换了软管"])),
        threading.Thread(target=talk, args=("o-liu", [f"接单 {nc}", f"到场 {nc}", f"完成 {nc} 装好了把手"])),
    ]
    for t in staff:
        t.start()
    for t in staff:
        t.join()
    assert not errors, errors
    assert town.ticket(na).status == town.ticket(nc).status == "done"
    assert town.ticket(na).assignee_id != town.ticket(nc).assignee_id
    assert any("换了软管" in p for p in town.pushes("o-wang"))
    assert any("装好了把手" in p for p in town.pushes("o-chen"))


def test_transfer_to_a_colleague_and_ticket_cli(town: Community) -> None:
    number = town.report("o-wang", "阳台窗户关不严漏风")
    assert "刘明" in town.say("o-wang", "我的报修")
    assert "没有找到" in town.say("o-liu", f"转派 {number} 王五")
    assert "已转派给张建国" in town.say("o-liu", f"转派 {number} 张建过")  # one character mistyped
    assert "已转派给刘明" in town.say("o-zhang", f"转派 {number} 刘明")
    assert "已转派给张建国" in town.say("o-liu", f"转派 {number} 张师傅")
    assert any(number in p for p in town.pushes("o-zhang"))
    assert any("改由张建国负责" in p for p in town.pushes("o-wang"))
    assert "只有负责人" in town.say("o-liu", f"接单 {number}")
    assert "已接单" in town.say("o-zhang", "接单")  # the only open ticket needs no number

    url = town.engine.url.render_as_string(hide_password=False)
    shown = CliRunner().invoke(main, ["tickets", "show", number], env={"WUYE_DATABASE__URL": url})
    assert shown.exit_code == 0
    for part in (number, "transferred", "accepted", "张建国", "阳台窗户"):
        assert part in shown.output
    listed = CliRunner().invoke(main, ["tickets", "list", "--status", "accepted"], env={"WUYE_DATABASE__URL": url})
    assert number in listed.output and "1 ticket(s)" in listed.output
    missing = CliRunner().invoke(main, ["tickets", "show", "BX0000000000"], env={"WUYE_DATABASE__URL": url})
    assert missing.exit_code == 1 and "no ticket" in missing.output


def test_a_bare_ticket_number_shows_its_status_and_a_lift_defaults_to_the_own_building(town: Community) -> None:
    reply = town.say("o-li", "电梯又坏了，按钮没反应")  # 李强 lives in 5栋
    assert "请确认" in reply and "5栋电梯" in reply
    number = town.confirm("o-li")
    status = town.say("o-li", number)
    assert number in status and "待接单" in status and "刘明" in status
    assert "没有找到" in town.say("o-wang", number)  # not theirs
    assert "没有找到" in town.say("o-li", "BX0000000001")


def test_an_faq_question_mid_form_offers_choices_and_keeps_the_form(town: Community, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from intents.model import Intent
    from replies import fill

    entries = town.services.nlu.entries[:3]
    ids = [e.id for e in entries]
    real = town.services.nlu.understand

    def understand(text, context=None):  # type: ignore[no-untyped-def]
        if text == "那个那个怎么弄来着":  # a middling FAQ match: candidates, no direct answer
            return Intent("faq", 0.4, candidates=ids)
        return real(text, context)

    monkeypatch.setattr(town.services.nlu, "understand", understand)
    assert "请确认" in town.say("o-form", "3栋2单元501 厨房水管漏水 13800001111")
    reply = town.say("o-form", "那个那个怎么弄来着")
    assert entries[1].question in reply and "回复数字" in reply and "还没提交" in reply
    reply = town.say("o-form", "2")  # picks the second question; the form is still there
    answer = fill(entries[1].answer, town.services.settings.community)
    assert reply.startswith(answer) and "还没提交" in reply
    again = town.say("o-form", "2")  # the offer lasts one message: the form, not a second answer
    assert "请确认" in again and answer not in again
    assert town.tickets() == []
    assert "报修" in town.say("o-form", "确认") and len(town.tickets()) == 1
