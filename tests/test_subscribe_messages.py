"""Subscribe messages (订阅通知) as WeChat runs them: a resident consents in an H5 page or an
article, WeChat tells the webhook (subscribe_msg_popup_event, wechatpy reads it as an unknown
event), and a push that neither a customer-service text nor a template can carry goes out by
`message/subscribe/bizsend` while a consent is left; the fake WeChat refuses a send without one
(43101) and values that break the keyword rules (47003)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import Session
from wechatpy.exceptions import WeChatClientException

from bot.wechat.api import make_client
from storage.models import Outbox, SubscribeConsent
from tests.community import Community
from wuye_dev import wire

SUB = "SUB-PROGRESS"
BIZSEND = "message/subscribe/bizsend"


def _event(town: Community, openid: str, name: str, container: str, items: list[dict[str, Any]]) -> None:
    town._t = max(town._t + 1, int(town.clock.now.timestamp()))
    town._post(wire.message(openid, "event", Event=name, create_time=town._t, **{container: {"List": items}}))


def consent(town: Community, openid: str, *choices: tuple[str, str]) -> None:
    """The resident tapped 允许 / 取消 in a subscribe popup of an H5 page (PopupScene 1)."""
    _event(town, openid, "subscribe_msg_popup_event", "SubscribeMsgPopupEvent",
           [{"TemplateId": t, "SubscribeStatusString": s, "PopupScene": 1} for t, s in choices])


def consents(town: Community) -> dict[tuple[str, str], tuple[str, int]]:
    with Session(town.engine) as s:
        return {(c.openid, c.template_id): (c.status, c.remaining) for c in s.execute(select(SubscribeConsent)).scalars()}


def channel(call: dict[str, Any]) -> str:
    return call["path"].rsplit("/", 2)[-2] if not call["path"].endswith(BIZSEND) else "subscribe"


def pushes_to(town: Community, openid: str) -> list[dict[str, Any]]:
    return [c for c in town.fake.calls(touser=openid) if "/message/" in c["path"]]


@pytest.fixture
def subscribing(town: Community) -> Community:
    """An account with a subscribe template for progress and no resident template: the way to
    reach a resident outside the 48-hour window is their consent."""
    town.services.settings.push.resident_template_id = ""
    town.services.settings.subscribe.template_id = SUB
    return town


def test_popup_and_change_events_record_consent_per_openid_and_template(subscribing: Community) -> None:
    town = subscribing
    consent(town, "o-wang", (SUB, "accept"), ("SUB-OTHER", "reject"))
    consent(town, "o-wang", (SUB, "accept"))  # a one-time consent twice: two messages
    assert consents(town) == {("o-wang", SUB): ("accept", 2), ("o-wang", "SUB-OTHER"): ("reject", 0)}
    # Turned off in 服务通知 settings; WeChat's own example puts the list under the popup's name.
    _event(town, "o-wang", "subscribe_msg_change_event", "SubscribeMsgPopupEvent",
           [{"TemplateId": SUB, "SubscribeStatusString": "reject"}])
    assert consents(town)[("o-wang", SUB)] == ("reject", 0)
    consent(town, "o-li", (SUB, "accept"))
    _event(town, "o-li", "subscribe_msg_change_event", "SubscribeMsgChangeEvent",
           [{"TemplateId": SUB, "SubscribeStatusString": "reject"}])
    assert consents(town)[("o-li", SUB)] == ("reject", 0)


def test_outside_the_window_a_push_goes_by_subscribe_message_once_per_consent(subscribing: Community) -> None:
    town = subscribing
    number = town.report("o-wang", "卧室窗户关不上")
    consent(town, "o-wang", (SUB, "accept"))
    town.tick()
    town.clock.advance(hours=49)  # the resident's 48-hour window has closed
    town.say("o-liu", f"接单 {number}")
    town.tick()
    town.say("o-liu", f"到场 {number}")
    town.tick()
    after = [c for c in pushes_to(town, "o-wang") if c["seq"] > 0 and channel(c) == "subscribe"]
    assert len(after) == 1 and after[0]["errcode"] == 0
    data = {k: v["value"] for k, v in after[0]["body"]["data"].items()}
    assert data["character_string1"] == number and len(data["thing3"]) <= 20
    assert consents(town)[("o-wang", SUB)] == ("accept", 0)  # the one-time consent is used up
    with Session(town.engine) as s:
        dead = s.execute(select(Outbox).where(Outbox.openid == "o-wang", Outbox.status == "dead")).scalars().all()
    assert len(dead) == 1  # the second push: no text, no template, no consent left
    assert "no consent left for the subscribe message SUB-PROGRESS" in (dead[0].last_error or "")
    assert all(c["errcode"] == 0 for c in pushes_to(town, "o-wang"))  # nothing WeChat refused was tried


def test_a_text_then_a_template_come_first_and_leave_the_consent_unused(subscribing: Community) -> None:
    town = subscribing
    town.services.settings.push.resident_template_id = "TPL-RESIDENT"
    consent(town, "o-wang", (SUB, "accept"))
    number = town.report("o-wang", "阳台窗户关不严")
    town.say("o-liu", f"接单 {number}")  # inside the window: a customer-service text
    town.tick()
    town.clock.advance(hours=49)
    town.say("o-liu", f"到场 {number}")  # outside it: the template
    town.tick()
    used = [channel(c) for c in pushes_to(town, "o-wang")]
    assert "custom" in used and used[-1] == "template" and "subscribe" not in used
    assert consents(town)[("o-wang", SUB)] == ("accept", 1)


def test_wechats_43101_ends_the_consent_we_counted(subscribing: Community) -> None:
    town = subscribing
    number = town.report("o-wang", "卧室窗户关不上")
    consent(town, "o-wang", (SUB, "accept"))
    town.fake.state.consent("o-wang", SUB, "reject")  # WeChat knows better (a change we missed)
    town.tick()
    town.clock.advance(hours=49)
    town.say("o-liu", f"接单 {number}")
    town.tick()
    (call,) = [c for c in pushes_to(town, "o-wang") if channel(c) == "subscribe"]
    assert call["errcode"] == 43101
    with Session(town.engine) as s:
        row = s.execute(select(Outbox).where(Outbox.kind == "subscribe")).scalar_one()
    assert row.status == "dead" and row.attempts == 1  # not retried: it can never succeed
    assert consents(town)[("o-wang", SUB)] == ("reject", 0)


def test_a_failed_sent_event_ends_the_consent(subscribing: Community) -> None:
    town = subscribing
    consent(town, "o-wang", (SUB, "accept"))
    _event(town, "o-wang", "subscribe_msg_sent_event", "SubscribeMsgSentEvent",
           [{"TemplateId": SUB, "MsgID": "1700827132819554304", "ErrorCode": 20001, "ErrorStatus": "failed:user block"}])
    assert consents(town)[("o-wang", SUB)] == ("reject", 0)


def test_the_fake_refuses_bizsend_without_consent_or_with_bad_values(subscribing: Community) -> None:
    town = subscribing
    client = make_client(town.services.settings)
    body = {"touser": "o-chen", "template_id": SUB,
            "data": {"character_string1": {"value": "BX2612020001"}, "thing2": {"value": "工单已受理"}}}
    with pytest.raises(WeChatClientException) as refused:
        client.post(BIZSEND, data=body)
    assert refused.value.errcode == 43101
    town.fake.state.consent("o-chen", SUB)
    bad = {**body, "data": {**body["data"], "thing3": {"value": "一" * 21}}}
    with pytest.raises(WeChatClientException) as invalid:
        client.post(BIZSEND, data=bad)
    assert invalid.value.errcode == 47003 and "thing3" in invalid.value.errmsg
    assert client.post(BIZSEND, data=body)["errcode"] == 0
    with pytest.raises(WeChatClientException) as again:  # one accept, one message
        client.post(BIZSEND, data=body)
    assert again.value.errcode == 43101
