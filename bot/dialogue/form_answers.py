"""How a resident answers a form the bot is filling: gives up on it, agrees, or corrects it.

Pure text rules (no database), read by every form: "算了不修了" abandons a repair as surely as
"取消"; "对 没问题" confirms as surely as "确认"; "哦不对 是卫生间" corrects what was said.
"""

from __future__ import annotations

import re

from intents.confirm import is_yes
from intents.normalize import normalize_surface

# "算了", "算了不修了", "不用了谢谢", "那算了吧 不报了", "不修了", "先不弄了", "取消吧".
_GIVE_UP = (
    r"算了|取消|撤销|不用了|不用修了|不需要了|不要了|先不了|先不用了?|没事了|好了不用|"
    r"不(?:报修|投诉|修|报|投|弄|搞|办|做|要|处理)了|先不(?:报修|投诉|修|报|弄|搞|办|做|要)了?|"
    r"不想(?:报修|投诉|修|报|弄)了|暂时不(?:报修|投诉|修|报|弄|用)了?|退出|结束"
)
_ABANDON = re.compile(
    rf"^(?:哦|噢|嗯|呃|那|那就|还是|我)?\s*(?:{_GIVE_UP})(?:吧|了|啊|呢|哈)?"
    rf"(?:[\s,.!。~]*(?:{_GIVE_UP}|谢谢|谢了|麻烦了|没事了|自己弄|我自己[修弄搞]|先这样)(?:吧|了|啊|呢|哈)?)*[\s,.!。~]*$"
)
# "对 没问题", "好的 提交吧", "是的 确认": agreement said twice over.
_PARTS = re.compile(r"[\s,.!。~]+")
# "哦不对", "说错了", "不是厨房", "应该是", "改成": what follows replaces what was said before.
CORRECTION = re.compile(r"不对|说错了?|搞错了?|写错了?|弄错了?|错了|不是.{0,6}?[,，\s]*是|应该是|改成|改为|换成|更正")
_NOT_BUT = re.compile(r"不是.{0,8}?[,，\s]*(?:而)?是(.+)$")
_CORRECTION_WORDS = re.compile(r"^(?:哦|噢|呃|啊)?\s*(?:不对|说错了?|搞错了?|写错了?|弄错了?|错了|应该是|改成|改为|换成|更正)[\s,.!。~]*(?:是|应该是)?")

# Where in a home a fault is; a correction to one of these replaces the one in the description.
HOME_PARTS = (
    "厨房", "卫生间", "主卫", "次卫", "客卫", "浴室", "客厅", "餐厅", "主卧", "次卧", "卧室", "书房", "阳台",
    "玄关", "门口", "储藏室", "衣帽间", "儿童房", "飘窗", "走廊", "过道",
)
_HOME_PART = re.compile("|".join(sorted(HOME_PARTS, key=len, reverse=True)))


def abandons(text: str) -> bool:
    """The resident gives up on the form ("算了不修了", "不用了", "取消")."""
    return bool(_ABANDON.match(normalize_surface(text)))


def agrees(text: str) -> bool:
    """A yes to "回复确认提交": "确认", "好的", "对 没问题", "嗯嗯 可以"."""
    if is_yes(text):
        return True
    parts = [p for p in _PARTS.split(normalize_surface(text)) if p]
    return len(parts) > 1 and all(is_yes(p) for p in parts)


def corrects(text: str) -> bool:
    return bool(CORRECTION.search(normalize_surface(text)))


def without_correction_words(text: str) -> str:
    """"哦不对 是卫生间" -> "卫生间": what the resident now says instead."""
    t = normalize_surface(text)
    m = _NOT_BUT.search(t)
    if m:
        return m.group(1).strip()
    t = _CORRECTION_WORDS.sub("", t).strip()
    return re.sub(r"^(?:是|在)\s*", "", t)


def home_part(text: str) -> str | None:
    m = _HOME_PART.search(text)
    return m.group(0) if m else None


def replace_home_part(description: str, new_part: str) -> str:
    """The description with the room it named replaced ("厨房水管漏水" -> "卫生间水管漏水")."""
    old = home_part(description)
    if old is None:
        return f"{new_part}{description}"
    return description.replace(old, new_part, 1)
