"""Pushes under WeChat's rules since 2023, through the webhook and the fake WeChat that enforces
them: 5 customer-service texts per resident message within 48 hours, then templates whose every
keyword fits its type; dead letters that say why when no channel is left."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cli import main
from bot.config import ConfigError, load_settings
from bot.outbound import planner, templates
from bot.outbound.delivery import deliver_due
from storage.clock import utcnow
from storage.models import InboundMessage, Outbox, Person
from tests.community import Community
from tests.threads import at_once

SEND = ("message/custom/send", "message/template/send")
TZ = ZoneInfo("Asia/Shanghai")


def sends_to(town: Community, openid: str) -> list[dict]:
    return [c for c in town.fake.calls(touser=openid) if c["path"].endswith(SEND)]


def by_channel(calls: list[dict]) -> Counter[str]:
    return Counter("text" if c["path"].endswith("custom/send") else "template" for c in calls)


def test_a_resident_who_wrote_once_gets_every_push_of_a_repair(town: Community) -> None:
    number = town.report("o-wang", "厨房水龙头一直滴水，关不紧")
    # From here on the resident writes nothing; the staff side moves the ticket.
    town.clock.advance(minutes=3)
    town.say("o-zhang", f"转派 {number} 刘明")
    town.say("o-liu", f"转派 {number} 张建国")
    town.clock.advance(minutes=5)
    town.say("o-zhang", f"接单 {number}")
    town.clock.advance(minutes=20)
    town.say("o-zhang", f"到场 {number}")
    town.clock.advance(minutes=30)
    town.say("o-zhang", f"完成 {number} 换了阀芯")
    town.tick()
    town.clock.advance(hours=2, minutes=1)  # the survey
    town.tick()
    town.clock.advance(hours=24)  # its reminder
    town.tick()

    calls = sends_to(town, "o-wang")
    assert len(calls) >= 6
    assert [c["errcode"] for c in calls] == [0] * len(calls)  # nothing refused: no 45015, no 45047
    channels = by_channel(calls)
    assert channels["text"] == planner.MESSAGE.quota  # the window's five, then templates
    assert channels["template"] == len(calls) - planner.MESSAGE.quota
    texts = [c["body"]["text"]["content"] for c in calls if c["path"].endswith("custom/send")]
    assert any("1-5" in t for t in texts + [str(c["body"]) for c in calls])
    templated = [c for c in calls if c["path"].endswith("template/send")]
    assert all(c["body"]["data"]["character_string1"]["value"] == number for c in templated)


def test_staff_who_never_wrote_get_the_card_by_template(town: Community) -> None:
    number = town.report("o-wang", "卫生间水管漏水")
    town.tick()
    (card,) = sends_to(town, "o-zhang")
    assert card["path"].endswith("template/send") and card["errcode"] == 0
    assert card["body"]["template_id"] == "TPL-STAFF-CARD"
    assert card["body"]["data"]["character_string1"]["value"] == number


def test_every_template_call_obeys_the_field_rules(town: Community) -> None:
    long = "卫生间" + "墙角水管接口处一直往外渗水，地面已经积了很多水，" * 3
    number = town.report("o-wang", long)
    town.clock.advance(hours=50)  # the resident's window closes: progress goes by template
    town.say("o-zhang", f"接单 {number}")
    town.say("o-zhang", f"完成 {number} 更换了整段水管，并做了防水处理，三天内请勿用力冲刷")
    town.tick()
    tpl = town.fake.calls(path="message/template/send")
    assert len(tpl) >= 3
    for call in tpl:
        assert call["errcode"] == 0, call.get("violations")
        data = {k: v["value"] for k, v in call["body"]["data"].items()}
        assert not {"first", "remark"} & set(data)
        for key, value in data.items():
            assert "\n" not in value and value
            ftype = templates.field_type(key)
            assert ftype is not None and len(value) <= ftype.max_len
        assert number in data.values()  # the ticket number, whole


def test_a_text_refused_for_the_window_goes_out_as_its_template(town: Community) -> None:
    number = town.report("o-wang", "阳台窗户关不严")
    town.say("o-liu", f"接单 {number}")  # a text to the resident is planned inside the window ...
    town.clock.advance(hours=49)  # ... but the worker only gets to it after the window closed
    town.tick()
    town.tick()
    calls = sends_to(town, "o-wang")
    assert [(c["path"].rsplit("/", 2)[-2], c["errcode"]) for c in calls] == [("custom", 45015), ("template", 0)]
    assert number in str(calls[1]["body"]["data"])


def test_no_channel_left_is_a_dead_letter_that_says_why(town: Community) -> None:
    town.services.settings.push.resident_template_id = ""
    number = town.report("o-wang", "卧室窗户关不上")
    town.clock.advance(hours=49)
    town.say("o-liu", f"接单 {number}")
    town.tick()
    assert sends_to(town, "o-wang") == []  # nothing WeChat would refuse is even tried
    with Session(town.engine) as s:
        (dead,) = s.execute(select(Outbox).where(Outbox.openid == "o-wang", Outbox.status == "dead")).scalars()
    assert "more than 48 hours ago" in (dead.last_error or "")
    assert "[push] resident_template_id is empty" in (dead.last_error or "")
    out = CliRunner().invoke(main, ["outbox", "list", "--status", "dead"],
                             env={"WUYE_DATABASE__URL": town.engine.url.render_as_string(hide_password=False)})
    assert "resident_template_id" in out.output


def _wrote(engine: Engine, openid: str, at) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        s.add(Person(openid=openid))
        s.add(InboundMessage(dedupe_key=f"msg:{openid}:{at.timestamp()}", openid=openid, msg_type="text",
                             status="done", received_at=at))
        s.commit()


def test_the_count_is_shared_by_concurrent_writers(engine: Engine) -> None:
    now = utcnow()
    _wrote(engine, "o-busy", now - timedelta(minutes=5))
    granted: list[str | None] = []
    barrier = threading.Barrier(4)

    def take() -> None:
        barrier.wait()
        for _ in range(3):
            with Session(engine) as s:
                got = planner.take_text_slot(s, "o-busy", now)
                s.commit()
            granted.append(got)

    at_once(take, 4)
    assert granted.count("message") == 5 and len(granted) == 12
    # A new message opens a new window with five more.
    _wrote(engine, "o-busy2", now)
    with Session(engine) as s:
        s.add(InboundMessage(dedupe_key="msg:again", openid="o-busy", msg_type="text", status="done",
                             received_at=now - timedelta(minutes=1)))
        s.commit()
        assert planner.take_text_slot(s, "o-busy", now) == "message"


def test_a_menu_click_opens_three_texts_for_one_minute(engine: Engine) -> None:
    now = utcnow()
    with Session(engine) as s:
        s.add(InboundMessage(dedupe_key="evt:o-click", openid="o-click", msg_type="event", event="click",
                             status="done", received_at=now - timedelta(seconds=10)))
        s.commit()
        assert [planner.take_text_slot(s, "o-click", now) for _ in range(4)] == ["event"] * 3 + [None]
        assert planner.take_text_slot(s, "o-other", now) is None


def test_values_are_cut_to_their_keyword_keeping_the_ticket_number_whole() -> None:
    mapping = {"thing1": "{title}：{number}", "thing2": "{body}", "character_string3": "{number}",
               "time4": "{time}", "phrase5": "{status}"}
    values = {"title": "您的报修有新的处理进展请查看详情", "number": "BX2611230001",
              "body": "第一行\n第二行" + "很长" * 20, "time": datetime(2026, 11, 23, 2, 0, tzinfo=ZoneInfo("UTC")),
              "status": "已完成 ok"}
    data = templates.render(mapping, values, TZ)
    assert data["thing1"].endswith("：BX2611230001") and len(data["thing1"]) <= 20
    assert "…" in data["thing1"]
    assert "\n" not in data["thing2"] and len(data["thing2"]) == 20 and data["thing2"].endswith("…")
    assert data["character_string3"] == "BX2611230001"
    assert data["time4"] == "2026年11月23日 10:00"
    assert data["phrase5"] == "已完成"
    assert templates.cut("工单 BX2611230001 已完成", 10) == "工单…"


@pytest.mark.parametrize(
    ("mapping", "named"),
    [
        ({"first": "{title}"}, "'first' is no longer shown"),
        ({"remark": "{body}"}, "'remark' is no longer shown"),
        ({"character_string1": "{place}"}, "{place} does not fit it"),
        ({"time2": "{title}"}, "{title} does not fit it"),
        ({"thing3": "{title}\n{body}"}, "line break"),
        ({"thing4": "{nothing}"}, "{nothing}, which staff messages don't have"),
        ({"amount5": "{number}"}, "amount keyword"),
        ({"thing6": "这是一段超过二十个字的固定文字会把值挤没了的"}, "leaves no room"),
    ],
)
def test_a_bad_mapping_stops_the_start_naming_the_key_and_the_fix(
    mapping: dict[str, str], named: str, tmp_path: Path
) -> None:
    cfg = tmp_path / "wuye.toml"
    fields = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in mapping.items())
    cfg.write_text(f"[push]\nstaff_template_fields = {{ {fields} }}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, environ={})
    message = str(err.value)
    assert named in message and "config: [push] staff_template_fields:" in message
    assert "Traceback" not in message


def test_deliver_due_uses_the_planned_channel(town: Community) -> None:
    """The planner decides at enqueue; the worker sends exactly what was planned."""
    town.say("o-li", "楼道灯坏了")
    town.say("o-li", "确认")
    with Session(town.engine) as s:
        kinds = [r.kind for r in s.execute(select(Outbox).where(Outbox.openid == "o-liu")).scalars()]
    assert kinds == ["template"]
    stats = deliver_due(town.engine, town.worker.client, town.services.settings.worker, utcnow())
    assert stats.sent >= 1 and stats.dead == 0
