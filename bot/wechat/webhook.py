"""`/wechat`: WeChat's server speaks to us here (URL check, messages in three modes)."""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, current_app, request
from wechatpy import parse_message
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.utils import check_signature

from bot.services import Services
from bot.wechat import nonces, xml_guard
from bot.wechat.inbox import NO_REPLY, process

log = logging.getLogger("wuye.webhook")
bp = Blueprint("wechat", __name__)


def services() -> Services:
    return current_app.extensions["wuye"]


def _plain(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain")


def _signed() -> str | None:
    """None if the request carries WeChat's signature and a fresh timestamp, else why not."""
    args = request.args
    signature, timestamp, nonce = args.get("signature"), args.get("timestamp"), args.get("nonce")
    if not (signature and timestamp and nonce):
        return "missing signature, timestamp or nonce"
    if len(nonce) > 64 or len(timestamp) > 16:
        return "nonce or timestamp too long"
    try:
        check_signature(services().settings.wechat.token, signature, timestamp, nonce)
    except InvalidSignatureException:
        return "bad signature"
    try:
        skew = abs(time.time() - int(timestamp))
    except ValueError:
        return "timestamp is not a number"
    if skew > services().settings.server.max_clock_skew_seconds:
        return "stale timestamp (replay?)"
    return None


@bp.get("/wechat")
def verify() -> Response:
    problem = _signed()
    if problem:
        return _plain(problem, 403)
    return _plain(request.args.get("echostr", ""), 200)


@bp.post("/wechat")
def receive() -> Response:
    started = time.monotonic()
    svc = services()
    limit = svc.settings.server.max_body_bytes
    if (request.content_length or 0) > limit:
        return _plain("body too large", 413)
    problem = _signed()
    if problem:
        return _plain(problem, 403)
    body = request.get_data(cache=False)  # Flask's MAX_CONTENT_LENGTH also caps chunked bodies
    mode = svc.settings.wechat.mode
    encrypted = request.args.get("encrypt_type", "raw").lower() == "aes"
    if encrypted:
        if svc.crypto is None:
            return _plain("encrypted message but [wechat] encoding_aes_key is not set", 400)
        msg_signature = request.args.get("msg_signature", "")
        if not msg_signature:
            return _plain("encrypted message without msg_signature", 403)
        try:
            xml_guard.check(body, envelope=True)
            xml = svc.crypto.decrypt_message(
                body, msg_signature, request.args["timestamp"], request.args["nonce"]
            )
        except xml_guard.BadXml as exc:
            return _plain(f"malformed WeChat XML: {exc}", 400)
        except (InvalidSignatureException, InvalidAppIdException):
            return _plain("bad msg_signature or appid", 403)
        except Exception:
            return _plain("malformed encrypted message", 400)
    elif mode != "plain":
        # Compat mode carries the plaintext beside the ciphertext, but only the ciphertext is
        # signed (msg_signature): the plaintext part is never trusted.
        return _plain(f"{mode} mode: messages must be encrypted (encrypt_type=aes)", 403)
    else:
        xml = body.decode("utf-8", errors="replace")

    try:
        xml_guard.check(xml)
    except xml_guard.BadXml as exc:
        return _plain(f"malformed WeChat XML: {exc}", 400)
    msg = _parse(xml)
    if msg is None:
        return _plain("malformed WeChat XML", 400)
    signed = None
    if not encrypted:
        args = request.args
        if svc.redis is None:
            # Remembered in the database with the inbox's claim, in one transaction.
            signed = nonces.SignedUrl.of(args["timestamp"], args["nonce"], body)
        elif not nonces.first_use(svc.engine, svc.redis, args["timestamp"], args["nonce"], body,
                                  2 * svc.settings.server.max_clock_skew_seconds):
            return _replayed()

    try:
        reply = process(svc, msg, started, signed)
    except nonces.Replayed:
        return _replayed()
    if encrypted and reply != NO_REPLY:
        reply = svc.crypto.encrypt_message(reply, request.args["nonce"], request.args["timestamp"])
    return Response(
        reply, status=200, mimetype="application/xml" if reply != NO_REPLY else "text/plain"
    )


def _replayed() -> Response:
    log.warning("plain mode: a signed URL came again with another body; refused")
    return _plain("this signature was already used for another message (replay?)", 403)


def _parse(xml: str) -> BaseMessage | None:
    try:
        msg = parse_message(xml)
    except Exception:
        return None
    if msg is None or not msg.source or not msg.type:
        return None
    try:
        int(msg.time)
    except (TypeError, ValueError):
        return None
    return msg
