"""Staff chat commands: 接单 / 到场 / 完成 / 转派 / 我的工单 / 帮助, with or without a ticket number.

Staff type on the move: a slip of the input method ("接丹"), plain words for the one ticket they
are on ("到了", "搞定了"), or a whole sentence ("看看我的工单"). All of these are commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.normalize import normalize_surface

_VERBS = {
    "接单": "accept", "接丹": "accept", "接担": "accept", "节单": "accept", "借单": "accept", "街单": "accept",
    "接单了": "accept", "我接了": "accept", "我接单": "accept", "收单": "accept",
    "到场": "arrive", "已到场": "arrive", "到达": "arrive", "已到": "arrive", "到厂": "arrive", "倒场": "arrive",
    "完成": "done", "已完成": "done", "完工": "done", "修好了": "done", "处理完": "done", "完城": "done", "玩成": "done",
    "转派": "transfer", "转给": "transfer", "转单": "transfer", "专派": "transfer",
    "已回访": "recovered", "回访完成": "recovered", "已回电": "recovered",
}
_MINE = re.compile(
    r"^\s*(?:看看|看一下|查看?|查一下|打开)?\s*(?:我的|我)?(?:工单|任务|单子)(?:列表)?(?:呢|有哪些|有几个)?"
    r"|^\s*(?:我的工单|我的任务|我的单子|工单列表|待办工单?|今天的工单|我有哪些工单|还有几单)"
)
_MINE_WHOLE = re.compile(r"[\s?？!！。.吗呢]*$")
# A short question about one's own work in any words ("我今天有哪些单子", "手上还有几个活",
# "待办的任务呢"): a word for the work and a word that asks about one's own list.
_MINE_NOUN = re.compile(r"工单|单子|任务|活儿?(?!动)|派单|[几多少]单")
_MINE_CUE = re.compile(r"我|今天|今日|手上|手里|还有|哪些|几个|几单|多少|列表|看看|查|待办|没做|没干|要做|要干")
_MINE_MAX = 16  # characters: longer messages say more than "show me my list"
_HELP = re.compile(r"^\s*(?:帮助|help|指令|命令|菜单|功能|怎么用|怎么操作|操作说明|使用说明|\?|？)\s*[?？!！。.]*\s*$", re.I)
# Plain words for the one open ticket: "到了", "我到了", "搞定了", "修好了", "弄好了".
_PLAIN = (
    (re.compile(r"^\s*(?:我|师傅)?(?:已经)?(?:到了|到啦|到现场了?|到场了|在现场了?|到楼下了|到门口了)\s*[!！。.]*\s*$"), "arrive"),
    (re.compile(r"^\s*(?:我|师傅)?(?:都|已经)?(?:搞定|弄好|修好|处理好|做完|干完|完事|修完|处理完|搞好)了?(?:了|啦)?\s*[!！。.]*\s*$"), "done"),
)
_CMD = re.compile(
    r"^\s*(?P<verb>" + "|".join(sorted(map(re.escape, _VERBS), key=len, reverse=True)) + r")"
    r"\s*[:：,，]?\s*(?P<number>[A-Za-z]{2}\s*\d{10})?\s*[:：,，]?\s*(?P<rest>.*?)\s*$",
    re.S,
)
_ASKS = re.compile(r"[?？]|吗$|么$|没有$|没$")


@dataclass(frozen=True)
class StaffCommand:
    action: str  # accept | arrive | done | transfer | recovered | mine | help
    number: str | None = None
    note: str = ""  # 完成: what was done; 转派: the colleague's name


def parse_staff_command(text: str) -> StaffCommand | None:
    t = normalize_surface(text)
    if _HELP.match(t):
        return StaffCommand("help")
    m = _MINE.match(t)
    if m and _MINE_WHOLE.fullmatch(t[m.end():]):
        return StaffCommand("mine")
    if len(t) <= _MINE_MAX and _MINE_NOUN.search(t) and _MINE_CUE.search(t) and not _CMD.match(t) \
            and not re.search(r"[A-Za-z]{2}\s*\d{10}", t):
        return StaffCommand("mine")
    for pattern, action in _PLAIN:
        if pattern.match(t):
            return StaffCommand(action)
    m = _CMD.match(t)
    if not m:
        return None
    action = _VERBS[m.group("verb")]
    number = re.sub(r"\s+", "", m.group("number") or "").upper() or None
    rest = m.group("rest")
    # A bare verb followed by prose without a number ("接单了吗") is not a command.
    if number is None and rest and (action in ("accept", "arrive") or _ASKS.search(rest)):
        return None
    if action == "transfer" and rest.startswith("给"):
        rest = rest[1:].strip()
    return StaffCommand(action, number, rest)
