"""Details a message carries: address, phone, what broke, how urgent, when to come.

Every key is always present (None / False when the message does not say), so the
dialogue can ask for exactly what is missing.
"""

from __future__ import annotations

import re
from typing import Any

from intents.normalize import normalize_surface
from intents.numerals import NUMERAL_CHARS, chinese_to_int

SLOT_KEYS: tuple[str, ...] = (
    "building", "unit", "room", "phone", "category", "urgent", "preferred_time",
    "ticket_no", "area",
)

# --- phone and ticket numbers ---------------------------------------------------
# Mobile numbers are 11 digits starting 13-19; residents group them 3-4-4 with
# spaces or dashes and sometimes prefix +86.
_PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?![\d])")
_TICKET = re.compile(r"(?<![A-Za-z])([A-Za-z]{2}\d{10})(?!\d)")

# --- addresses --------------------------------------------------------------------
_N = f"[{NUMERAL_CHARS}]"
# Chinese numerals in an address position become digits: before a building/unit
# marker (十二栋, 二单元) or right after one (单元五零一).
_CN_BEFORE_MARKER = re.compile(f"({_N}+)(?=\\s*(?:号楼|栋|幢|座|单元|室|号))")
_CN_AFTER_MARKER = re.compile(f"(?<=[栋幢座元楼])(\\s*)({_N}{{3,4}})(?![{NUMERAL_CHARS}])")

_DASHED3 = re.compile(r"(?<![A-Za-z0-9-])(\d{1,3})\s*-\s*(\d{1,2})\s*-\s*(\d{3,4})(?![\d-])")
_DASHED2 = re.compile(r"(?<![A-Za-z0-9-])(\d{1,2})\s*-\s*(\d{3,4})(?![\d-])")
_BUILDING = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]|\d{1,3})\s*(?:号楼|栋|幢|座|#|号(?=\s*\d{1,2}\s*单元))"
)
_UNIT = re.compile(r"(?<!\d)(\d{1,2})\s*单元")
_ROOM_AFTER = re.compile(r"\s*(\d{3,4})(?:室|号|房)?(?!\d)")
_ROOM_SUFFIX = re.compile(r"(?<!\d)(\d{3,4})\s*室")

# --- repair category, urgency, area, time ----------------------------------------
# Checked in order: the first category whose words appear wins, so the specific
# trades (gas, lifts, drains) come before the broad ones (water & power, doors).
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("燃气", ("燃气", "煤气", "天然气", "漏气", "燃气灶", "灶台打不着", "热水器打不着")),
    ("电梯", ("电梯", "梯控", "轿厢")),
    ("管道疏通", ("堵", "下水道", "地漏", "反水", "返水", "返臭", "反味", "反臭", "冒臭水",
                 "下水慢", "排水慢", "通一下", "疏通", "化粪池")),
    ("公共照明", ("楼道灯", "路灯", "感应灯", "车库的灯", "车库灯", "庭院灯", "楼梯灯",
                 "走廊灯", "大堂灯")),
    ("公共设施", ("道闸", "秋千", "滑梯", "健身器材", "消防", "扶手", "减速带", "信报箱",
                 "外墙", "喷灌", "台阶", "路面", "围栏", "井盖", "门禁", "对讲", "人脸识别",
                 "监控", "座椅", "垃圾亭", "喷泉", "车库", "绿化带")),
    ("门窗", ("门", "窗", "锁", "合页", "把手", "玻璃", "纱窗", "晾衣架")),
    ("水电", ("水龙头", "水管", "漏水", "滴水", "渗水", "水箱", "马桶", "插座", "开关",
             "跳闸", "没电", "停电", "灯", "电路", "漏电", "浴霸", "排气扇", "热水器",
             "水压", "电线", "爆管", "爆了", "冒火花")),
)
_REPAIR_HINT = re.compile(
    # 掉 is a fault ("瓷砖掉了", "掉下来") but not as the result of a deliberate act
    # ("扔掉", "卖掉", "关掉") nor where something was dropped ("掉在/掉到/掉进…")
    r"坏|不亮|漏|堵|滴|渗|裂|断|松|(?<![扔丢卖删去拆换关甩处倒剪砍撕])掉(?![在到进])|"
    r"卡住|失灵|没反应|打不|关不|开不|转不|冒|爆|不动|"
    r"不出|没电|跳闸|闪|修|异响|怪声|黑屏|困|夹|"
    # a smell or a sight names the trade as much as a fault verb ("闻到煤气味" is 燃气)
    r"气味|[燃煤]气味|天然气味|味道|闻到|冒烟|打火|火花|反味|返味|异味|臭味|怪味"
)

URGENT = re.compile(
    r"燃气泄漏|燃气味|煤气味|漏气|燃气漏|天然气味|液化气味|臭鸡蛋味|泄漏|"
    r"困人|被困|困在|关在电梯|卡在电梯|电梯里出不来|"
    r"大量漏水|水管爆|爆管|爆了|水漫|淹了|到处都是水|止不住|"
    # 着火 is a fire, but "打不着火" is a stove that will not light
    r"起火|(?<![打点]不)着火|失火|冒烟|火花|烧起来|烧焦味|焦糊味|"
    r"触电|漏电|电到人"
)

COMMON_AREA = re.compile(
    r"电梯|楼道|楼梯|大门|单元门|车库|车位|大堂|路灯|小区|绿化|门口|道闸|广场|花园|"
    r"岗亭|垃圾|消防|外墙|屋顶|天台|走廊|过道|地下室|公共|门禁|信报箱|儿童|游乐|健身|喷泉"
)
HOME_AREA = re.compile(r"家里|我家|屋里|室内|厨房|卫生间|厕所|卧室|客厅|阳台|书房|浴室|户内")

_DAY = r"(?:今天|明天|后天|大后天|今晚|明早|明晚|这周[一二三四五六日天末]?|下周[一二三四五六日天]?|周[一二三四五六日天末]|星期[一二三四五六日天]|礼拜[一二三四五六日天])"
_PART = r"(?:上午|下午|中午|晚上|早上|傍晚|白天|夜里|凌晨)"
_CLOCK = r"(?:\d{1,2}|[一二三四五六七八九十两]{1,3})[点:：](?:半|\d{1,2}分?|[一二三四五]刻)?"
_REL = r"(?:以后|之后|后|以前|之前|前|左右|到\d{1,2}点|之间)"
PREFERRED_TIME = re.compile(
    f"(?:{_DAY}\\s*{_PART}?\\s*(?:{_CLOCK})?|{_PART}\\s*(?:{_CLOCK})?|{_CLOCK})\\s*{_REL}?"
)
_TIME_NOT_A_REQUEST = re.compile(r"几点|多少点")


def extract_phone(text: str) -> tuple[str | None, str]:
    """The first mobile number as 11 digits, and the text with it blanked out."""
    m = _PHONE.search(text)
    if not m:
        return None, text
    digits = re.sub(r"\D", "", m.group(1))
    return digits, text[: m.start()] + " " + text[m.end() :]


def _digitise_address(text: str) -> str:
    def before(m: re.Match[str]) -> str:
        value = chinese_to_int(m.group(1))
        return m.group(1) if value is None else str(value)

    def after(m: re.Match[str]) -> str:
        value = chinese_to_int(m.group(2))
        return m.group(0) if value is None else m.group(1) + "".join(
            str(chinese_to_int(c)) for c in m.group(2)
        )

    text = _CN_BEFORE_MARKER.sub(before, text)
    text = _CN_AFTER_MARKER.sub(after, text)
    return text


def extract_address(text: str) -> dict[str, str | None]:
    t = _digitise_address(text)
    found: dict[str, str | None] = {"building": None, "unit": None, "room": None}
    m = _DASHED3.search(t)
    if m:
        found.update(building=m.group(1), unit=m.group(2), room=m.group(3))
        return found
    b = _BUILDING.search(t)
    if b:
        found["building"] = b.group(1).upper()
    u = _UNIT.search(t, b.end() if b else 0)
    if u and (not b or not t[b.end() : u.start()].strip()):
        found["unit"] = u.group(1)
    anchor = u.end() if found["unit"] and u else (b.end() if b else None)
    if anchor is not None:
        r = _ROOM_AFTER.match(t, anchor)
        if r:
            found["room"] = r.group(1)
    if found["room"] is None:
        r2 = _ROOM_SUFFIX.search(t)
        if r2:
            found["room"] = r2.group(1)
    if found["building"] is None:
        d = _DASHED2.search(t)
        if d:
            found.update(building=d.group(1), room=d.group(2))
    return found


def repair_category(text: str) -> str | None:
    if not _REPAIR_HINT.search(text):
        return None
    for category, words in CATEGORY_WORDS:
        if any(w in text for w in words):
            return category
    return "其他"


def area(text: str, has_room: bool) -> str | None:
    if COMMON_AREA.search(text):
        return "common"
    if HOME_AREA.search(text) or has_room:
        return "home"
    return None


def preferred_time(text: str) -> str | None:
    if _TIME_NOT_A_REQUEST.search(text):
        return None
    for m in PREFERRED_TIME.finditer(text):
        span = m.group(0).strip()
        # a bare clock like "5点" counts, a bare number does not
        if span and re.search(r"[点:：天周期拜午晚早傍夜晨]", span):
            return span
    return None


def extract_slots(text: str) -> dict[str, Any]:
    t = normalize_surface(text)
    phone, rest = extract_phone(t)
    ticket = _TICKET.search(rest)
    ticket_no = ticket.group(1).upper() if ticket else None
    if ticket:
        rest = rest[: ticket.start()] + " " + rest[ticket.end() :]
    address = extract_address(rest)
    return {
        **address,
        "phone": phone,
        "category": repair_category(rest),
        "urgent": bool(URGENT.search(rest)),
        "preferred_time": preferred_time(rest),
        "ticket_no": ticket_no,
        "area": area(rest, address["room"] is not None),
    }
