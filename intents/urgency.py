"""What kind of emergency a message describes, so the resident gets the right safety steps."""

from __future__ import annotations

import re

_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("gas", re.compile(r"燃气|煤气|天然气|液化气|气味.*(刺鼻|难闻)|闻到.*(气|味)")),
    ("trapped", re.compile(r"困|被关|关在|卡在电梯|电梯.*(出不来|打不开|停住)")),
    ("fire", re.compile(r"火|冒烟|烟雾|烧着|焦味")),
    ("electric", re.compile(r"触电|漏电|电线.*(裸露|冒火花|掉)|火花|电箱.*(冒|响)")),
    ("water", re.compile(r"水|淹|漏|爆管|管.*爆")),
]


def urgent_kind(text: str) -> str:
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return "general"
