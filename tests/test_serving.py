"""`wuye serve`'s HTTP server: slow or stalled clients hold a socket, never a handling thread."""

from __future__ import annotations

import socket
import threading

import pytest
import requests

from bot.serving import Server
from wuye_dev import wire


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_stalled_clients_do_not_hold_the_threads_that_answer_others(app, wechat, services) -> None:  # type: ignore[no-untyped-def]
    services.settings.server.reply_budget_seconds = 60  # a busy CI box: the answer, not its speed
    server = Server(app, "127.0.0.1", 0, threads=2, max_body_bytes=65536, drain_seconds=5)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stalled: list[socket.socket] = []
    try:
        # Sixteen clients that send half a request and then nothing (slow-loris, or a stuck proxy):
        # eight times the handling threads.
        req = wechat.build(wire.text("o-slow", "你好"))
        for _ in range(16):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            s.sendall(b"POST /wechat?" + "&".join(f"{k}={v}" for k, v in req.params.items()).encode()
                      + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n<xml>")
            stalled.append(s)
        # A resident's message is still answered.
        fields = wire.text("o-fine", "物业费怎么交")
        ok = wechat.build(fields)
        res = requests.post(f"http://127.0.0.1:{server.port}/wechat", params=ok.params, data=ok.body, timeout=20)
        assert res.status_code == 200
        assert wechat.read_reply(res.content) is not None
    finally:
        for s in stalled:
            s.close()
        server.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_port_zero_picks_a_free_port(app) -> None:  # type: ignore[no-untyped-def]
    server = Server(app, "127.0.0.1", 0, threads=1, max_body_bytes=1024, drain_seconds=1)
    try:
        assert server.port > 0
    finally:
        server.close()
