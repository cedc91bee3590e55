"""Details read from resident messages: addresses in every spelling, phones, urgency."""

from __future__ import annotations

import pytest

from intents import extract_slots


@pytest.mark.parametrize(
    ("text", "building", "unit", "room"),
    [
        ("3栋2单元501 卫生间漏水", "3", "2", "501"),
        ("3号楼2单元501室厨房水管爆了", "3", "2", "501"),
        ("三栋二单元五零一 马桶堵了", "3", "2", "501"),
        ("报修 地址3-2-501 客厅灯不亮", "3", "2", "501"),
        ("3幢501 阳台门关不上", "3", None, "501"),
        ("B座1203 门禁刷不开", "B", None, "1203"),
        ("十二栋一单元一二零三 窗户把手坏了", "12", "1", "1203"),
        ("二十栋二单元二零零三 楼道堆满了杂物", "20", "2", "2003"),
        ("7幢二单元五〇二 防盗门锁坏了", "7", "2", "502"),
        ("7#602 插座没电", "7", None, "602"),
        ("住在二栋三零一 门锁坏了", "2", None, "301"),
        ("１２栋１２０３ 空调外机松了", "12", None, "1203"),
        ("11栋二单元 楼道灯不亮", "11", "2", None),
    ],
)
def test_address_spellings(text: str, building: str, unit: str | None, room: str | None) -> None:
    s = extract_slots(text)
    assert (s["building"], s["unit"], s["room"]) == (building, unit, room)


@pytest.mark.parametrize(
    "text",
    ["地下车库B区的灯坏了好几盏", "地下二层车位B-105旁边水管漏水", "电梯卡在15楼下不去", "工单号2023112001 处理到哪了"],
)
def test_no_address_where_none_is_given(text: str) -> None:
    s = extract_slots(text)
    assert (s["building"], s["unit"], s["room"]) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("电话13800001111", "13800001111"),
        ("联系电话138-0000-1111", "13800001111"),
        ("手机138 0000 1111", "13800001111"),
        ("联系电话：177-1234-5678", "17712345678"),
        ("手机+86 138 1111 3333", "13811113333"),
        ("工单号2023112001", None),
        ("电话12345", None),
    ],
)
def test_phone_normalised_to_eleven_digits(text: str, phone: str | None) -> None:
    assert extract_slots(text)["phone"] == phone


@pytest.mark.parametrize(
    ("text", "building", "unit", "room"),
    [
        # letters, # and dashes: 3#2-501, 3栋2-501, 15#楼, em dashes typed by an IME
        ("d座1808 门禁刷不开", "D", None, "1808"),
        ("3#2-501 卫生间顶上渗水", "3", "2", "501"),
        ("6栋2-1202 热水器坏了", "6", "2", "1202"),
        ("15#楼1单元1803 电梯按钮失灵", "15", "1", "1803"),
        ("13—2—1302 浴霸不亮", "13", "2", "1302"),
        # spoken numerals, positional and digit by digit, in both scripts
        ("我住五号楼三单元五百零一 厨房灯不亮了", "5", "3", "501"),
        ("十二幢一单元一千零二室 马桶一直在流水", "12", "1", "1002"),
        ("叁栋贰单元伍零壹 马桶漏水", "3", "2", "501"),
        ("物业你好 4号楼二单元 六百零二 暖气片漏水", "4", "2", "602"),
        # 门 as the unit, 期/区 before the building, 室/房/户/号 after the room
        ("三号楼二门四零二 暖气不热", "3", "2", "402"),
        ("二期7栋2单元1703户 门铃坏了", "7", "2", "1703"),
        ("A区3栋2单元402 灯坏了", "3", "2", "402"),
        # a floor between the unit and the room, or instead of a room
        ("8栋2单元5楼501 楼道灯坏了", "8", "2", "501"),
        ("老人一个人在家 2栋3单元一楼101 水管爆了", "2", "3", "101"),
        ("楼道灯不亮 就在我家门口 21栋2单元 七楼", "21", "2", None),
        # parts apart, out of order, after the fault text
        ("我是3栋的业主 2单元 401 家里有两个小孩 马桶堵了", "3", "2", "401"),
        ("2单元1203 卫生间漏水 楼号是8号楼", "8", "2", "1203"),
        ("阳台地漏往上冒水 我是9栋1单元302的", "9", "1", "302"),
        # two numbers: the neighbour's room, an amount, a year
        ("楼上1502漏水到我家 我是1402 14栋2单元", "14", "2", "1402"),
        ("5栋302 这个月交了350元物业费", "5", None, "302"),
        ("3栋2单元 2026年买的房", "3", "2", None),
    ],
)
def test_unusual_address_formats(text: str, building: str, unit: str | None, room: str | None) -> None:
    s = extract_slots(text)
    assert (s["building"], s["unit"], s["room"]) == (building, unit, room)


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("电话0086 13912340000", "13912340000"),
        ("电话：+86-186-0000-3333", "18600003333"),
        ("手机 13 800 001 111", "13800001111"),
        ("电话幺三八零零零零幺幺幺幺", "13800001111"),
        ("5栋1单元302 1380000 1111", "13800001111"),
        # grouped oddly without saying it is a phone: not read as one
        ("3栋 1 380 000 1111", None),
    ],
)
def test_phone_written_every_way(text: str, phone: str | None) -> None:
    assert extract_slots(text)["phone"] == phone


def test_phone_digits_do_not_leak_into_the_address() -> None:
    s = extract_slots("11-1-1101 卫生间顶上滴水 137 1111 2222")
    assert (s["building"], s["unit"], s["room"], s["phone"]) == ("11", "1", "1101", "13711112222")


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("厨房有煤气味 好像漏气了", True),
        ("电梯困人了 快来", True),
        ("水管爆了 水到处都是", True),
        ("插座冒火花了", True),
        ("客厅灯不亮", False),
    ],
)
def test_urgency(text: str, urgent: bool) -> None:
    assert extract_slots(text)["urgent"] is urgent


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("燃气灶打不着火", "燃气"),
        ("电梯按键失灵", "电梯"),
        ("厨房下水道堵了", "管道疏通"),
        ("楼道灯坏了", "公共照明"),
        ("窗户把手断了", "门窗"),
        ("水龙头一直滴水", "水电"),
        ("小区北门的道闸坏了", "公共设施"),
    ],
)
def test_repair_category(text: str, category: str) -> None:
    assert extract_slots(text)["category"] == category


def test_preferred_time_ticket_number_and_area() -> None:
    assert extract_slots("马桶堵了 明天上午来修")["preferred_time"] == "明天上午"
    assert extract_slots("下午3点后家里有人")["preferred_time"] == "下午3点后"
    assert extract_slots("工单BX2611220001进度怎么样")["ticket_no"] == "BX2611220001"
    assert extract_slots("电梯门关不上")["area"] == "common"
    assert extract_slots("厨房水管漏水")["area"] == "home"
    assert extract_slots("物业费怎么交")["area"] is None


# A symptom names the trade as much as a fault verb: what the resident sees, smells or feels.
@pytest.mark.parametrize(("text", "category", "urgent"), [
    ("暖气片不热", "水电", False),
    ("燃气灶点不着", "燃气", False),
    ("马桶一直在流水", "水电", False),
    ("下水道返臭", "管道疏通", False),
    ("一楼大厅的玻璃门碎了", "门窗", False),
    ("大门的门禁刷不开", "公共设施", False),
    ("地下车库积水很深", "管道疏通", False),
    ("家里闻到一股臭鸡蛋味", "燃气", True),  # the odorant added to town gas
    ("有人被关在电梯里", "电梯", True),
    ("闻着好像有烧电线的味道", "水电", True),
])
def test_a_symptom_names_the_trade(text: str, category: str, urgent: bool) -> None:
    slots = extract_slots(text)
    assert (slots["category"], slots["urgent"]) == (category, urgent)
