"""`wuye serve`'s HTTP server: waitress, drained on SIGTERM.

Why waitress: its event loop reads each request whole (headers and body) and writes each
response whole before and after a handling thread sees it, so slow or stalled clients cost a
socket, never one of the `[server] threads`; it is pure Python (no build, any OS), has header
and body limits and idle-connection timeouts, and runs in this process, next to the embedded
worker. Several processes on PostgreSQL: gunicorn (README), behind nginx either way.

SIGTERM (systemd's stop) stops accepting, lets requests in flight finish and their answers go
out, lets the worker finish or release its claimed rows, all within `[server] drain_seconds`,
then exits. A request cut off by a harder kill is redone when WeChat retries it (bot.wechat.inbox).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from waitress.server import create_server

log = logging.getLogger("wuye.serve")


class Server:
    def __init__(
        self, app: Any, host: str, port: int, threads: int, max_body_bytes: int,
        drain_seconds: float, on_drain: Callable[[float], None] | None = None,
    ) -> None:
        self.drain_seconds = drain_seconds
        self.on_drain = on_drain
        self._draining = threading.Event()
        self.server = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            # A connection idle this long is closed; WeChat reconnects as it needs.
            channel_timeout=30,
            # Request bodies past this are refused by waitress itself (Flask checks again).
            max_request_body_size=max_body_bytes + 1024,
            max_request_header_size=16 * 1024,
            connection_limit=1000,
            ident="wuye",
            clear_untrusted_proxy_headers=True,
        )

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    @property
    def host(self) -> str:
        return str(self.server.effective_host)

    def serve_forever(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._on_sigterm)
        self.server.run()

    def close(self) -> None:
        """Stop at once (tests, embedding): no drain."""
        self.server.close()
        self.server.task_dispatcher.shutdown(timeout=5)

    def _on_sigterm(self, _signum: int, _frame: object) -> None:
        if self._draining.is_set():
            return
        self._draining.set()
        log.warning("SIGTERM: no new connections; draining for up to %.0f s", self.drain_seconds)
        # Stop listening, from inside the event loop (the handler may run while select() holds
        # the listening socket), and not with BaseWSGIServer.close: its trigger still has
        # answers to wake the loop for.
        from waitress import wasyncore

        self.server.accepting = False
        self.server.trigger.pull_trigger(lambda: wasyncore.dispatcher.close(self.server))
        threading.Thread(target=self._drain, name="wuye-drain", daemon=True).start()

    def busy(self) -> bool:
        dispatcher = self.server.task_dispatcher
        if dispatcher.queue or dispatcher.active_count:
            return True
        for channel in list(self.server.active_channels.values()):
            if channel.requests or channel.total_outbufs_len:
                return True
        return False

    def _drain(self) -> None:
        deadline = time.monotonic() + self.drain_seconds
        if self.on_drain is not None:
            # The worker stops claiming and finishes (or releases) what it holds meanwhile.
            worker = threading.Thread(target=self.on_drain, args=(deadline,), daemon=True)
            worker.start()
        else:
            worker = None
        while self.busy() and time.monotonic() < deadline:
            time.sleep(0.02)
        if worker is not None:
            worker.join(max(0.0, deadline - time.monotonic()))
        left = self.busy()
        log.warning("drained%s; exiting", " (some requests were still running)" if left else "")
        logging.shutdown()
        # Everything that matters is committed; the event loop has nothing left worth waiting for.
        os._exit(0)
