"""The custom menu: `wuye menu push` sends the default menu and the staff menu by tag through the
outbox to the (strict) fake WeChat; clicks on each key answer through the webhook."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import Session

from bot.cli import main
from bot.config import ConfigError, Settings, load_settings
from storage.models import Person
from tests.conftest import APPID, Phone
from wuye_dev import wire
from wuye_dev.fake_wechat import FakeWeChat


def cli(settings: Settings, *args: str) -> Result:
    env = {
        "WUYE_DATABASE__URL": settings.database.url, "WUYE_WECHAT__API_BASE": settings.wechat.api_base,
        "WUYE_WECHAT__APPID": APPID, "WUYE_WECHAT__SECRET": "test-secret",
    }
    return CliRunner().invoke(main, list(args), env=env)


def add_people(settings: Settings, engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        s.add(Person(openid="o-res", role="resident", name="王芳"))
        s.add(Person(openid="o-fix", role="staff", name="张建国", categories="水电"))
        s.add(Person(openid="o-boss", role="supervisor", name="赵主管"))
        s.commit()


def test_menu_push_sends_the_default_and_the_staff_menu_by_tag(settings: Settings, engine, fake: FakeWeChat) -> None:  # type: ignore[no-untyped-def]
    add_people(settings, engine)
    res = cli(settings, "menu", "push")
    assert res.exit_code == 0, res.output
    state = fake.state.snapshot()
    top = state["menu"]["button"]
    assert [b["name"] for b in top] == ["报修", "我的报修", "更多"]
    assert [(b["type"], b["key"]) for b in top[:2]] == [("click", "REPAIR"), ("click", "MY_TICKETS")]
    assert [s["key"] for s in top[2]["sub_button"]] == ["FAQ", "CONTACT"]
    (staff_menu,) = state["conditional_menus"]
    (tag,) = [t for t in state["tags"] if t["name"] == "物业员工"]
    assert staff_menu["matchrule"] == {"tag_id": str(tag["id"])}
    assert [b["key"] for b in staff_menu["button"]] == ["STAFF_TICKETS", "STAFF_HELP"]
    assert sorted(tag["members"]) == ["o-boss", "o-fix"]  # residents keep the default menu
    assert all(c["errcode"] == 0 for c in fake.calls() if c["path"] != "/cgi-bin/token")

    shown = cli(settings, "menu", "show")
    assert shown.exit_code == 0, shown.output
    assert "报修  [click: REPAIR]" in shown.output and "我的工单  [click: STAFF_TICKETS]" in shown.output
    assert "conditional menu" in shown.output

    again = cli(settings, "menu", "push")  # the tag is found, not created twice
    assert again.exit_code == 0, again.output
    assert len([t for t in fake.state.snapshot()["tags"] if t["name"] == "物业员工"]) == 1


def test_menu_push_reports_what_wechat_refuses(settings: Settings, engine, fake: FakeWeChat) -> None:  # type: ignore[no-untyped-def]
    fake.fail("menu/create", errcode=48001, times=None)
    res = cli(settings, "menu", "push")
    assert res.exit_code != 0
    assert "FAIL menu for everybody: 48001" in res.output and "48001 means" in res.output


_clicks = itertools.count(int(time.time()))


def click(phone: Phone, openid: str, key: str) -> str:
    # Distinct CreateTimes: two events of one person in the same second are one delivery to WeChat.
    res = phone.post(wire.event(openid, "CLICK", EventKey=key, create_time=next(_clicks)))
    assert res.status_code == 200
    reply = phone.wechat.read_reply(res.get_data())
    assert reply is not None
    return reply["Content"]


def test_each_menu_key_does_what_its_button_says(phone: Phone, settings: Settings, engine) -> None:  # type: ignore[no-untyped-def]
    add_people(settings, engine)
    assert "厨房水管漏水" in click(phone, "o-res", "REPAIR")
    assert settings.community.hotline in click(phone, "o-res", "CONTACT")
    assert "物业费怎么交" in click(phone, "o-res", "FAQ")
    assert "报修" in click(phone, "o-res", "MY_TICKETS")
    assert "物业员工" in click(phone, "o-res", "STAFF_TICKETS")
    assert "没有进行中的工单" in click(phone, "o-fix", "STAFF_TICKETS")
    assert "接单 工单号" in click(phone, "o-fix", "STAFF_HELP")


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('buttons = [{name="a", key="FAQ"}, {name="b", key="FAQ"}, {name="c", key="FAQ"}, {name="d", key="FAQ"}]',
         "[menu] buttons has 4 buttons; WeChat shows 1 to 3"),
        ('buttons = [{name="报修", key="FIX"}]', "unknown key 'FIX'"),
        ('buttons = [{name="物业报修服务", key="REPAIR"}]', "too long for the menu bar"),
        ('buttons = [{name="报修", key="REPAIR", url="https://x"}]', "exactly one of key"),
    ],
)
def test_a_bad_menu_stops_the_start_naming_the_key(toml: str, named: str, tmp_path: Path) -> None:
    cfg = tmp_path / "wuye.toml"
    cfg.write_text(f"[menu]\n{toml}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(cfg, environ={})
    assert named in str(err.value) and "[menu]" in str(err.value)
