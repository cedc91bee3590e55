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
