"""Repair pinyin-input typos: a same-sounding word typed in place of a domain word.

Residents type with pinyin input methods, so their typos are homophones of the word
they meant ("露水" for 漏水, "跳匝" for 跳闸, "门尽卡" for 门禁卡). We compare the
toneless pinyin of each 2-4 character window, with every reading of polyphonic
characters (露 is both lù and lòu), against a vocabulary of property-service words,
and put the domain word back. Only domain words are targets, so ordinary Chinese is
never "corrected" into something else.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin

from intents.thresholds import MAX_HOMOPHONE_READINGS

# Words residents mean when they write about a flat, a building or the service.
# Each must be specific enough that a same-sounding window is almost surely a typo.
DOMAIN_WORDS: tuple[str, ...] = (
    "漏水", "渗水", "滴水", "积水", "漏电", "漏气", "跳闸", "停电", "停水", "停气",
    "堵了", "堵住", "堵塞", "下水道", "地漏", "马桶", "水龙头", "水管", "水表", "电表",
    "插座", "开关", "灯泡", "灯管", "电梯", "门禁", "门禁卡", "门锁", "防盗门", "单元门",
    "窗户", "玻璃", "合页", "燃气", "燃气灶", "热水器", "空调", "暖气", "排气扇", "油烟机",
    "物业", "物业费", "停车费", "车位", "车库", "充电桩", "电动车", "快递", "快递柜",
    "驿站", "垃圾", "保洁", "保安", "绿化", "维修", "报修", "师傅", "投诉", "表扬",
    "装修", "押金", "发票", "缴费", "交费", "业主", "绑定", "认证", "人工", "客服",
    "通知", "公告", "进度", "取消", "撤销", "噪音", "扰民", "天花板", "墙皮", "瓷砖",
    "楼道", "楼梯", "扶手", "监控", "访客", "钥匙", "宠物", "遛狗", "搬家", "放行条",
    "收费", "多少钱", "坏了", "不亮", "失灵", "漏雨", "反水", "返水", "异味", "冒烟",
)

# Real words that sound like a domain word: typed on purpose, never a typo
# ("过保修期了没", "水果店", "房客", "表演", "认真负责"). Kept as written.
REAL_WORDS: tuple[str, ...] = (
    "保修", "保修期", "师父", "认真", "表演", "不良", "水果", "克服", "灯光", "精度", "一味",
    "意味", "深水", "一站", "取笑", "燃起", "腔调", "重物", "开馆", "副手", "宝洁", "房客",
    "专修", "人证", "车尾", "经度", "机修",
)

_HAN = re.compile(r"[\u4e00-\u9fff]")
# Function characters are typed far too often to be anybody's typo; a window whose
# differing character is one of them is ordinary grammar ("的水管", "需要提前").
_FUNCTION_CHARS = frozenset("的地得了着过是不没么什要会能和就都也还把被给让这那个我你他她它们吗呢吧啊呀说有在")


_FUZZY_INITIAL = re.compile(r"^(z|c|s)h")
_FUZZY_FINAL = re.compile(r"(an|en|in)g$")


def fuzzy(syllable: str) -> str:
    """Merge the sounds that southern speakers (and their input methods) confuse."""
    return _FUZZY_FINAL.sub(r"\1", _FUZZY_INITIAL.sub(r"\1", syllable))


@lru_cache(maxsize=8192)
def _readings(ch: str) -> tuple[str, ...]:
    raw = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
    return tuple(dict.fromkeys(fuzzy(r) for r in raw))


class HomophoneFixer:
    def __init__(self, words: Iterable[str] = DOMAIN_WORDS, keep: Iterable[str] = REAL_WORDS) -> None:
        self.words: set[str] = set()
        self._by_sound: dict[tuple[str, ...], str] = {}
        self.add(words)
        # kept as typed (an exact word wins over a guessed one), never a target
        self.words.update(w for w in keep if 2 <= len(w) <= 4)
        self._lengths = sorted({len(k) for k in self._by_sound} | {len(w) for w in self.words}, reverse=True)

    def add(self, words: Iterable[str]) -> None:
        for w in words:
            if not (2 <= len(w) <= 4) or not all(_HAN.match(c) for c in w):
                continue
            self.words.add(w)
            # a sound shared by two domain words is ambiguous: keep neither
            key = tuple(fuzzy(p) for p in lazy_pinyin(w, style=Style.NORMAL))
            if key in self._by_sound and self._by_sound[key] != w:
                self._by_sound[key] = ""
            else:
                self._by_sound[key] = w
        self._lengths = sorted({len(k) for k in self._by_sound}, reverse=True)

    def fix(self, text: str) -> str:
        if not text:
            return text
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            replaced = False
            for length in self._lengths:
                window = text[i : i + length]
                if len(window) < length or not all(_HAN.match(c) for c in window):
                    continue
                if window in self.words:
                    out.append(window)
                    i += length
                    replaced = True
                    break
                if self._overlaps_domain_word(text, i, length):
                    continue
                target = self._lookup(window)
                if target and not self._plausible_typo(window, target):
                    target = ""
                if target:
                    out.append(target)
                    i += length
                    replaced = True
                    break
            if not replaced:
                out.append(text[i])
                i += 1
        return "".join(out)

    def _overlaps_domain_word(self, text: str, start: int, length: int) -> bool:
        """A real domain word starting inside the window wins over a guessed one."""
        for j in range(start + 1, start + length):
            for size in self._lengths:
                if text[j : j + size] in self.words:
                    return True
        return False

    @staticmethod
    def _plausible_typo(window: str, target: str) -> bool:
        # One wrong character is a typo; two in a short window is another word.
        diff = [(a, b) for a, b in zip(window, target, strict=True) if a != b]
        if len(diff) > (2 if len(window) >= 4 else 1):
            return False
        return not any(a in _FUNCTION_CHARS for a, _ in diff)

    def _lookup(self, window: str) -> str:
        options = [_readings(c) for c in window]
        total = 1
        for o in options:
            total *= len(o)
        if total > MAX_HOMOPHONE_READINGS:
            return ""
        for combo in itertools.product(*options):
            hit = self._by_sound.get(combo)
            if hit:
                return hit
        return ""
