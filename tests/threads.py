"""Races in tests: one function run by several threads at once."""

from __future__ import annotations

import threading
from collections.abc import Callable


def at_once(target: Callable[[], object], count: int) -> None:
    """`count` threads each run `target`; all have finished when this returns. A function that must
    start together waits on a threading.Barrier of its own."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
