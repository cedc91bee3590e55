"""催单: a resident pressing for a ticket that is taking too long."""

from __future__ import annotations

import re

_NUDGE = re.compile(
    r"催|怎么还没(来|到|修|人|处理|动静|弄)|还没(人|来|到|修好|处理)|还要(等)?多久|(快|赶紧)(点|一点|派人|来)|"
    r"等了(半天|很久|好久|一天|一上午|一下午|\d+|[一两三四五六七八九十]+)|什么时候(来|到|上门)|到底(来不来|什么时候)|"
    r"怎么没人(来|管|理)|没人(来|管|理)"
)


def is_nudge(text: str) -> bool:
    return bool(_NUDGE.search(text))
