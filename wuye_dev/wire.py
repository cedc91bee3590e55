"""WeChat's side of the webhook protocol: build requests exactly as WeChat's servers do.

Used by the chat simulator (`wuye chat`), the tests and the benchmarks, so that all three
exercise the same wire format, signed and encrypted with wechatpy's own crypto.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import xmltodict
from wechatpy.crypto import WeChatCrypto

_msg_ids = itertools.count(int(time.time() * 1000) % 10**9 * 1000)


def signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def to_xml(fields: dict[str, Any]) -> str:
    return "<xml>" + _elements(fields) + "</xml>"


def _elements(fields: dict[str, Any]) -> str:
    """A dict nests (<SubscribeMsgPopupEvent><List>…), a list repeats its element."""
    parts = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                parts.append(f"<{key}>{_elements(item)}</{key}>")
            elif isinstance(item, int | float):
                parts.append(f"<{key}>{item}</{key}>")
            else:
                parts.append(f"<{key}><![CDATA[{item}]]></{key}>")
    return "".join(parts)


def message(
    openid: str, msg_type: str, to: str = "gh_wuye", create_time: int | None = None, **fields: Any
) -> dict[str, Any]:
    """Fields of one inbound message or event, in WeChat's element order."""
    out: dict[str, Any] = {
        "ToUserName": to,
        "FromUserName": openid,
        "CreateTime": int(create_time if create_time is not None else time.time()),
        "MsgType": msg_type,
    }
    out.update(fields)
    if msg_type != "event" and "MsgId" not in out:
        out["MsgId"] = next(_msg_ids)
    return out


def text(openid: str, content: str, **kw: Any) -> dict[str, Any]:
    return message(openid, "text", Content=content, **kw)


def event(openid: str, name: str, **kw: Any) -> dict[str, Any]:
    return message(openid, "event", Event=name, **kw)


def _nonce() -> str:
    # Not `random`: test frameworks reseed it, and WeChat's nonces do not repeat.
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))


@dataclass
class Request:
    params: dict[str, str]
    body: bytes
    nonce: str
    timestamp: str


@dataclass
class WeChatServer:
    """Signs (and in compat/safe mode encrypts) requests the way WeChat does for one account."""

    token: str
    appid: str = ""
    encoding_aes_key: str = ""
    mode: str = "plain"
    # Told of every message built, as WeChat's API learns of what users send (the fake uses it
    # to open customer-service windows and keep photos downloadable).
    observer: Callable[[dict[str, Any]], None] | None = None
    crypto: WeChatCrypto | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.mode != "plain":
            self.crypto = WeChatCrypto(self.token, self.encoding_aes_key, self.appid)

    def verify_params(
        self, echostr: str = "echo-check", timestamp: int | None = None
    ) -> dict[str, str]:
        ts, nonce = str(timestamp or int(time.time())), _nonce()
        return {
            "signature": signature(self.token, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "echostr": echostr,
        }

    def build(
        self, fields: dict[str, Any], timestamp: int | None = None, nonce: str | None = None
    ) -> Request:
        ts, nonce = str(timestamp or int(time.time())), nonce or _nonce()
        if self.observer is not None:
            self.observer(fields)
        plain = to_xml(fields)
        params = {
            "signature": signature(self.token, ts, nonce),
            "timestamp": ts,
            "nonce": nonce,
            "openid": str(fields.get("FromUserName", "")),
        }
        if self.crypto is None:
            return Request(params, plain.encode(), nonce, ts)
        envelope = xmltodict.parse(self.crypto.encrypt_message(plain, nonce, ts))["xml"]
        encrypted = envelope["Encrypt"]
        params |= {"encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
        if self.mode == "compat":
            # Compatible mode carries the plaintext fields and the ciphertext side by side.
            body = plain[: -len("</xml>")] + f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        else:
            body = to_xml({"ToUserName": fields.get("ToUserName", ""), "Encrypt": encrypted})
        return Request(params, body.encode(), nonce, ts)

    def read_reply(self, body: bytes | str) -> dict[str, Any] | None:
        """The reply's fields, decrypted when encrypted; None for WeChat's "success"/empty."""
        text_body = body.decode() if isinstance(body, bytes) else body
        if text_body.strip() in ("", "success"):
            return None
        doc = xmltodict.parse(text_body)["xml"]
        if "Encrypt" in doc and self.crypto is not None:
            plain = self.crypto.decrypt_message(
                text_body, doc["MsgSignature"], doc["TimeStamp"], doc["Nonce"]
            )
            doc = xmltodict.parse(plain)["xml"]
        return dict(doc)


__all__ = ["Request", "WeChatServer", "event", "message", "signature", "text", "to_xml"]
