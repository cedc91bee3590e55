"""回访: due times, quiet hours, reminders, expiry, the 48-hour window, answers, service recovery,
reopening, exactly-once delivery, and the report — all with time controlled, never slept."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from bot.outbound.delivery import deliver_due
from bot.outbound.jobs import run_due
from bot.surveys import flow as survey_mod
from bot.wechat.api import make_client
from storage.claims import claim_jobs, claim_outbox
from storage.clock import utcnow
from storage.models import InboundMessage, Person, Survey, Ticket
from tests.community import Community
from tests.threads import at_once

SH = timedelta(hours=8)  # Asia/Shanghai



def done_repair(town: Community, text: str = "厨房水管漏水", resident: str = "o-wang") -> str:
    return town.repaired(resident, text)


def surveys(town: Community) -> list[Survey]:
    with Session(town.engine) as s:
        return list(s.execute(select(Survey).order_by(Survey.id)).scalars())


def local_at(day: datetime, hh: int, mm: int = 0) -> datetime:
    """A wall-clock time in Shanghai on the same date as `day`, as aware UTC."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=UTC) - SH


def test_survey_is_due_two_hours_after_completion(town: Community) -> None:
    number = done_repair(town)  # done at 10:00 Shanghai
    (s,) = surveys(town)
    assert s.status == "scheduled"
    assert s.due_at == town.clock.now + timedelta(minutes=120)
    town.clock.advance(minutes=119)
    assert town.pushes("o-wang") == []
    town.clock.advance(minutes=1)
    (ask,) = town.pushes("o-wang")
    assert number in ask and "1-5" in ask
    assert surveys(town)[0].status == "sent" and surveys(town)[0].via == "text"


def test_survey_due_in_quiet_hours_waits_for_the_morning(town: Community) -> None:
    town.clock.now = local_at(town.clock.now + SH, 20, 0)  # 20:00 → due 22:00, inside 21:00-08:00
    done_repair(town)
    (s,) = surveys(town)
    morning = local_at(town.clock.now + SH + timedelta(days=1), 8, 0)
    assert s.due_at == morning
    town.clock.now = morning - timedelta(minutes=1)
    assert town.pushes("o-wang") == []
    town.clock.now = morning
    assert len(town.pushes("o-wang")) == 1


def test_zero_delay_and_no_quiet_hours_send_at_the_next_tick(town: Community) -> None:
    town.services.settings.survey.delay_minutes = 0
    town.services.settings.survey.quiet_hours = ""
    town.clock.now = local_at(town.clock.now + SH, 23, 30)
    number = town.report("o-wang", "厨房水管漏水")
    town.say("o-zhang", f"完成 {number} 换了软管")
    asks = [p for p in town.pushes("o-wang") if "1-5" in p]
    assert len(asks) == 1 and number in asks[0]


def test_reminder_once_then_expiry(town: Community) -> None:
    number = done_repair(town)
    town.clock.advance(hours=2)
    assert len(town.pushes("o-wang")) == 1
    town.clock.advance(hours=23, minutes=59)
    assert town.pushes("o-wang") == []
    town.clock.advance(minutes=1)
    (reminder,) = town.pushes("o-wang")
    assert number in reminder and "提醒" in reminder
    town.clock.advance(hours=30)
    assert town.pushes("o-wang") == []  # one reminder only
    town.clock.advance(hours=19)  # 72 h after sending
    town.tick()
    assert surveys(town)[0].status == "expired"
    assert "感谢" not in town.say("o-wang", "5")  # no longer read as an answer
    assert surveys(town)[0].rating is None


def test_outside_the_48_hour_window_the_survey_is_a_template(town: Community) -> None:
    town.services.settings.push.resident_template_id = "TPL-SURVEY"
    number = done_repair(town)
    town.pushes("o-wang")
    town.clock.advance(hours=49)  # the worker was down: the survey is due after the window closed
    town.tick()
    (call,) = [c for c in town.fake.calls(touser="o-wang") if c["path"].endswith("template/send")]
    assert call["body"]["template_id"] == "TPL-SURVEY" and call["errcode"] == 0
    assert call["body"]["data"]["character_string1"]["value"] == number
    assert surveys(town)[0].via == "template"


def test_inside_the_window_with_a_template_configured_it_is_still_text(town: Community) -> None:
    town.services.settings.push.resident_template_id = "TPL-SURVEY"
    done_repair(town)
    town.clock.advance(hours=2)
    town.tick()
    assert [c for c in town.fake.calls(touser="o-wang") if "template" in c["path"]] == []
    assert surveys(town)[0].via == "text"


def test_good_score_is_thanked_and_a_question_leaves_the_survey_open(town: Community) -> None:
    done_repair(town)
    town.clock.advance(hours=2)
    town.pushes("o-wang")
    town.say("o-wang", "物业费在哪里交")  # answered as a question, not read as a rating
    assert surveys(town)[0].rating is None
    assert surveys(town)[0].status == "sent"
    thanks = town.say("o-wang", "5")
    assert "五星" in thanks
    s = surveys(town)[0]
    assert (s.status, s.rating, s.comment) == ("answered", 5, "")


def test_low_score_is_service_recovery_with_a_due_time_and_an_escalation(town: Community) -> None:
    number = done_repair(town)
    town.clock.advance(hours=2)
    town.pushes("o-wang")
    town.pushes("o-zhao")
    town.say("o-zhao", "我的工单")  # the supervisor works in chat: the long push can go as text
    reply = town.say("o-wang", "不满意，又漏了，地上全是水")
    assert "赵主管" in reply and "14:00" in reply  # who calls back, and by when (answered 12:00, +2 h)
    (push,) = [p for p in town.pushes("o-zhao") if "差评" in p]
    assert number in push and "又漏了，地上全是水" in push and "13800001111" in push
    s = surveys(town)[0]
    assert s.rating in (1, 2) and s.comment == "不满意，又漏了，地上全是水"
    assert town.ticket(number).status == "open"  # the fault is back: reopened to the same assignee
    assert any("返修" in p for p in town.pushes("o-zhang"))
    town.clock.advance(hours=2, minutes=1)
    assert any("回访超时" in p and number in p for p in town.pushes("o-sun"))


def test_recovery_done_in_time_is_not_escalated(town: Community) -> None:
    number = done_repair(town)
    town.clock.advance(hours=2)
    town.pushes("o-wang")
    town.say("o-wang", "2分 师傅态度不好")
    town.clock.advance(minutes=30)
    assert "已记录" in town.say("o-zhao", f"已回访 {number} 已道歉并约了复查")
    town.clock.advance(hours=3)
    assert not any("回访超时" in p for p in town.pushes("o-sun"))
    assert surveys(town)[0].recovery_done_at is not None


def test_not_fixed_reopens_without_waiting_and_redo_gets_a_new_survey(town: Community) -> None:
    number = done_repair(town)
    reply = town.say("o-wang", "师傅走了没多久，水管还是漏")
    assert number in reply and "重新打开" in reply
    assert town.ticket(number).status == "open" and town.ticket(number).reopen_count == 1
    assert any("返修" in p and number in p for p in town.pushes("o-zhang"))
    assert [s.status for s in surveys(town)] == ["cancelled"]
    town.say("o-zhang", f"接单 {number}")
    town.say("o-zhang", f"完成 {number} 换了整根水管")
    town.tick()  # the completion's job plans the new round's survey
    assert [(s.round, s.status) for s in surveys(town)] == [(0, "cancelled"), (1, "scheduled")]
    town.clock.advance(hours=2)
    asks = [p for p in town.pushes("o-wang") if "1-5" in p]
    assert len(asks) == 1


def _complete_many(town: Community, n: int) -> None:
    """n done tickets from n residents, each with its survey scheduled."""
    from bot.tickets import flow as ticket_flow

    with Session(town.engine) as s:
        for i in range(n):
            p = Person(openid=f"o-bulk-{i}", role="resident", last_inbound_at=town.clock.now)
            s.add(p)
            # They wrote to the account just now, as WeChat (the fake) and the inbox both know.
            s.add(InboundMessage(dedupe_key=f"msg:bulk-{i}", openid=p.openid, msg_type="text", status="done",
                                 received_at=town.clock.now))
            town.fake.touch(p.openid, at=town.clock.now.timestamp())
            s.flush()
            t = ticket_flow.open_ticket(s, town.services.settings, ticket_flow.Draft(kind="repair", description="灯坏了",
                                        category="公共照明", place="1栋楼道"), p, town.clock.now)
            t.status, t.done_at = "done", town.clock.now
            survey_mod.schedule(s, town.services.settings, t, town.clock.now)
        s.commit()


def test_exactly_one_survey_each_under_two_concurrent_workers(town: Community) -> None:
    n = 30
    _complete_many(town, n)
    town.clock.advance(hours=2)
    settings = town.services.settings
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        client = make_client(settings)
        try:
            barrier.wait()
            for _ in range(5):
                run_due(town.engine, settings, town.clock.now, limit=7)
                deliver_due(town.engine, client, settings.worker, max(town.clock.now, utcnow()))
        except BaseException as exc:
            errors.append(exc)

    at_once(worker, 2)
    assert not errors, errors
    town.tick()
    asks = [c for c in town.fake.calls(path="message/custom/send") if "1-5" in c["body"]["text"]["content"]]
    assert len(asks) == n
    assert len({c["touser"] for c in asks}) == n
    assert all(s.status == "sent" for s in surveys(town))


def test_a_crash_between_claim_and_send_loses_nothing_and_sends_once(town: Community) -> None:
    _complete_many(town, 3)
    town.clock.advance(hours=2)
    lease = town.services.settings.worker.lease_seconds
    with Session(town.engine) as s:
        claimed = claim_jobs(s, town.clock.now, 50, lease)  # ... and the worker dies here
        assert [j.kind for j in claimed].count("survey_send") == 3
    town.tick()
    asks = [c for c in town.fake.calls(path="message/custom/send") if "1-5" in c["body"]["text"]["content"]]
    assert asks == []  # still leased to the dead worker
    town.clock.advance(seconds=lease + 1)
    run_due(town.engine, town.services.settings, town.clock.now)
    with Session(town.engine) as s:
        rows = claim_outbox(s, max(town.clock.now, utcnow()), 10, lease)  # claimed, then another crash
        assert len(rows) == 3
    later = max(town.clock.now, utcnow()) + timedelta(seconds=lease + 1)
    deliver_due(town.engine, make_client(town.services.settings), town.services.settings.worker, later)
    run_due(town.engine, town.services.settings, town.clock.now + timedelta(seconds=lease + 1))
    deliver_due(town.engine, make_client(town.services.settings), town.services.settings.worker, later)
    asks = [c for c in town.fake.calls(path="message/custom/send") if "1-5" in c["body"]["text"]["content"]]
    assert sorted(c["touser"] for c in asks) == ["o-bulk-0", "o-bulk-1", "o-bulk-2"]


def test_report_figures_match_hand_computed_values(engine, settings) -> None:  # type: ignore[no-untyped-def]
    from bot.tickets import report

    t0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 Shanghai, ISO week 45
    with Session(engine) as s:
        zhang, liu = Person(openid="s1", role="staff", name="张"), Person(openid="s2", role="staff", name="刘")
        s.add_all([zhang, liu])
        s.flush()
        # accept minutes, done hours, rating, building, assignee
        spec = [(10, 2, 5, "1", zhang), (20, 4, 4, "1", zhang), (30, 6, 2, "2", liu), (40, None, None, "2", liu),
                (50, 30, 3, "1", liu)]
        for i, (acc, done, rating, bld, who) in enumerate(spec):
            t = Ticket(number=f"BX26110200{i:02d}", kind="repair", category="水电" if i < 3 else "电梯",
                       building=bld, assignee_id=who.id, created_at=t0 + timedelta(days=i),
                       accepted_at=t0 + timedelta(days=i, minutes=acc),
                       done_at=t0 + timedelta(days=i, hours=done) if done else None,
                       status="done" if done else "accepted")
            s.add(t)
            s.flush()
            if rating is not None:
                sv = Survey(ticket_id=t.id, due_at=t0, sent_at=t0, rating=rating, status="answered")
                if rating <= 2:
                    sv.recovery_due_at = t0 + timedelta(hours=2)
                    sv.recovery_done_at = t0 + timedelta(hours=1)
                s.add(sv)
        s.add(Survey(ticket_id=1, round=1, due_at=t0, sent_at=t0, status="expired"))  # sent, never answered
        s.commit()
        rows = report.compute(s, settings, t0, t0 + timedelta(days=30), "category")
    total = rows[-1]
    assert total.group == "TOTAL" and (total.opened, total.done) == (5, 4)
    assert (total.accept_p50_min, total.accept_p90_min) == (30.0, 50.0)  # nearest rank of 10..50
    assert (total.complete_p50_h, total.complete_p90_h) == (4.0, 30.0)  # of 2, 4, 6, 30
    assert (total.surveys_sent, total.surveys_answered) == (5, 4)
    assert total.response_rate == 0.8 and total.avg_score == 3.5 and total.satisfaction_rate == 0.5
    assert (total.recoveries, total.recoveries_on_time) == (1, 1)
    by_cat = {r.group: r for r in rows}
    assert by_cat["电梯"].opened == 2 and by_cat["电梯"].done == 1 and by_cat["电梯"].avg_score == 3.0
    assert by_cat["水电"].satisfaction_rate == round(2 / 3, 3)
    text = report.format_table(rows)
    assert "TOTAL" in text and "80%" in text and "1/1" in text


def test_report_command_writes_table_csv_and_weekly_chart(engine, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from bot.cli import main

    t0 = utcnow() - timedelta(days=20)
    with Session(engine) as s:
        for i in range(6):
            t = Ticket(number=f"BX2611010{i:03d}", kind="repair", category="水电", building="3",
                       created_at=t0 + timedelta(days=3 * i), accepted_at=t0 + timedelta(days=3 * i, minutes=15),
                       done_at=t0 + timedelta(days=3 * i, hours=3), status="done")
            s.add(t)
            s.flush()
            s.add(Survey(ticket_id=t.id, due_at=t0, sent_at=t0, rating=3 + i % 3, status="answered"))
        s.commit()
    url = engine.url.render_as_string(hide_password=False)
    csv_path, png = tmp_path / "r.csv", tmp_path / "trend.png"
    res = CliRunner().invoke(main, ["report", "--by", "week", "--csv", str(csv_path), "--chart", str(png)],
                             env={"WUYE_DATABASE__URL": url})
    assert res.exit_code == 0, res.output
    assert "TOTAL" in res.output and "avg score" in res.output
    rows = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("group,opened,done") and rows[-1].startswith("TOTAL,6,6")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    bad = CliRunner().invoke(main, ["report", "--from", "2026-12-01", "--to", "2026-11-01"],
                             env={"WUYE_DATABASE__URL": url})
    assert bad.exit_code == 2 and "before --from" in bad.output
