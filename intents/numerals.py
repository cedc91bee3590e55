"""Chinese numerals as residents write them in addresses and ratings."""

from __future__ import annotations

import re

DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "洞": 0, "一": 1, "幺": 1, "二": 2, "两": 2, "三": 3,
    "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    # the financial script (大写), as on receipts and in "贰星", "肆分"
    "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8, "玖": 9,
}
_POSITIONAL = {"拾": "十", "佰": "百", "仟": "千"}
NUMERAL_CHARS = "".join(DIGITS) + "十百千" + "".join(_POSITIONAL)
NUMERAL_RUN = re.compile(f"[{NUMERAL_CHARS}]+")


def chinese_to_int(s: str) -> int | None:
    """'十二' -> 12, '二十' -> 20, '一百零一' -> 101, '一千零二' -> 1002, and digit by
    digit '五零一' -> 501.

    Room numbers are read digit by digit (五零一) or spoken positionally (五百零一), counts
    and building numbers positionally (十二栋); the presence of 十/百/千 tells which.
    """
    if not s or any(c not in NUMERAL_CHARS for c in s):
        return None
    for financial, plain in _POSITIONAL.items():
        s = s.replace(financial, plain)
    if "十" not in s and "百" not in s and "千" not in s:
        return int("".join(str(DIGITS[c]) for c in s))
    total, current = 0, 0
    for c in s:
        if c == "千":
            total += (current or 1) * 1000
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = DIGITS[c]
    return total + current
