"""`wuye chat`: a terminal WeChat for one openid, signed (and encrypted) like the real thing.

Replies come back on the webhook's answer; pushes (what the worker sends to this openid) are
read from the fake WeChat's record of calls and printed as they arrive.
"""

from __future__ import annotations

import threading
import time

import click
import requests

from bot import wire
from bot.config import Settings


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


def _watch_pushes(fake_url: str, openid: str, stop: threading.Event) -> None:
    since = 0
    try:
        calls = requests.get(
            f"{fake_url}/_fake/calls", params={"touser": openid}, timeout=2
        ).json()["calls"]
        since = max((c["seq"] for c in calls), default=0)
    except (requests.RequestException, ValueError, KeyError):
        pass
    while not stop.wait(1.0):
        try:
            res = requests.get(
                f"{fake_url}/_fake/calls", params={"touser": openid, "since": since}, timeout=2
            )
            calls = res.json()["calls"]
        except (requests.RequestException, ValueError, KeyError):
            continue
        for call in calls:
            since = max(since, call["seq"])
            if call.get("status") != 200 or call.get("errcode") not in (0, None):
                continue  # a failed delivery never reached the phone
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
    stop = threading.Event()
    threading.Thread(target=_watch_pushes, args=(fake_url, openid, stop), daemon=True).start()
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
        time.sleep(0.2)
    finally:
        stop.set()
