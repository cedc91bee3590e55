"""FAQ import from the documents companies hand over, and the FAQ wuye ships."""

from __future__ import annotations

import csv
import io
import re
import string
from pathlib import Path

import pytest

from intents.faq import FaqEntry, FaqFormatError, default_faq, load_faq_toml
from storage.faq_import import faq_id, read_faq_file, split_text

DATA = Path(__file__).resolve().parent / "data" / "faq"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "001_60c7cc89d963a205.txt"
DEFAULT_TOML = Path(__file__).resolve().parents[1] / "intents" / "data" / "default_faq.toml"
PLACEHOLDERS = {"community", "hotline", "office_hours", "duty_phone", "office_location"}

# What page clutter of a web copy looks like; none of it may reach an entry.
CLUTTER = re.compile(r"第\s*\d+\s*页|页|下载|举报|上传|文库|copyright|展开阅读全文|\.docx", re.I)


def assert_clean(entries: list[FaqEntry]) -> None:
    for e in entries:
        for text in (e.question, e.answer):
            assert not CLUTTER.search(text), f"clutter in {e.id}: {CLUTTER.search(text)}"


# --------------------------------------------------------------------------- the seed document


@pytest.fixture(scope="module")
def seed_entries() -> list[FaqEntry]:
    if not SEED.is_file():
        pytest.skip(f"seed document not present: {SEED}")
    return read_faq_file(SEED)


def test_seed_document_yields_its_eight_questions(seed_entries: list[FaqEntry]) -> None:
    # The web copy keeps questions 一 … 八 of the 50; the text breaks off inside 八.
    starts = [
        "中国的物业管理经过多年发展",
        "物管企业由管理型转变为服务型企业后",
        "以业户为中心,以服务为导向,是服务经济时代的特征和要求。",
        "物管企业如何建立以服务为导向的企业组织架构?",
        "随着物业管理行业的不断发展",
        "企业的市场竞争是服务竞争。",
        "物管企业如何做到以业户为中心",
        "价值链管理是当今企业管理的发展方向之一",
    ]
    assert len(seed_entries) == len(starts)
    for entry, start in zip(seed_entries, starts, strict=True):
        assert entry.question.startswith(start), entry.question
        assert entry.question.endswith("?")
        assert entry.category == "其他"  # the document has no section headings
        assert entry.id.startswith("imp-")


def test_seed_questions_keep_their_follow_up_sentences(seed_entries: list[FaqEntry]) -> None:
    # The second sentence of a question sits in its own paragraph in the copy.
    assert seed_entries[0].question.endswith("在转变过程中物管企业的价值观念应发生哪些变化?")
    assert seed_entries[2].question.endswith(
        "物管企业如何推行服务导向战略?推行服务导向战略对企业和业户会产生什么影响?"
    )
    assert seed_entries[5].question.endswith("物管企业如何开展服务竞争?")
    # …and the follow-up is not repeated as the start of the answer.
    assert not seed_entries[0].answer.startswith("在转变过程中")


def test_seed_answers_keep_their_own_numbering(seed_entries: list[FaqEntry]) -> None:
    first = seed_entries[0].answer
    assert first.startswith("当前的物业管理是在旧体制经济的基础下发展起来的")
    assert "(一)过去政府主导的物业管理市场" in first
    assert "1.客户关系管理——业户至上观。" in first
    assert first.endswith("创造利润空间。")
    # The copy ends in the middle of "(一"; the fragment and the footer are gone.
    last = seed_entries[-1].answer
    assert last.endswith("物业服务价值链。")
    assert len(last.split("\n")) == 3


def test_seed_output_has_no_page_clutter(seed_entries: list[FaqEntry]) -> None:
    assert_clean(seed_entries)
    for e in seed_entries:
        assert "客户50问" not in e.question + e.answer


def test_seed_ids_are_stable(seed_entries: list[FaqEntry]) -> None:
    again = read_faq_file(SEED)
    assert [e.id for e in again] == [e.id for e in seed_entries]
    assert len({e.id for e in seed_entries}) == len(seed_entries)


# --------------------------------------------------------------------------- text and markdown


def test_numbered_document_with_sections_and_sub_numbering() -> None:
    entries = read_faq_file(DATA / "sections.txt")
    assert [(e.category, e.question) for e in entries] == [
        ("缴费", "物业费怎么交？"),
        ("缴费", "物业费可以开发票吗"),
        ("报修", "报修后多久有人上门？"),
        ("报修", "哪些维修要收费？"),
    ]
    # "1、在本公众号…" restarts the numbering but is an answer step, not a question.
    assert (
        entries[0].answer
        == "可以通过以下方式缴纳：\n1、在本公众号“生活缴费”里缴纳；\n2、到物业服务中心现场缴纳。"
    )
    assert entries[2].answer.endswith("（2）然后拨打值班电话。")
    assert_clean(entries)


def test_markdown_heading_questions() -> None:
    entries = read_faq_file(DATA / "faq_headings.md")
    assert [(e.category, e.question) for e in entries] == [
        ("停车", "停车月卡怎么办理？"),
        ("停车", "访客车辆能进小区吗"),
        ("宠物", "遛狗要牵绳吗？"),
    ]
    assert entries[0].answer == "请带行驶证和身份证到服务中心办理。\n办理后车牌自动录入道闸。"


def test_markdown_question_answer_pairs() -> None:
    entries = read_faq_file(DATA / "faq_qa.md")
    assert [(e.category, e.question, e.answer) for e in entries] == [
        ("门禁", "门禁卡丢了怎么办？", "带身份证到服务中心补办，旧卡会注销。"),
        ("门禁", "朋友来访怎么进门？", "在门岗登记，或在公众号生成访客码。\n访客码当天有效。"),
        ("快递", "快递柜在哪里？", "快递柜在南门和北门各有一组。"),
    ]


def test_other_numbering_styles() -> None:
    text = "第一问：物业费怎么交？\n在公众号缴纳。\n第二问：发票怎么开？\n在缴费记录里申请。\n"
    assert [e.question for e in split_text(text)] == ["物业费怎么交？", "发票怎么开？"]
    text = "（一）电梯困人怎么办？\n按警铃求助。\n1. 不要扒门。\n（二）电梯坏了找谁？\n在公众号报修。\n"
    entries = split_text(text)
    assert [e.question for e in entries] == ["电梯困人怎么办？", "电梯坏了找谁？"]
    assert entries[0].answer == "按警铃求助。\n1. 不要扒门。"


def test_sub_question_inside_an_answer_stays_there() -> None:
    # "1、…吗？" inside answer 2 is question-shaped, but its number goes backwards.
    text = (
        "1、怎么报修？\n在公众号发消息即可。\n"
        "2、报修后多久上门？\n一般30分钟内联系您。\n1、夜里报修有人管吗？\n有，24小时值班。\n"
        "3、维修收费吗？\n公共部位免费。\n"
    )
    entries = split_text(text)
    assert [e.question for e in entries] == ["怎么报修？", "报修后多久上门？", "维修收费吗？"]
    assert entries[1].answer == "一般30分钟内联系您。\n1、夜里报修有人管吗？\n有，24小时值班。"


def test_gb18030_text_file(tmp_path: Path) -> None:
    path = tmp_path / "faq.txt"
    path.write_bytes(
        "1、垃圾怎么分类？\n分为四类。\n2、大件垃圾怎么扔？\n先预约。\n".encode("gb18030")
    )
    assert [e.question for e in read_faq_file(path)] == ["垃圾怎么分类？", "大件垃圾怎么扔？"]


# --------------------------------------------------------------------------- tables

ROWS = [
    {
        "id": "fee-pay",
        "分类": "费用",
        "问题": "物业费怎么交？",
        "答案": "在公众号缴纳，或到服务中心现场缴纳。",
        "相似问法": "物业费在哪交|物业费咋交；手机能交物业费吗",
    },
    {
        "id": "",  # no id: one is derived from the question
        "分类": "",  # no category: 其他
        "问题": "报修后多久上门？",
        "答案": "30分钟内联系您。\n紧急情况24小时值班。",  # a multi-line cell
        "相似问法": "",
    },
]
EXPECTED = [
    FaqEntry(
        id="fee-pay",
        category="费用",
        question="物业费怎么交？",
        answer="在公众号缴纳，或到服务中心现场缴纳。",
        alternates=("物业费在哪交", "物业费咋交", "手机能交物业费吗"),
    ),
    FaqEntry(
        id=faq_id("报修后多久上门？"),
        category="其他",
        question="报修后多久上门？",
        answer="30分钟内联系您。\n紧急情况24小时值班。",
    ),
]


def csv_text(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_round_trip(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "faq.csv"
    path.write_bytes(csv_text(ROWS).encode(encoding))
    assert read_faq_file(path) == EXPECTED


def test_csv_english_header(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(
        "Question,Answer,Category\n怎么报修？,在公众号发消息。,报修\n", encoding="utf-8"
    )
    [entry] = read_faq_file(path)
    assert (entry.category, entry.question, entry.answer) == (
        "报修",
        "怎么报修？",
        "在公众号发消息。",
    )


def test_xlsx_round_trip_with_title_row(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["阳光花园常见问题"])  # a title row above the header, as spreadsheets have
    ws.append(list(ROWS[0]))
    for row in ROWS:
        ws.append(list(row.values()))
    wb.create_sheet("说明").append(["问题", "答案"])  # only the first sheet is read
    path = tmp_path / "faq.xlsx"
    wb.save(path)
    assert read_faq_file(path) == EXPECTED


def test_xlsx_error_names_the_row(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["问题", "答案"])
    ws.append(["物业费怎么交？", "在公众号缴纳。"])
    ws.append([])
    ws.append(["报修后多久上门？", None])
    path = tmp_path / "faq.xlsx"
    wb.save(path)
    with pytest.raises(FaqFormatError, match=r"faq\.xlsx row 4: answer is empty"):
        read_faq_file(path)


# --------------------------------------------------------------------------- docx


def _chinese_list_numbering(document) -> None:  # type: ignore[no-untyped-def]
    """Make the template's "List Number" style count 一、二、三、 as Chinese Word does."""
    from docx.oxml.ns import qn

    style = document.styles["List Number"]
    num_id = style.element.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == str(num_id))
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a
        for a in numbering.findall(qn("w:abstractNum"))
        if a.get(qn("w:abstractNumId")) == abstract_id
    )
    lvl = abstract.find(qn("w:lvl"))
    lvl.find(qn("w:numFmt")).set(qn("w:val"), "chineseCounting")
    lvl.find(qn("w:lvlText")).set(qn("w:val"), "%1、")


def test_docx_round_trip(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("阳光花园客户服务问答", style="Title")
    document.add_paragraph("第1页 / 共2页")  # clutter survives into Word copies too
    document.add_paragraph("1、物业费怎么交？")
    document.add_paragraph("可以通过两种方式：")
    document.add_paragraph("1、公众号缴纳；")
    document.add_paragraph("2、服务中心现场缴纳。")
    document.add_paragraph("2、报修后多久上门？")
    document.add_paragraph("30分钟内联系您。")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["分类", "问题", "答案"], strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ["电梯", "电梯困人怎么办？", "按警铃求助。"], strict=True
    ):
        cell.text = text
    path = tmp_path / "faq.docx"
    document.save(path)

    entries = read_faq_file(path)
    by_question = {e.question: e for e in entries}
    assert set(by_question) == {"物业费怎么交？", "报修后多久上门？", "电梯困人怎么办？"}
    assert (
        by_question["物业费怎么交？"].answer
        == "可以通过两种方式：\n1、公众号缴纳；\n2、服务中心现场缴纳。"
    )
    assert by_question["电梯困人怎么办？"].category == "电梯"
    assert_clean(entries)
    assert [e.id for e in read_faq_file(path)] == [e.id for e in entries]


def test_docx_word_numbering_and_headings(tmp_path: Path) -> None:
    # Questions numbered by Word itself (the "一、" is not in the text) under
    # Heading 1 sections; the answers' "（1）" points must stay in the answers.
    import docx

    document = docx.Document()
    _chinese_list_numbering(document)
    document.add_heading("门禁", level=1)
    document.add_paragraph("门禁卡丢了可以补办", style="List Number")
    document.add_paragraph("（1）带身份证到服务中心；")
    document.add_paragraph("（2）旧卡当场注销。")
    document.add_paragraph("访客怎么进小区", style="List Number")
    document.add_paragraph("在门岗登记。")
    document.add_heading("停车", level=1)
    document.add_paragraph("停车月卡多少钱", style="List Number")
    document.add_paragraph("以岗亭公示为准。")
    path = tmp_path / "numbered.docx"
    document.save(path)

    entries = read_faq_file(path)
    assert [(e.category, e.question) for e in entries] == [
        ("门禁", "门禁卡丢了可以补办"),
        ("门禁", "访客怎么进小区"),
        ("停车", "停车月卡多少钱"),
    ]
    assert entries[0].answer == "（1）带身份证到服务中心；\n（2）旧卡当场注销。"


# --------------------------------------------------------------------------- ids


def test_ids_depend_on_the_words_not_the_punctuation() -> None:
    assert faq_id("物业费怎么交？") == faq_id("物业费 怎么交?")
    assert faq_id("物业费怎么交？") != faq_id("停车费怎么交？")
    assert re.fullmatch(r"imp-[0-9a-f]{10}", faq_id("物业费怎么交？"))


def test_toml_read_through_the_dispatcher() -> None:
    entries = read_faq_file(DEFAULT_TOML)
    assert entries == load_faq_toml(DEFAULT_TOML)


# --------------------------------------------------------------------------- malformed input


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_empty_answer.csv", r"bad_empty_answer\.csv line 4: answer is empty"),
        (
            "bad_no_question.csv",
            r"bad_no_question\.csv line 1: no question column \(expected one of 问题, question\)",
        ),
        ("bad_extra_field.csv", r"bad_extra_field\.csv line 2: 3 fields but the header has 2"),
        ("bad_qa.txt", r"bad_qa\.txt line 2: answer without a question"),
        ("bad_missing_answer.txt", r"bad_missing_answer\.txt line 3: answer is empty"),
    ],
)
def test_malformed_files_name_the_line(name: str, message: str) -> None:
    with pytest.raises(FaqFormatError, match=message):
        read_faq_file(DATA / name)


def test_csv_error_line_counts_multiline_records(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text('问题,答案\n怎么报修？,"第一行\n第二行"\n怎么交费？,\n', encoding="utf-8")
    with pytest.raises(FaqFormatError, match=r"faq\.csv line 4: answer is empty"):
        read_faq_file(path)


def test_unsupported_empty_and_broken_files(tmp_path: Path) -> None:
    doc = tmp_path / "faq.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(FaqFormatError, match=r"\.toml, \.csv, \.xlsx, \.docx, \.txt, \.md"):
        read_faq_file(doc)
    empty = tmp_path / "empty.txt"
    empty.write_text("第1页 / 共1页\n下载 举报\n这里只是一段说明文字。\n", encoding="utf-8")
    with pytest.raises(FaqFormatError, match="no questions found"):
        read_faq_file(empty)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(FaqFormatError, match=r"broken\.docx"):
        read_faq_file(broken)
    dup = tmp_path / "dup.txt"
    dup.write_text("1、怎么报修？\n发消息。\n2、怎么报修?\n打电话。\n", encoding="utf-8")
    with pytest.raises(FaqFormatError, match=r"dup\.txt line 3: question repeats line 1"):
        read_faq_file(dup)


# --------------------------------------------------------------------------- the shipped FAQ


def test_default_faq_is_complete() -> None:
    entries = default_faq()
    assert entries == load_faq_toml(DEFAULT_TOML)
    assert len(entries) >= 55
    assert len({e.id for e in entries}) == len(entries)
    assert len({e.question for e in entries}) == len(entries)
    categories = {e.category for e in entries}
    for needed in ("费用", "报修", "停车", "门禁", "装修", "快递", "宠物", "垃圾分类", "投诉建议"):
        assert needed in categories
    for e in entries:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", e.id), e.id
        assert len(e.alternates) >= 3, e.id
        assert len(set(e.alternates)) == len(e.alternates), e.id
        assert e.question not in e.alternates, e.id


def test_default_faq_placeholders_are_only_the_allowed_ones() -> None:
    config = {name: f"<{name}>" for name in PLACEHOLDERS}
    used: set[str] = set()
    for e in default_faq():
        for text in (e.question, e.answer, *e.alternates):
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            assert fields <= PLACEHOLDERS, (e.id, fields - PLACEHOLDERS)
            used |= fields
            rendered = text.format_map(config)  # what the renderer will do
            assert "{" not in rendered and "}" not in rendered, e.id
    assert used == PLACEHOLDERS  # each one is actually put to use
