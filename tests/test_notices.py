"""通知公告 end to end: audiences, manager-only, dry run, confirmation, scheduling across two workers,
paced delivery with failures and resend, WeChat's job-finish events, mass send by building tag,
and residents asking -- on SQLite and (when it answers) PostgreSQL. Time is controlled, never slept."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlmodel import Session

from bot.cli import main
from bot.outbound.delivery import deliver_due
from bot.outbound.jobs import run_due
from bot.wechat.api import make_client
from storage import houses
from storage.clock import utcnow
from storage.models import (
    Job,
    Notice,
    NoticeBatch,
    NoticeDelivery,
    Outbox,
    Person,
    Ticket,
    WeChatTag,
)
from tests.community import Community
from tests.threads import at_once
from wuye_dev import wire

SH = timedelta(hours=8)  # Asia/Shanghai


@pytest.fixture
def town(town: Community) -> Community:
    """The shared community, plus one household in 5栋 that unfollowed and one in 7栋 that no
    building notice reaches."""
    with Session(town.engine) as s:
        gone = houses.get_or_create(s, "5", "1", "101")
        s.add(Person(openid="o-gone", role="resident", name="吴离", house_id=gone.id, active=False))
        seven = houses.get_or_create(s, "7", "1", "701")
        s.add(Person(openid="o-qian", role="resident", name="钱多", house_id=seven.id))
        s.commit()
    return town


def cli(town: Community, *args: str, input: str | None = None) -> Result:
    notice = town.services.settings.notice  # the CLI reads the same config as the worker
    env = {"WUYE_DATABASE__URL": town.engine.url.render_as_string(hide_password=False),
           "WUYE_NOTICE__TEMPLATE_ID": notice.template_id, "WUYE_NOTICE__PER_MINUTE": str(notice.per_minute)}
    return CliRunner().invoke(main, list(args), env=env, input=input)


def send(town: Community, *args: str, title: str = "停水通知", body: str = "明天8:00-18:00管网检修，3栋、5栋停水。",
         **kw: Any) -> Result:
    return cli(town, "notice", "send", "--as", "o-sun", "--title", title, "--body", body, *args, **kw)


def deliveries(town: Community, notice_id: int | None = None) -> dict[str, NoticeDelivery]:
    with Session(town.engine) as s:
        q = select(NoticeDelivery).order_by(NoticeDelivery.id)
        if notice_id is not None:
            q = q.where(NoticeDelivery.notice_id == notice_id)
        return {d.openid: d for d in s.execute(q).scalars()}


def last_notice(town: Community) -> Notice:
    with Session(town.engine) as s:
        n = s.execute(select(Notice).order_by(Notice.id.desc())).scalars().first()
        assert n is not None
        return n


def drain(town: Community) -> None:
    """Run the worker until nothing is due, however far away the pacing or backoff put it."""
    client = town.worker.client
    for _ in range(50):
        run_due(town.engine, town.services.settings, town.clock.now)
        stats = deliver_due(town.engine, client, town.services.settings.worker, utcnow() + timedelta(hours=3))
        if stats.claimed == 0:
            return
    raise AssertionError("the outbox never drained")


def texts_to(town: Community, openid: str) -> list[str]:
    return [c["body"]["text"]["content"] for c in town.fake.calls(path="message/custom/send", touser=openid)]


def count(town: Community, model: Any) -> int:
    with Session(town.engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def event(town: Community, name: str, **fields: Any) -> None:
    town._t += 1
    assert town._post(wire.event("gh_account", name, create_time=town._t, **fields)) is None


# ---------------------------------------------------------------- audience, permission, dry run


def wrote_recently(town: Community, *openids: str) -> None:
    """Without a notice template, a notice is a customer-service text, which WeChat delivers only
    to people who wrote in the last 48 hours (and at most 5 times): they write, through the
    webhook, so that wuye's planner and the fake WeChat both know."""
    for openid in openids:
        town.say(openid, "你好")


def test_audience_buildings_reaches_their_residents_and_records_the_unsubscribed(town: Community) -> None:
    wrote_recently(town, "o-wang", "o-li", "o-chen")
    res = send(town, "--to", "building:3,5")
    assert res.exit_code == 0, res.output
    assert "3 recipient(s), 1 unsubscribed" in res.output
    drain(town)
    rows = deliveries(town)
    assert {o: d.status for o, d in rows.items()} == {
        "o-wang": "sent", "o-li": "sent", "o-chen": "sent", "o-gone": "unsubscribed",
    }
    assert all(d.via == "text" for o, d in rows.items() if o != "o-gone")
    (text,) = texts_to(town, "o-wang")
    assert "停水通知" in text and "管网检修" in text
    assert texts_to(town, "o-qian") == [] and texts_to(town, "o-gone") == [] and texts_to(town, "o-zhang") == []
    n = last_notice(town)
    assert n.status == "sent" and n.recipients == 3 and n.audience == "building:3,5"


def test_audience_all_and_staff(town: Community) -> None:
    wrote_recently(town, "o-wang", "o-li", "o-chen", "o-qian", "o-zhang", "o-liu", "o-kefu", "o-zhao", "o-sun")
    assert send(town, "--to", "all", title="社区活动", body="周六上午在中心广场举办义诊。").exit_code == 0
    drain(town)
    everyone = deliveries(town, last_notice(town).id)
    assert {o for o, d in everyone.items() if d.status == "sent"} == {"o-wang", "o-li", "o-chen", "o-qian"}
    assert everyone["o-gone"].status == "unsubscribed"

    assert send(town, "--to", "staff", title="例会", body="周一9点开例会。").exit_code == 0
    drain(town)
    staff = deliveries(town, last_notice(town).id)
    assert set(staff) == {"o-zhang", "o-liu", "o-kefu", "o-zhao", "o-sun"}
    assert all(d.status == "sent" for d in staff.values())


def test_only_managers_may_broadcast(town: Community) -> None:
    for who in ("o-wang", "o-zhang", "o-zhao"):
        assert "只有项目经理" in town.say(who, "发布通知")
    res = cli(town, "notice", "send", "--as", "o-zhao", "--title", "t", "--body", "b")
    assert res.exit_code == 1 and "only managers" in res.output and "supervisor" in res.output
    res = cli(town, "notice", "send", "--as", "o-nobody", "--title", "t", "--body", "b")
    assert res.exit_code == 1 and "only managers" in res.output
    assert count(town, Notice) == 0 and count(town, Job) == 0


def test_dry_run_stores_and_sends_nothing(town: Community) -> None:
    res = send(town, "--to", "building:5", "--dry-run")
    assert res.exit_code == 0, res.output
    assert "2 recipient(s), 1 unsubscribed" in res.output and "dry run" in res.output
    assert "停水通知" in res.output  # the text as residents would read it
    drain(town)
    assert count(town, Notice) == 0 and count(town, NoticeDelivery) == 0 and count(town, Outbox) == 0
    assert town.fake.calls(path="message/custom/send") == []


def test_bad_options_are_refused(town: Community) -> None:
    assert "building:3,5" in send(town, "--to", "everyone-ish!").output
    assert "--at" in send(town, "--at", "tomorrow").output
    assert "--until" in send(town, "--until", "2020-01-01").output
    assert count(town, Notice) == 0


def _many_residents(town: Community, n: int) -> None:
    with Session(town.engine) as s:
        house = houses.get_or_create(s, "9", "1", "101")
        s.add_all(Person(openid=f"o-r{i:03d}", role="resident", house_id=house.id) for i in range(n))
        s.commit()


def test_more_than_200_recipients_need_confirmation_on_the_cli(town: Community) -> None:
    _many_residents(town, 200)  # 204 residents in all
    res = send(town, input="n\n")
    assert res.exit_code == 1 and "more than 200" in res.output and "not confirmed" in res.output
    assert count(town, Notice) == 0
    assert send(town, input="y\n").exit_code == 0
    assert send(town, "--yes").exit_code == 0
    assert count(town, Notice) == 2


# ---------------------------------------------------------------- from chat


def test_manager_publishes_from_chat(town: Community) -> None:
    wrote_recently(town, "o-wang", "o-li", "o-chen")
    assert "发给谁" in town.say("o-sun", "发布通知")
    assert "没看懂" in town.say("o-sun", "隔壁小区")
    assert "3栋、5栋住户" in town.say("o-sun", "3栋、5栋")
    preview = town.say("o-sun", "停水通知\n明天8:00-18:00管网检修，请提前储水。\n截止 2026-11-24 18:00")
    assert "通知预览" in preview and "停水通知" in preview and "共3人" in preview
    assert "1人已取消关注" in preview and "11月24日18:00" in preview and "确认发送" in preview
    assert count(town, Notice) == 0
    assert "通知还没有发出" in town.say("o-sun", "嗯")
    accepted = town.say("o-sun", "确认发送")
    assert "正在发送给3人" in accepted
    (push,) = town.pushes("o-wang")
    assert "停水通知" in push and "请提前储水" in push and "有效至11月24日18:00" in push
    n = last_notice(town)
    assert n.until is not None and n.until == datetime(2026, 11, 24, 18, 0, tzinfo=UTC) - SH
    with Session(town.engine) as s:
        assert s.get(Person, n.author_id).openid == "o-sun"  # type: ignore[union-attr]


def test_chat_cancel_leaves_and_scheduled_from_chat(town: Community) -> None:
    town.say("o-sun", "发布通知")
    town.say("o-sun", "全体")
    town.say("o-sun", "活动通知\n周六义诊")
    assert "已取消" in town.say("o-sun", "取消")
    assert count(town, Notice) == 0
    assert "物业" in town.say("o-sun", "你好")  # the form is gone: an ordinary answer

    town.say("o-sun", "发布通知")
    town.say("o-sun", "员工")
    town.say("o-sun", "例会通知\n周一开会\n定时 2026-11-30 09:00")
    assert "将于2026-11-30 09:00发送给5人" in town.say("o-sun", "确认")
    assert town.pushes("o-zhang") == []
    town.clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC) - SH
    wrote_recently(town, "o-zhang")
    assert any("例会通知" in p for p in town.pushes("o-zhang"))


def test_chat_preview_over_200_requires_the_exact_words(town: Community) -> None:
    _many_residents(town, 200)
    town.say("o-sun", "发布通知")
    town.say("o-sun", "全体")
    preview = town.say("o-sun", "停电通知\n周日凌晨配电检修")
    assert "共204人" in preview and "超过200人" in preview
    assert "通知还没有发出" in town.say("o-sun", "确认")
    assert count(town, Notice) == 0
    assert "正在发送给204人" in town.say("o-sun", "确认发送")
    assert count(town, Notice) == 1


# ---------------------------------------------------------------- scheduled, exactly once


def test_scheduled_notice_goes_out_once_with_two_workers(town: Community) -> None:
    res = send(town, "--to", "building:3,5", "--at", "2026-11-24 09:00")
    assert res.exit_code == 0 and "scheduled" in res.output
    at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC) - SH
    town.clock.now = at - timedelta(minutes=1)
    wrote_recently(town, "o-wang", "o-li", "o-chen")
    town.tick()
    assert count(town, NoticeDelivery) == 0 and texts_to(town, "o-wang") == []

    settings = town.services.settings
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            client = make_client(settings)
            start.wait()
            for _ in range(5):
                run_due(town.engine, settings, at)
                deliver_due(town.engine, client, settings.worker, max(at, utcnow()) + timedelta(minutes=5))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    at_once(worker, 2)
    assert errors == []
    for openid in ("o-wang", "o-li", "o-chen"):
        assert len(texts_to(town, openid)) == 1, openid
    assert count(town, NoticeDelivery) == 4
    with Session(town.engine) as s:
        (job,) = s.execute(select(Job).where(Job.kind == "notice_send")).scalars()
        assert job.status == "done"


def test_cancelled_before_its_time_never_goes_out(town: Community) -> None:
    send(town, "--at", "2026-11-24 09:00")
    n = last_notice(town)
    assert cli(town, "notice", "cancel", str(n.id)).exit_code == 0
    town.clock.now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC) - SH
    drain(town)
    assert count(town, NoticeDelivery) == 0 and last_notice(town).status == "cancelled"


# ---------------------------------------------------------------- pacing, failures, resend


def test_paced_template_delivery_with_failures_and_resend(town: Community) -> None:
    settings = town.services.settings
    settings.notice.template_id = "TPL-NOTICE"
    settings.notice.per_minute = 60  # one a second
    town.fake.fail("message/template/send", errcode=43004, touser="o-li", times=1)
    town.fake.fail("message/template/send", errcode=45009, touser="o-chen", times=1)
    assert send(town, "--to", "all").exit_code == 0
    run_due(town.engine, settings, town.clock.now)

    with Session(town.engine) as s:
        due = [r.next_attempt_at for r in s.execute(select(Outbox).order_by(Outbox.next_attempt_at)).scalars()]
    assert len(due) == 4
    assert [round((b - a).total_seconds()) for a, b in itertools.pairwise(due)] == [1, 1, 1]
    # Only what is due goes out: at the start, the first message alone.
    client = town.worker.client
    assert deliver_due(town.engine, client, settings.worker, due[0]).claimed == 1  # type: ignore[arg-type]

    drain(town)
    rows = deliveries(town)
    assert rows["o-li"].status == "failed" and rows["o-li"].errcode == 43004
    assert rows["o-chen"].status == "sent"  # the quota error was retried later
    assert rows["o-wang"].status == "sent" and rows["o-wang"].via == "template" and rows["o-wang"].msgid
    tpl = town.fake.calls(path="message/template/send", touser="o-wang")[0]["body"]
    assert tpl["template_id"] == "TPL-NOTICE" and tpl["data"]["thing1"]["value"] == "停水通知"
    assert tpl["data"]["thing4"]["value"] == "阳光花园" and "first" not in tpl["data"]

    n = last_notice(town)
    status = cli(town, "notice", "status", str(n.id))
    assert "sent 3" in status.output and "failed 1" in status.output and "unsubscribed 1" in status.output
    assert "o-li" in status.output and "errcode=43004" in status.output
    before = {o: len(town.fake.calls(path="message/template/send", touser=o)) for o in rows}

    res = cli(town, "notice", "resend", str(n.id), "--failed")
    assert "re-queued 1" in res.output
    drain(town)
    after = {o: len(town.fake.calls(path="message/template/send", touser=o)) for o in rows}
    assert {o: after[o] - before[o] for o in rows} == {"o-wang": 0, "o-li": 1, "o-chen": 0, "o-qian": 0, "o-gone": 0}
    rows = deliveries(town)
    assert rows["o-li"].status == "sent" and rows["o-li"].resends == 1 and rows["o-li"].errcode is None
    assert last_notice(town).status == "sent"
    listing = cli(town, "notice", "list").output
    assert "sent 4/4 failed 0" in listing and "停水通知" in listing


# ---------------------------------------------------------------- WeChat's job-finish reports


def test_template_job_finish_events_update_the_records(town: Community) -> None:
    town.services.settings.notice.template_id = "TPL-NOTICE"
    send(town, "--to", "building:5")
    drain(town)
    rows = deliveries(town)
    event(town, "TEMPLATESENDJOBFINISH", MsgID=rows["o-li"].msgid, Status="success")
    event(town, "TEMPLATESENDJOBFINISH", MsgID=rows["o-chen"].msgid, Status="failed:user block")
    event(town, "TEMPLATESENDJOBFINISH", MsgID="999999", Status="success")  # not a notice: ignored
    rows = deliveries(town)
    assert rows["o-li"].status == "sent" and rows["o-li"].confirmed_at is not None
    assert rows["o-chen"].status == "failed" and "user block" in (rows["o-chen"].error or "")
    out = cli(town, "notice", "status", str(last_notice(town).id)).output
    assert "sent 1 (confirmed 1)" in out and "failed 1" in out


def test_mass_send_by_building_tags_and_mass_job_finish(town: Community) -> None:
    settings = town.services.settings
    settings.notice.use_mass_send = True
    assert send(town, "--to", "building:3,5").exit_code == 0
    for _ in range(8):  # look-up, create, tagging, mass send: a few worker rounds
        town.tick()
        town.clock.advance(seconds=settings.notice.tag_wait_seconds)
    town.tick()

    tags = {t["name"]: t for t in town.fake.state.snapshot()["tags"]}
    assert set(tags["3栋住户"]["members"]) == {"o-wang"}
    assert set(tags["5栋住户"]["members"]) == {"o-li", "o-chen"}
    mass = town.fake.calls(path="message/mass/sendall")
    assert sorted(c["body"]["filter"]["tag_id"] for c in mass) == sorted(t["id"] for t in tags.values())
    assert all("停水通知" in c["body"]["text"]["content"] for c in mass)
    assert town.fake.calls(path="message/custom/send") == []  # nobody got a second copy
    rows = deliveries(town)
    assert {o: (d.status, d.via) for o, d in rows.items() if o != "o-gone"} == {
        "o-wang": ("sent", "mass"), "o-li": ("sent", "mass"), "o-chen": ("sent", "mass"),
    }
    with Session(town.engine) as s:
        batches = {b.building: b for b in s.execute(select(NoticeBatch)).scalars()}
        assert {t.building: t.tag_id for t in s.execute(select(WeChatTag)).scalars()} == {
            "3": tags["3栋住户"]["id"], "5": tags["5栋住户"]["id"],
        }
    event(town, "MASSSENDJOBFINISH", MsgID=batches["5"].msg_id, Status="send success", TotalCount=2,
          FilterCount=2, SentCount=2, ErrorCount=0)
    rows = deliveries(town)
    assert rows["o-li"].confirmed_at is not None and rows["o-wang"].confirmed_at is None
    out = cli(town, "notice", "status", str(last_notice(town).id)).output
    assert "total 2 sent 2 errors 0" in out and "send success" in out

    # The next notice finds the tags by their stored ids: no new look-up or create.
    before = len(town.fake.calls(path="tags/create")) + len(town.fake.calls(path="tags/get"))
    send(town, "--to", "building:5", title="电梯保养", body="5栋电梯周三保养")
    for _ in range(4):
        town.tick()
        town.clock.advance(seconds=settings.notice.tag_wait_seconds)
    assert len(town.fake.calls(path="tags/create")) + len(town.fake.calls(path="tags/get")) == before
    assert len(town.fake.calls(path="message/mass/sendall")) == 3


def test_mass_send_refused_falls_back_to_one_message_each(town: Community) -> None:
    settings = town.services.settings
    settings.notice.use_mass_send = True
    town.fake.fail("tags/create", errcode=48001, times=None)  # an unverified account: no API right
    wrote_recently(town, "o-wang")
    send(town, "--to", "building:3")
    for _ in range(6):
        town.tick()
        town.clock.advance(seconds=settings.notice.tag_wait_seconds)
    assert town.fake.calls(path="message/mass/sendall") == []
    assert len(texts_to(town, "o-wang")) == 1
    assert deliveries(town)["o-wang"].via == "text"


# ---------------------------------------------------------------- the planner's rules


def test_a_text_notice_goes_only_where_the_window_allows_and_counts_against_it(
    town: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.models import ServiceWindow

    wrote_recently(town, "o-wang")  # o-li and o-chen have never written to the account
    assert send(town, "--to", "building:3,5").exit_code == 0
    drain(town)
    rows = deliveries(town)
    assert rows["o-wang"].status == "sent" and rows["o-wang"].via == "text"
    for openid in ("o-li", "o-chen"):  # nothing WeChat would refuse is even tried
        assert rows[openid].status == "failed" and texts_to(town, openid) == []
        assert "never written to the account" in (rows[openid].error or "")
        assert "[notice] template_id is empty" in (rows[openid].error or "")
    assert last_notice(town).status == "sent"  # settled: nothing is left waiting
    with Session(town.engine) as s:
        window = s.get(ServiceWindow, ("o-wang", "message"))
        assert window is not None and window.used == 1  # one of the five, as for any push
    # The console says why, per recipient.
    from tests.test_console import sign_in

    monkeypatch.setattr("bot.console.web.utcnow", town.clock)
    page = sign_in(town, "o-sun").get(f"/console/notices/{last_notice(town).id}").get_data(as_text=True)
    assert "无可用渠道" in page


def test_a_notice_text_does_not_go_past_the_windows_five(town: Community) -> None:
    wrote_recently(town, "o-wang")
    for i in range(5):  # five texts already used of this window (ticket pushes, other notices)
        assert send(town, "--to", "building:3", title=f"通知{i}", body="内容").exit_code == 0
        drain(town)
    assert send(town, "--to", "building:3", title="第六条", body="内容").exit_code == 0
    drain(town)
    assert deliveries(town, last_notice(town).id)["o-wang"].status == "failed"
    assert len(texts_to(town, "o-wang")) == 5
    assert all(c["errcode"] == 0 for c in town.fake.calls(path="message/custom/send"))  # no 45047


def test_a_notice_template_reaches_everyone_and_leaves_the_window_alone(town: Community) -> None:
    from storage.models import ServiceWindow

    town.services.settings.notice.template_id = "TPL-NOTICE"
    wrote_recently(town, "o-wang")
    assert send(town, "--to", "building:3,5").exit_code == 0
    drain(town)
    rows = deliveries(town)
    assert {o: (d.status, d.via) for o, d in rows.items() if o != "o-gone"} == {
        o: ("sent", "template") for o in ("o-wang", "o-li", "o-chen")}
    with Session(town.engine) as s:
        assert s.get(ServiceWindow, ("o-wang", "message")) is None


# ---------------------------------------------------------------- residents asking


def _publish(town: Community, title: str, body: str, to: str, until: str | None = None) -> None:
    args = ["--to", to] + (["--until", until] if until else [])
    assert send(town, *args, title=title, body=body).exit_code == 0
    town.tick()
    town.clock.advance(minutes=1)


def test_resident_queries_without_a_current_notice(town: Community) -> None:
    assert "目前没有正在生效的通知" in town.say("o-wang", "最近有什么通知")
    water = town.say("o-wang", "今天停水吗")
    assert "已发布通知" not in water and water  # the FAQ's answer
    _publish(town, "社区义诊", "周六上午在中心广场举办义诊活动。", "all")
    assert "已发布通知" not in town.say("o-wang", "今天停水吗")  # an event is no outage


def test_resident_queries_with_current_notices(town: Community) -> None:
    _publish(town, "停水通知", "3栋今天管网检修停水，请提前储水。", "building:3", until="2026-11-23 18:00")
    _publish(town, "社区义诊", "周六上午在中心广场举办义诊活动。", "all")
    _publish(town, "电梯检修", "5栋2号电梯更换钢丝绳，暂停使用。", "building:5", until="2026-11-25 12:00")

    listing = town.say("o-wang", "最近有什么通知")
    assert "当前通知（2条" in listing and listing.index("社区义诊") < listing.index("停水通知")
    assert "电梯检修" not in listing and "有效至11月23日18:00" in listing

    water = town.say("o-wang", "今天停水吗")
    assert "已发布通知" in water and "停水通知" in water and "预计11月23日18:00恢复" in water
    assert "停水通知" not in town.say("o-li", "今天停水吗")  # 5栋 has water
    lift = town.say("o-li", "电梯什么时候修好")
    assert "电梯检修" in lift and "11月25日12:00" in lift

    town.clock.now = datetime(2026, 11, 23, 18, 1, tzinfo=UTC) - SH  # the outage notice expired
    assert "停水通知" not in town.say("o-wang", "最近有什么通知")
    assert "已发布通知" not in town.say("o-wang", "今天停水吗")


def test_repair_during_an_outage_gets_the_notice_unless_the_resident_insists(town: Community) -> None:
    _publish(town, "停水通知", "3栋今天管网检修停水。", "building:3", until="2026-11-23 18:00")
    reply = town.say("o-wang", "厨房水龙头不出水了")
    assert "停水通知" in reply and "预计11月23日18:00恢复" in reply and "还是要报修" in reply
    assert count(town, Ticket) == 0
    confirm = town.say("o-wang", "还是要报修")
    assert "请确认" in confirm and "水龙头不出水" in confirm
    town.say("o-wang", "确认")
    assert count(town, Ticket) == 1

    # A leak is not the outage: straight to the repair form. 5栋 has no outage: a normal repair.
    assert "请确认" in town.say("o-wang", "厨房水管漏水")
    town.say("o-wang", "取消")
    assert "请确认" in town.say("o-li", "厨房水龙头不出水了")


def test_after_the_outage_answer_another_question_is_answered_normally(town: Community) -> None:
    _publish(town, "停水通知", "3栋今天管网检修停水。", "building:3")
    assert "还是要报修" in town.say("o-wang", "家里水龙头没水了，帮忙修一下")
    assert "目前没有进行中的工单" in town.say("o-wang", "我的报修")
    assert count(town, Ticket) == 0
