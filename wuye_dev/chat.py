"""`wuye chat`: a terminal WeChat for one openid, signed (and encrypted) like the real thing.

Replies come back on the webhook's answer; pushes (what the worker sends to this openid) are
read from the fake WeChat's record of calls and printed as they arrive.
"""

from __future__ import annotations

import threading

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


def run_chat(settings: Settings, openid: str, url: str, fake_url: str) -> None:
    w = settings.wechat
    server = wire.WeChatServer(w.token, w.appid, w.encoding_aes_key, w.mode)
    click.echo(
        f"Chatting with {url} as {openid} ({w.mode} mode). Type a message; /sub to follow, /quit to leave."
    )
    since = show_earlier_pushes(fake_url, openid)
    stop = threading.Event()
    threading.Thread(target=_watch_pushes, args=(fake_url, openid, since, stop), daemon=True).start()
    try:
        while True:
            try:
                line = input("> ").strip()
            except EOFError:
                break
            if not line:
                continue
            if line in ("/quit", "/exit"):
                break
            if line == "/sub":
                fields = wire.event(openid, "subscribe")
            elif line == "/unsub":
                fields = wire.event(openid, "unsubscribe")
            else:
                fields = wire.text(openid, line)
            try:
                reply = send(server, url, fields)
            except requests.RequestException as exc:
                click.secho(f"(cannot reach {url}: {exc}; is `make run` running?)", fg="red")
                continue
            if reply:
                click.secho(reply, fg="green")
    finally:
        stop.set()
