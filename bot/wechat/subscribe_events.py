"""WeChat's subscribe-message (订阅通知) events, which wechatpy 1.8.18 parses as unknown events:
its `_data` holds the XML as xmltodict read it, where one <List> is a dict and several a list.

- subscribe_msg_popup_event: the person tapped 允许 (accept) or 取消 (reject) in a popup of an
  H5 page (PopupScene 1) or an article (2), one <List> per template;
- subscribe_msg_change_event: they turned a template off in 服务通知 settings (reject only);
  WeChat's documentation shows its list under <SubscribeMsgPopupEvent>, the name of the other
  event, so both names are read;
- subscribe_msg_sent_event: the outcome of a bizsend (ErrorCode 0 and ErrorStatus "success", or
  why it failed, e.g. "failed:user block").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.outbound import consents

log = logging.getLogger("wuye.subscribe")

POPUP = "subscribe_msg_popup_event"
CHANGE = "subscribe_msg_change_event"
SENT = "subscribe_msg_sent_event"
EVENTS = (POPUP, CHANGE, SENT)
_CONTAINERS = {
    POPUP: ("SubscribeMsgPopupEvent",),
    CHANGE: ("SubscribeMsgChangeEvent", "SubscribeMsgPopupEvent"),
    SENT: ("SubscribeMsgSentEvent",),
}
STATUSES = ("accept", "reject")


@dataclass(frozen=True)
class Choice:
    template_id: str
    status: str  # accept | reject
    scene: str = ""


@dataclass(frozen=True)
class Sent:
    template_id: str
    msg_id: str
    error_code: int
    error_status: str


def _items(data: dict[str, Any], event: str) -> list[dict[str, Any]]:
    for name in _CONTAINERS[event]:
        box = data.get(name)
        if isinstance(box, dict):
            found = box.get("List")
            items = found if isinstance(found, list) else [found]
            return [i for i in items if isinstance(i, dict)]
    return []


def choices(data: dict[str, Any], event: str) -> list[Choice]:
    """The templates a popup or change event accepts or rejects; anything malformed is skipped."""
    out = []
    for item in _items(data, event):
        template_id = str(item.get("TemplateId") or "").strip()
        status = str(item.get("SubscribeStatusString") or "").strip().lower()
        if template_id and status in STATUSES and len(template_id) <= 128:
            out.append(Choice(template_id, status, str(item.get("PopupScene") or "")[:16]))
    return out


def sent(data: dict[str, Any]) -> list[Sent]:
    out = []
    for item in _items(data, SENT):
        try:
            code = int(str(item.get("ErrorCode") or "0"))
        except ValueError:
            code = -1
        out.append(Sent(str(item.get("TemplateId") or ""), str(item.get("MsgID") or ""), code,
                        str(item.get("ErrorStatus") or "")))
    return out


def handle(session: Session, openid: str, event: str, data: dict[str, Any], now: datetime) -> None:
    if event in (POPUP, CHANGE):
        for c in choices(data, event):
            consents.record(session, openid, c.template_id, c.status, now, c.scene)
        return
    for s in sent(data):
        if s.error_code != 0:
            # e.g. "failed:user block": they blocked the account's notices; the consent is gone.
            log.warning("subscribe message %s to %s failed: %s %s", s.msg_id, openid, s.error_code, s.error_status)
            if s.template_id:
                consents.revoke(session, openid, s.template_id, now)
