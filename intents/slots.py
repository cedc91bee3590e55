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
# spaces or dashes and sometimes prefix +86 / 0086.
_PHONE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s-]*)?(1[3-9]\d(?:[\s-]?\d){8})(?![\d])")
# Grouped any other way ("13 800 001 111", "138.0000.1111") a number is read only where the
# message says it is a phone number: such groupings are also how addresses and amounts look.
_PHONE_LOOSE = re.compile(r"(?<!\d)(1(?:[\s.\-]{0,2}\d){10})(?!\d)")
_PHONE_CUE = re.compile(r"电话|手机|号码|联系|tel|phone|\+86|0086", re.IGNORECASE)
# A number spoken digit by digit, as voice input writes it ("幺三八零零…").
_SPOKEN_DIGITS = re.compile("[零〇○洞一幺二两三四五六七八九]{11}")
_TICKET = re.compile(r"(?<![A-Za-z])([A-Za-z]{2}\d{10})(?!\d)")

# --- addresses --------------------------------------------------------------------
# The grammar of a Chinese flat address: [期/区] building (号楼 栋 幢 座 #, a number or a
# letter) - unit (单元, or 门 right after a building) - [floor 楼/层] - room (3-4 digits,
# optionally 室 房 户 号), or the same as 3-2-501 / 3#2-501 / 3栋2-501. Each part may be
# written in Chinese numerals (三栋, 五零一, 五百零一) and the parts may come in any order
# or after the fault text; numbers after 楼上/对门/隔壁 are the neighbours', not the sender's.
_N = f"[{NUMERAL_CHARS}]"
_MARKER = r"号楼|栋|幢|座|单元|室|号|楼|层|房|户|门|期|区"
# Chinese numerals in an address position become digits: before a marker (十二栋,
# 二单元, 一千零二室, 七楼) or after one (单元五零一, 单元 六百零二).
_CN_BEFORE_MARKER = re.compile(f"({_N}+)(?=\\s*(?:{_MARKER}))")
_CN_AFTER_MARKER = re.compile(
    f"(?<=[栋幢座元楼层门#\\d])(\\s*)({_N}{{3,}}|{_N}*[百千]{_N}*)(?![{NUMERAL_CHARS}])"
)
_DASHES = re.compile(r"(?<=\d)\s*[—–－~～_]+\s*(?=\d)")

_DASHED3 = re.compile(r"(?<![A-Za-z0-9-])(\d{1,3})\s*(?:-|#|号楼|栋|幢|座)\s*(\d{1,2})\s*-\s*(\d{3,4})(?![\d-])")
_DASHED2 = re.compile(r"(?<![A-Za-z0-9-])(\d{1,2})\s*-\s*(\d{3,4})(?![\d-])")
_BUILDING = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]|\d{1,3})\s*"
    r"(?:号楼|号?栋|号?幢|号?座|#楼?|号(?=\s*\d{1,2}\s*(?:单元|门)))"
)
_UNIT = re.compile(r"(?<![\d-])(\d{1,2})\s*单元")
# 门 is a unit only right after a building ("5号楼3门"): 门口, 门禁 and 大门 are not.
_UNIT_DOOR = re.compile(r"[\s,，的]*(\d{1,2})\s*门(?![口禁卡铃锁窗框把牌面])")
_FLOOR = re.compile(r"(?<!\d)\d{1,2}\s*[楼层](?![上下道梯顶])")
# what a number is when a word follows it: a floor, a building, an amount, a count
_NOT_A_ROOM_AFTER = r"(?!\s*(?:[楼层](?![上下道梯顶里外])|[栋幢座块元年月日平米次分秒个人度]))"
_ROOM_AFTER = re.compile(r"[\s,，、的]*(?:\d{1,2}\s*[楼层][\s,，、的]*)?(\d{3,4})(?!\d)" + _NOT_A_ROOM_AFTER)
_ROOM_SUFFIX = re.compile(r"(?<![\d-])(\d{3,4})\s*(?:室|房|户|号(?!楼))")
_ROOM_BARE = re.compile(r"(?<![\d.:/-])(\d{3,4})(?![\d.:/-])" + _NOT_A_ROOM_AFTER)
# Whose number this is: a neighbour's ("楼上1502漏水", "对门602"), not the sender's.
_NEIGHBOUR = re.compile(r"(?:楼上|楼下|对门|隔壁|邻居|上面|下面|上边|下边|上层|下层)[是的家那户]*\s*$")


def _spoken_phone(text: str) -> str:
    """A mobile number spoken digit by digit, as digits; the rest of the text as it is."""
    def digits(m: re.Match[str]) -> str:
        value = "".join(str(chinese_to_int(c)) for c in m.group(0))
        return value if re.fullmatch(r"1[3-9]\d{9}", value) else m.group(0)

    return _SPOKEN_DIGITS.sub(digits, text)


def extract_phone(text: str) -> tuple[str | None, str]:
    """The first mobile number as 11 digits, and the text with it blanked out."""
    text = _spoken_phone(text)
    m = _PHONE.search(text)
    if not m and _PHONE_CUE.search(text):
        loose = _PHONE_LOOSE.search(text)
        if loose and re.fullmatch(r"1[3-9]\d{9}", re.sub(r"\D", "", loose.group(1))):
            m = loose
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
        return m.group(0) if value is None else m.group(1) + str(value)

    text = _DASHES.sub("-", text)
    text = _CN_BEFORE_MARKER.sub(before, text)
    text = _CN_AFTER_MARKER.sub(after, text)
    return text


def _room_ok(t: str, start: int) -> bool:
    return not _NEIGHBOUR.search(t[max(0, start - 6) : start])


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
    u = _UNIT.search(t)
    if u:
        found["unit"] = u.group(1)
    elif b:
        door = _UNIT_DOOR.match(t, b.end())
        if door:
            found["unit"] = door.group(1)
            u = door
    if b and not u:
        unit_room = re.compile(r"\s*(\d{1,2})\s*-\s*(\d{3,4})(?![\d-])").match(t, b.end())
        if unit_room:
            found.update(unit=unit_room.group(1), room=unit_room.group(2))
            return found
    # the room: right after the unit or the building, else one marked 室/房/户/号, else a
    # bare 3-4 digit number in a message that gave a building or unit
    for anchor in (u, b):
        if anchor is None:
            continue
        r = _ROOM_AFTER.match(t, anchor.end())
        if r and _room_ok(t, r.start(1)):
            found["room"] = r.group(1)
            break
    if found["room"] is None:
        for r in _ROOM_SUFFIX.finditer(t):
            if _room_ok(t, r.start()):
                found["room"] = r.group(1)
                break
    if found["room"] is None and (b or u):
        masked = t
        for part in (b, u):
            if part is not None:
                masked = masked[: part.start()] + " " * (part.end() - part.start()) + masked[part.end() :]
        masked = _FLOOR.sub(lambda f: " " * len(f.group(0)), masked)
        for r in _ROOM_BARE.finditer(masked):
            if _room_ok(masked, r.start()):
                found["room"] = r.group(1)
                break
    if found["building"] is None and found["unit"] is None:
        d = _DASHED2.search(t)
        if d:
            found.update(building=d.group(1), room=d.group(2))
    return found


# --- repair category, urgency, area, time ----------------------------------------
# Checked in order: the first category whose words appear wins, so the specific
# trades (gas, lifts, drains) come before the broad ones (water & power, doors).
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("燃气", ("燃气", "煤气", "天然气", "液化气", "漏气", "燃气灶", "灶台打不着", "热水器打不着", "点不着火",
             "打不着火", "燃气表", "灶具", "臭鸡蛋味")),
    ("电梯", ("电梯", "梯控", "轿厢", "扶梯")),
    ("管道疏通", ("堵", "下水道", "地漏", "反水", "返水", "返臭", "反味", "反臭", "冒臭水",
                 "下水慢", "排水慢", "通一下", "疏通", "化粪池", "下水管", "排水管", "污水", "积水")),
    ("公共照明", ("楼道灯", "路灯", "感应灯", "车库的灯", "车库灯", "庭院灯", "楼梯灯",
                 "走廊灯", "大堂灯")),
    ("公共设施", ("道闸", "秋千", "滑梯", "健身器材", "消防", "扶手", "减速带", "信报箱",
                 "外墙", "喷灌", "台阶", "路面", "围栏", "井盖", "门禁", "对讲", "人脸识别",
                 "监控", "座椅", "垃圾亭", "喷泉", "车库", "绿化带")),
    ("门窗", ("门", "窗", "锁", "合页", "把手", "玻璃", "纱窗", "晾衣架")),
    ("水电", ("水龙头", "水管", "漏水", "滴水", "渗水", "水箱", "马桶", "插座", "开关",
             "跳闸", "没电", "停电", "灯", "电路", "漏电", "浴霸", "排气扇", "热水器",
             "水压", "电线", "爆管", "爆了", "冒火花", "暖气", "地暖", "供暖", "采暖", "电表",
             "电闸", "电箱", "流水", "上水", "进水")),
)
_REPAIR_HINT = re.compile(
    # 掉 is a fault ("瓷砖掉了", "掉下来") but not as the result of a deliberate act
    # ("扔掉", "卖掉", "关掉") nor where something was dropped ("掉在/掉到/掉进…")
    r"坏|不亮|漏|堵|滴|渗|裂|断|松|(?<![扔丢卖删去拆换关甩处倒剪砍撕])掉(?![在到进])|"
    r"卡住|失灵|没反应|打不|点不|关不|开不|不开|刷不|转不|冒|爆|不动|不热|不暖|不冷|碎|破了|关在|出不来|"
    r"一直在?流|积水|返臭|反臭|"
    r"不出|没电|跳闸|闪|修|异响|怪声|黑屏|困|夹|"
    # a smell or a sight names the trade as much as a fault verb ("闻到煤气味" is 燃气)
    r"气味|[燃煤]气味|天然气味|味道|闻到|冒烟|打火|火花|反味|返味|异味|臭味|怪味"
)

URGENT = re.compile(
    r"燃气泄漏|燃气味|煤气味|漏气|燃气漏|天然气味|液化气味|臭鸡蛋味|泄漏|"
    r"困人|被困|困在|关在电梯|卡在电梯|电梯里出不来|"
    r"大量漏水|水管爆|爆管|爆了|水漫|淹了|到处都是水|止不住|"
    # 着火 is a fire, but "打不着火" is a stove that will not light
    r"起火|(?<![打点]不)着火|失火|冒烟|火花|烧起来|烧焦味|焦糊味|烧电线|电线烧|塑料烧|"
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
