"""`wuye chat`: a terminal WeChat for one openid, signed (and encrypted) like the real thing.

Replies come back on the webhook's answer; pushes (what the worker sends to this openid) are
read from the fake WeChat's record of calls and printed as they arrive.
"""

from __future__ import annotations

import contextlib
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import requests

from bot.config import Settings
from wuye_dev import wire


def _push_text(call: dict) -> str:
    body = call.get("body") or {}
    if "text" in body:
        return body["text"].get("content", "")
    if "data" in body:  # template message: show its fields in order
        return " | ".join(
            f"{k}: {v.get('value', v) if isinstance(v, dict) else v}"
            for k, v in body["data"].items()
        )
    return str(body)


EARLIER_PUSHES = 5  # pushes sent before the chat started that it shows first


def _delivered(calls: list[dict]) -> list[dict]:
    # a failed delivery never reached the phone
    return [c for c in calls if c.get("status") == 200 and c.get("errcode") in (0, None)]


def _fetch(fake_url: str, openid: str, since: int = 0) -> list[dict] | None:
    try:
        res = requests.get(f"{fake_url}/_fake/calls", params={"touser": openid, "since": since}, timeout=2)
        return list(res.json()["calls"])
    except (requests.RequestException, ValueError, KeyError):
        return None


def show_earlier_pushes(fake_url: str, openid: str) -> int:
    """Print the last few pushes this person was sent before the chat started; returns where the
    record of calls stands, for the watcher to go on from."""
    calls = _fetch(fake_url, openid) or []
    for call in _delivered(calls)[-EARLIER_PUSHES:]:
        click.secho(f"[推送] {_push_text(call)}", fg="cyan")
    return max((c["seq"] for c in calls), default=0)


def _watch_pushes(fake_url: str, openid: str, since: int, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        calls = _fetch(fake_url, openid, since)
        if calls is None:
            continue
        since = max([since, *(c["seq"] for c in calls)])
        for call in _delivered(calls):
            click.secho(f"\n[推送] {_push_text(call)}", fg="cyan")


def send(server: wire.WeChatServer, url: str, fields: dict) -> str | None:
    req = server.build(fields)
    res = requests.post(url, params=req.params, data=req.body, timeout=10)
    if res.status_code != 200:
        return f"(HTTP {res.status_code}: {res.text.strip()[:200]})"
    reply = server.read_reply(res.content)
    if reply is None:
        return None
    return reply.get("Content") or str(reply)


HELP = ("Type a message and Enter. A line ending in \\ goes on on the next line; a block between two lines of "
        '""" is sent as one message. /photo FILE-or-URL sends a picture, /sub /unsub follow or leave, /quit.')
_BLOCK = '"""'


def read_message(prompt: Callable[[str], str]) -> str | None:
    """One message from the terminal, which may span lines; None at end of input."""
    try:
        line = prompt("> ")
    except EOFError:
        return None
    if line.strip() == _BLOCK:
        lines: list[str] = []
        while True:
            try:
                more = prompt(". ")
            except EOFError:
                break
            if more.strip() == _BLOCK:
                break
            lines.append(more)
        return "\n".join(lines)
    lines = [line]
    while lines[-1].endswith("\\"):
        lines[-1] = lines[-1][:-1]
        try:
            lines.append(prompt(". "))
        except EOFError:
            break
    return "\n".join(lines).strip()


def photo_fields(openid: str, where: str, create_time: int | None = None) -> dict[str, Any] | str:
    """An image message for a picture at a URL, or a local file (sent as its file:// address, as a
    development stand-in for WeChat's picture server); a string says what is wrong."""
    where = where.strip().strip('"').strip("'")
    if not where:
        return "usage: /photo FILE-or-URL"
    if where.startswith(("http://", "https://")):
        url = where
    else:
        path = Path(where).expanduser()
        if not path.is_file():
            return f"(no such file: {path}; give a picture file or an http(s) URL)"
        url = path.resolve().as_uri()
    media_id = f"chat-{zlib.crc32(url.encode()):08x}"
    kw: dict[str, Any] = {"PicUrl": url, "MediaId": media_id}
    if create_time is not None:
        kw["create_time"] = create_time
    return wire.message(openid, "image", **kw)


def fields_for(openid: str, text: str) -> dict[str, Any] | str | None:
    """What a line typed in the chat sends: a message, an event, a string to show, or None (quit)."""
    command = text.strip()
    if command in ("/quit", "/exit"):
        return None
    if command == "/sub":
        return wire.event(openid, "subscribe")
    if command == "/unsub":
        return wire.event(openid, "unsubscribe")
    if command == "/help":
        return HELP
    if command.startswith("/photo"):
        return photo_fields(openid, command[len("/photo"):])
    return wire.text(openid, text)


def run_chat(settings: Settings, openid: str, url: str, fake_url: str) -> None:
    w = settings.wechat
    def tell_fake(fields: dict) -> None:
        # The fake WeChat API learns what the user sent, as the real one does: it opens the
        # customer-service window the pushes are counted against.
        with contextlib.suppress(requests.RequestException):  # no fake (a real account): nothing to tell
            requests.post(f"{fake_url}/_fake/inbound", json=fields, timeout=2)

    server = wire.WeChatServer(w.token, w.appid, w.encoding_aes_key, w.mode, observer=tell_fake)
    click.echo(f"Chatting with {url} as {openid} ({w.mode} mode). {HELP}")
    since = show_earlier_pushes(fake_url, openid)
    stop = threading.Event()
    threading.Thread(target=_watch_pushes, args=(fake_url, openid, since, stop), daemon=True).start()
    try:
        while True:
            text = read_message(input)
            if text is None:
                break
            if not text.strip():
                continue
            fields = fields_for(openid, text)
            if fields is None:
                break
            if isinstance(fields, str):
                click.secho(fields, fg="yellow")
                continue
            try:
                reply = send(server, url, fields)
            except requests.RequestException as exc:
                click.secho(f"(cannot reach {url}: {exc}; is `make run` running?)", fg="red")
                continue
            if reply:
                click.secho(reply, fg="green")
    finally:
        stop.set()
