"""转人工: within office hours and with [human] transfer_to_kf, the chat goes to the account's human
agents by a transfer_customer_service reply; otherwise an RG call-back ticket, as before."""

from __future__ import annotations

from tests.community import Community
from wuye_dev import wire


def ask_for_a_person(town: Community, openid: str, text: str = "转人工") -> dict:
    town._t = max(town._t + 1, int(town.clock.now.timestamp()))
    req = town.wechat.build(wire.text(openid, text, create_time=town._t))
    res = town.client.post("/wechat", query_string=req.params, data=req.body)
    assert res.status_code == 200
    reply = town.wechat.read_reply(res.get_data())
    assert reply is not None
    return reply


def test_in_office_hours_the_chat_is_handed_to_the_agents(town: Community) -> None:
    town.services.settings.human.transfer_to_kf = True
    reply = ask_for_a_person(town, "o-wang")
    assert reply["MsgType"] == "transfer_customer_service"
    assert reply["ToUserName"] == "o-wang" and "Content" not in reply
    assert town.tickets() == []  # the agent answers now: nothing to call back


def test_after_hours_it_is_a_call_back_ticket(town: Community) -> None:
    town.services.settings.human.transfer_to_kf = True
    town.clock.advance(hours=10)  # 20:00
    reply = ask_for_a_person(town, "o-wang")
    assert reply["MsgType"] == "text" and "非工作时间" in reply["Content"]
    (ticket,) = town.tickets()
    assert ticket.number.startswith("RG") and ticket.number in reply["Content"]


def test_without_transfer_to_kf_it_is_a_call_back_ticket_in_office_hours_too(town: Community) -> None:
    reply = ask_for_a_person(town, "o-wang")
    assert reply["MsgType"] == "text"
    (ticket,) = town.tickets()
    assert ticket.kind == "human" and ticket.number in reply["Content"]
