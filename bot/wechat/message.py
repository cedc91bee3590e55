"""Reading fields of a parsed WeChat message that wechatpy leaves raw or drops."""

from __future__ import annotations

from wechatpy.messages import BaseMessage
from wechatpy.replies import TextReply, TransferCustomerServiceReply


class HandOff(str):
    """An answer that passes the chat to the account's human agents (客服, `transfer_customer_service`)
    instead of replying; the text says what happened, for logs and the chat simulator."""


def reply_xml(msg: BaseMessage, text: str) -> str:
    """The passive reply for a handler's answer."""
    if isinstance(text, HandOff):
        return TransferCustomerServiceReply(message=msg).render()
    return TextReply(message=msg, content=text).render()


def raw_type(msg: BaseMessage) -> str:
    """MsgType as WeChat sent it (wechatpy reports types it doesn't know as "unknown")."""
    return str(msg._data.get("MsgType") or msg.type or "unknown").lower()


def raw_event(msg: BaseMessage) -> str:
    return str(msg._data.get("Event") or "").lower()


def message_text(msg: BaseMessage) -> str | None:
    """The words in a message: its text, or what WeChat heard in a voice message."""
    if msg.type == "text":
        return msg.content or ""
    if msg.type == "voice":
        return (getattr(msg, "recognition", None) or "").strip() or None
    return None
