"""Staff chat commands: 接单 / 到场 / 完成 / 转派 / 我的工单, with or without a ticket number."""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERBS = {
    "接单": "accept",
    "到场": "arrive", "已到场": "arrive", "到达": "arrive", "已到": "arrive",
    "完成": "done", "已完成": "done", "完工": "done", "修好了": "done", "处理完": "done",
    "转派": "transfer", "转给": "transfer", "转单": "transfer",
    "已回访": "recovered", "回访完成": "recovered", "已回电": "recovered",
}
_MINE = re.compile(r"^\s*(我的工单|我的任务|工单列表|待办工单?)\s*[?？!！。]*\s*$")
_CMD = re.compile(
    r"^\s*(?P<verb>" + "|".join(sorted(map(re.escape, _VERBS), key=len, reverse=True)) + r")"
    r"\s*[:：,，]?\s*(?P<number>[A-Za-z]{2}\s*\d{10})?\s*[:：,，]?\s*(?P<rest>.*?)\s*$",
    re.S,
)


@dataclass(frozen=True)
class StaffCommand:
    action: str  # accept | arrive | done | transfer | recovered | mine
    number: str | None = None
    note: str = ""  # 完成: what was done; 转派: the colleague's name


def parse_staff_command(text: str) -> StaffCommand | None:
    if _MINE.match(text):
        return StaffCommand("mine")
    m = _CMD.match(text)
    if not m:
        return None
    action = _VERBS[m.group("verb")]
    number = re.sub(r"\s+", "", m.group("number") or "").upper() or None
    rest = m.group("rest")
    # A bare verb followed by prose without a number ("接单了吗") is not a command.
    if number is None and rest and action in ("accept", "arrive"):
        return None
    if action == "transfer" and rest.startswith("给"):
        rest = rest[1:].strip()
    return StaffCommand(action, number, rest)
