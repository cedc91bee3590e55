"""Emergencies: whether a message reports one happening now, and what kind, so the resident gets
a ticket at once and the right safety steps."""

from __future__ import annotations

import re

from intents.normalize import normalize_surface
from intents.slots import URGENT

_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("gas", re.compile(r"燃气|煤气|天然气|液化气|气味.*(刺鼻|难闻)|闻到.*(气|味)")),
    ("trapped", re.compile(r"困|被关|关在|卡在电梯|电梯.*(出不来|打不开|停住)")),
    ("fire", re.compile(r"火|冒烟|烟雾|烧着|焦味")),
    ("electric", re.compile(r"触电|漏电|电线.*(裸露|冒火花|掉)|火花|电箱.*(冒|响)")),
    ("water", re.compile(r"水|淹|漏|爆管|管.*爆")),
]

# A smell or a sight that is the emergency itself, though no fault verb is said.
SYMPTOM = re.compile(
    r"(?:燃气|煤气|天然气|液化气)(?:的)?(?:味|气味|味道)|一股.{0,4}(?:燃气|煤气|天然气|臭鸡蛋)味|"
    r"臭鸡蛋味|烧焦味|焦糊味|烧.{0,3}(?:电线|塑料|胶皮)的?(?:味|气味|味道)|(?:冒|有|好多|好大的?)(?:黑)?烟|电线.{0,4}(?:冒火|打火|火花|烧)"
)
# A question about what to do *if* it happens, not a report that it is happening.
_HYPOTHETICAL = re.compile(
    r"如果|万一|假如|要是|假设|遇到|碰到|发生.{0,6}(?:时|的时候)|的话|注意什么|注意事项|知识|演练|培训|宣传|"
    r"安检|检查|预防|怎么防|应急预案|流程"
)
# Signs the asker is in it now: where they are, what they sense, that it started.
_HERE_AND_NOW = re.compile(
    r"家里|我家|屋里|房间|厨房|卫生间|楼道|电梯里|这里|现在|刚才|刚刚|突然|一直|好像|闻到|一股|好大|好浓|"
    r"很大|很浓|有人|了|着呢|怕|救命|快来|赶紧"
)
_QUESTION = re.compile(r"[?？]|怎么办|怎么弄|怎么处理|吗|咋办|该怎么")


def urgent_kind(text: str) -> str:
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return "general"


def is_emergency(text: str) -> bool:
    """An emergency reported as happening, statement or question ("家里好大一股煤气味 怎么办啊");
    not a question about what to do if it ever happens ("燃气泄漏了应该注意什么")."""
    t = normalize_surface(text)
    if not (URGENT.search(t) or SYMPTOM.search(t)):
        return False
    if _HYPOTHETICAL.search(t):
        return False
    return not _QUESTION.search(t) or bool(_HERE_AND_NOW.search(t))
