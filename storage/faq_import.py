"""Read a company's FAQ from the documents companies actually have.

`read_faq_file(path)` dispatches on the extension: .toml (the project's own format),
.csv / .xlsx (a table with question and answer columns), .docx, .txt and .md (free
documents, cut into questions by `split_document`).

The documents a property company hands over are rarely clean: a "客户50问" Word file
copied from a document-sharing site arrives with upload notices, "第3页 / 共69页"
markers and site footers between the paragraphs, and its answers carry their own
sub-numbering ("(一)", "1.") that must not be mistaken for new questions. The splitter
therefore decides from the document's structure which numbering style marks the
questions (the one whose items read as questions), and drops known page clutter.

Ids of imported entries are derived from the normalised question text, so importing
the same file twice yields the same ids and the importer can update instead of
duplicating. Everything here is pure: no database, no printing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from intents.faq import FaqEntry, FaqFormatError, parse_faq_toml

SUPPORTED_EXTENSIONS = (".toml", ".csv", ".xlsx", ".docx", ".txt", ".md")
DEFAULT_CATEGORY = "其他"


class DocLine(NamedTuple):
    """One paragraph of a free document, with where it came from for error messages."""

    no: int  # 1-based line (text) or paragraph (docx) number
    text: str
    heading: int = 0  # markdown / Word heading level; 0 for body text


# --------------------------------------------------------------------------- dispatch


def read_faq_file(path: str | Path) -> list[FaqEntry]:
    """Read a FAQ file of any supported format; raise FaqFormatError on bad input."""
    p = Path(path)
    ext = p.suffix.lower()
    readers: dict[str, Callable[[Path], list[FaqEntry]]] = {
        ".toml": read_faq_toml,
        ".csv": read_faq_csv,
        ".xlsx": read_faq_xlsx,
        ".docx": read_faq_docx,
        ".txt": read_faq_text,
        ".md": read_faq_text,
    }
    reader = readers.get(ext)
    if reader is None:
        # Old binary Office formats are what people most often try; say what to do.
        hint = {".doc": " (save it as .docx)", ".xls": " (save it as .xlsx)"}.get(ext, "")
        raise FaqFormatError(
            f"{p}: unsupported file type '{ext or p.name}'{hint}; "
            f"supported: {', '.join(SUPPORTED_EXTENSIONS)}"
        )
    if not p.is_file():
        raise FaqFormatError(f"{p}: no such file")
    entries = reader(p)
    if not entries:
        raise FaqFormatError(f"{p}: no questions found")
    return entries


def read_faq_toml(path: Path) -> list[FaqEntry]:
    return parse_faq_toml(_decode(path.read_bytes(), str(path)), source=str(path))


# --------------------------------------------------------------------------- tables

_QUESTION_COLS = ("问题", "question", "标准问题", "标准问", "问", "提问", "q")
_ANSWER_COLS = ("答案", "answer", "回答", "答", "答复", "回复", "解答", "a")
_ID_COLS = ("id", "faq_id")  # not 序号/编号: those are row counters that collide across files
_CATEGORY_COLS = ("category", "分类", "类别", "类型", "类目")
_ALTERNATE_COLS = (
    "alternates",
    "alternatives",
    "相似问法",
    "相似问题",
    "相似问",
    "同义问法",
    "其他问法",
)
_ALTERNATE_SPLIT = re.compile(r"\s*[|｜；;\n]+\s*")


def _header_key(cell: str) -> str:
    # "问题（必填）", " Question ", "答案：" all name the same column.
    key = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip().lower()
    key = re.sub(r"\(.*\)$", "", key).strip().rstrip(":")
    return key.replace(" ", "")


def _find_column(header: list[str], names: Sequence[str]) -> int | None:
    keys = [_header_key(c) for c in header]
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def _entries_from_table(
    rows: Iterable[tuple[str, list[str]]], source: str, strict_width: bool = False
) -> list[FaqEntry]:
    """Rows as (location, cells), header first; location reads like "line 7" or "row 7".

    The header is the first non-empty row that has a question column, searched in
    the first few rows because spreadsheets often carry a title row above it.
    strict_width: a CSV row longer than its header almost always means an unquoted
    comma inside an answer, which would silently shift the columns, so it is refused.
    """
    it = iter(rows)
    header: list[str] | None = None
    first_loc = ""
    seen_rows = 0
    for loc, cells in it:
        if not any(c.strip() for c in cells):
            continue
        first_loc = first_loc or loc
        seen_rows += 1
        if _find_column(cells, _QUESTION_COLS) is not None:
            header, header_loc = cells, loc
            break
        if seen_rows >= 5:
            break
    if header is None:
        if not first_loc:
            return []
        raise FaqFormatError(
            f"{source} {first_loc}: no question column (expected one of 问题, question)"
        )
    q_col = _find_column(header, _QUESTION_COLS)
    a_col = _find_column(header, _ANSWER_COLS)
    if a_col is None:
        raise FaqFormatError(
            f"{source} {header_loc}: no answer column (expected one of 答案, answer)"
        )
    id_col = _find_column(header, _ID_COLS)
    cat_col = _find_column(header, _CATEGORY_COLS)
    alt_col = _find_column(header, _ALTERNATE_COLS)
    width = len(header)

    def cell(cells: list[str], col: int | None) -> str:
        return cells[col].strip() if col is not None and col < len(cells) else ""

    entries: list[FaqEntry] = []
    first_seen: dict[str, str] = {}
    for loc, cells in it:
        if not any(c.strip() for c in cells):
            continue
        if strict_width and any(c.strip() for c in cells[width:]):
            raise FaqFormatError(
                f"{source} {loc}: {len(cells)} fields but the header has {width} "
                "(quote fields that contain commas)"
            )
        question, answer = cell(cells, q_col), cell(cells, a_col)
        if not question:
            raise FaqFormatError(f"{source} {loc}: question is empty")
        if not answer:
            raise FaqFormatError(f"{source} {loc}: answer is empty")
        fid = cell(cells, id_col) or faq_id(question)
        if fid in first_seen:
            raise FaqFormatError(
                f"{source} {loc}: id '{fid}' repeats {first_seen[fid]} (same question twice?)"
            )
        first_seen[fid] = loc
        alternates = tuple(a for a in _ALTERNATE_SPLIT.split(cell(cells, alt_col)) if a)
        entries.append(
            FaqEntry(
                id=fid,
                category=cell(cells, cat_col) or DEFAULT_CATEGORY,
                question=question,
                answer=answer,
                alternates=alternates,
            )
        )
    return entries


def read_faq_csv(path: Path) -> list[FaqEntry]:
    text = _decode(path.read_bytes(), str(path))
    first = text.split("\n", 1)[0]
    # Excel's "Unicode text" export and some tools write tabs instead of commas.
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterable[tuple[str, list[str]]]:
        start = 1
        try:
            for cells in reader:
                # reader.line_num is the line a record *ends* on; report where it starts.
                yield f"line {start}", cells
                start = reader.line_num + 1
        except csv.Error as exc:
            raise FaqFormatError(f"{path} line {start}: {exc}") from exc

    return _entries_from_table(rows(), str(path), strict_width=True)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a numeric id typed into Excel comes back as 12.0
    return str(value).strip()


def read_faq_xlsx(path: Path) -> list[FaqEntry]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # Not read_only: FAQ sheets are small, and full mode reports empty rows too,
        # so the row numbers in errors match what Excel shows.
        wb = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FaqFormatError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        ws = wb.worksheets[0]  # the first sheet, not whichever was active when saved
        rows = (
            (f"row {n}", [_cell_text(v) for v in values])
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1)
        )
        return _entries_from_table(rows, str(path))
    finally:
        wb.close()


# --------------------------------------------------------------------------- docx


def read_faq_docx(path: Path) -> list[FaqEntry]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FaqFormatError(f"{path}: not a readable .docx document ({exc})") from exc

    marker = _docx_numbering(document)
    lines: list[DocLine] = []
    table_entries: list[FaqEntry] = []
    paragraph_no = 0
    table_no = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            table_no += 1
            cells = [[c.text.strip() for c in row.cells] for row in block.rows]
            if cells and _find_column(cells[0], _QUESTION_COLS) is not None:
                rows = [(f"table {table_no} row {n}", r) for n, r in enumerate(cells, start=1)]
                table_entries += _entries_from_table(rows, str(path))
            else:
                # A layout table: its text belongs to the running document.
                for r in cells:
                    for text in dict.fromkeys(c for c in r if c):  # merged cells repeat
                        lines.append(DocLine(paragraph_no, text))
            continue
        paragraph_no += 1
        style = block.style.name if block.style is not None else ""
        if style == "Title":
            continue  # the document's title is never a question or a section
        m = re.search(r"(?:heading|标题)\s*(\d)", style, re.IGNORECASE)
        level = int(m.group(1)) if m else 0
        prefix = marker(block)
        # Soft line breaks (Shift+Enter) make one paragraph of several lines.
        for part in block.text.split("\n"):
            if part.strip():
                lines.append(DocLine(paragraph_no, prefix + part, level))
                prefix = ""

    entries = table_entries + _split(lines, str(path), "paragraph")
    _check_unique(entries, str(path))
    return entries


def _docx_numbering(document: Any) -> Callable[[Any], str]:
    """Word's automatic list numbering is not part of paragraph.text; rebuild it.

    Companies type "一、" by hand as often as they let Word number the list, and the
    splitter needs the marker either way. Counters run per list (numId) and level,
    deeper levels restart when a shallower one advances, as Word renders them.
    """
    from docx.oxml.ns import qn

    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return lambda _p: ""
    levels: dict[str, dict[int, tuple[str, str, int]]] = {}
    for an in root.findall(qn("w:abstractNum")):
        lv: dict[int, tuple[str, str, int]] = {}
        for lvl in an.findall(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            text = lvl.find(qn("w:lvlText"))
            start = lvl.find(qn("w:start"))
            lv[int(lvl.get(qn("w:ilvl"), "0"))] = (
                fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
                text.get(qn("w:val"), "") if text is not None else "",
                int(start.get(qn("w:val"), "1")) if start is not None else 1,
            )
        levels[an.get(qn("w:abstractNumId"), "")] = lv
    num_to_abstract: dict[str, str] = {}
    for num in root.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is not None:
            num_to_abstract[num.get(qn("w:numId"), "")] = ref.get(qn("w:val"), "")
    counters: dict[str, dict[int, int]] = {}

    def num_pr(paragraph: Any) -> Any:
        ppr = paragraph._p.pPr
        if ppr is not None and ppr.numPr is not None:
            return ppr.numPr
        style = paragraph.style  # "List Number" and friends number through the style
        while style is not None:
            sppr = style.element.pPr
            if sppr is not None and sppr.numPr is not None:
                return sppr.numPr
            style = style.base_style
        return None

    def marker(paragraph: Any) -> str:
        pr = num_pr(paragraph)
        if pr is None or pr.numId is None:
            return ""
        num_id = str(pr.numId.val)
        ilvl = int(pr.ilvl.val) if pr.ilvl is not None else 0
        lv = levels.get(num_to_abstract.get(num_id, ""), {})
        if num_id == "0" or ilvl not in lv:
            return ""
        count = counters.setdefault(num_id, {})
        count[ilvl] = count.get(ilvl, lv[ilvl][2] - 1) + 1
        for deeper in [k for k in count if k > ilvl]:
            del count[deeper]
        fmt, text, _ = lv[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            k_fmt, _, k_start = lv.get(k, ("decimal", "", 1))
            return _format_number(count.get(k, k_start), k_fmt)

        return re.sub(r"%(\d)", render, text)

    return marker


_CN_DIGITS = "零一二三四五六七八九"


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith("chinese") or fmt in (
        "ideographDigital",
        "japaneseCounting",
        "taiwaneseCounting",
    ):
        return _int_to_cn(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


def _int_to_cn(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def _cn_to_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate(_CN_DIGITS)} | {"〇": 0, "两": 2}
    total = current = 0
    for ch in s:
        if ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            current = digits.get(ch, 0)
    return total + current


# --------------------------------------------------------------------------- text / markdown


def read_faq_text(path: Path) -> list[FaqEntry]:
    """A .txt or .md file; markdown headings and pipe tables are understood in .md."""
    text = _decode(path.read_bytes(), str(path))
    source = str(path)
    if path.suffix.lower() != ".md":
        lines = [DocLine(n, t) for n, t in enumerate(text.splitlines(), start=1)]
        entries = _split(lines, source, "line")
        _check_unique(entries, source)
        return entries

    lines = []
    table: list[tuple[str, list[str]]] = []
    table_entries: list[FaqEntry] = []
    in_code = False

    def flush_table() -> None:
        nonlocal table
        if table and _find_column(table[0][1], _QUESTION_COLS) is not None:
            table_entries.extend(_entries_from_table(table, source))
        else:  # a pipe table that is not a FAQ table is just text
            lines.extend(
                DocLine(int(loc.split()[1]), " ".join(c for c in cells if c))
                for loc, cells in table
            )
        table = []

    for n, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        if stripped.startswith("|") and not in_code:
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells):  # |---|---| separator
                table.append((f"line {n}", cells))
            continue
        flush_table()
        m = re.match(r"(#{1,6})\s+(.*?)\s*#*$", stripped)
        level, body = (len(m.group(1)), m.group(2)) if m else (0, stripped)
        body = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", body)  # [text](url) -> text
        bold = re.fullmatch(r"(\*\*|__)(.+?)\1[:：]?", body)
        if bold and not level:
            level, body = 7, bold.group(2)  # a bold-only line acts as a low heading
        body = body.replace("**", "").replace("__", "")
        lines.append(DocLine(n, body, level))
    flush_table()
    entries = table_entries + _split(lines, source, "line")
    _check_unique(entries, source)
    return entries


def _decode(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 as Chinese Excel writes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FaqFormatError(f"{source} line {line}: neither UTF-8 nor GB18030 text") from exc


# --------------------------------------------------------------------------- ids


def faq_id(question: str) -> str:
    """Stable id of an imported question: same words, same id, whatever the punctuation."""
    norm = unicodedata.normalize("NFKC", question).lower()
    norm = "".join(ch for ch in norm if unicodedata.category(ch)[0] in "LN")
    return "imp-" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:10]


def _check_unique(entries: list[FaqEntry], source: str) -> None:
    # Table and text parts of one document are split separately; one id twice would
    # make the second silently overwrite the first on import.
    counts = Counter(e.id for e in entries)
    dup = next((e for e in entries if counts[e.id] > 1), None)
    if dup is not None:
        raise FaqFormatError(
            f"{source}: question '{dup.question[:30]}' appears twice (id {dup.id})"
        )


# --------------------------------------------------------------------------- the splitter

# Page clutter of web copies (冰点文库, 原创力文档, 道客巴巴 ...) and of printed pages.
_CLUTTER_FULL = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\S{0,60}\.(?:docx?|pdf|pptx?|xlsx?|wps|txt)(?:\s*_?第\s*\d+\s*页)?",  # "客户50问.docx_第1页"
        r"第\s*\d+\s*页\s*(?:[/／]\s*共\s*\d+\s*页)?",  # "第1页 / 共69页"
        r"(?:page\s*)?\d+\s*(?:/|／|of)\s*\d+",  # "3/69", "Page 3 of 69"
        r"[-—–·\s]*\d{1,4}[-—–·\s]*",  # a bare page number "- 3 -"
        r"共\s*\d+\s*页",
    )
]
_CLUTTER_SEARCH = re.compile(
    r"上传人[:：]|文档编号[:：]|上传时间[:：]|免费预览|由会员分享|文库上搜索|版权所有|copyright|"
    r"ICP备|^当前位置[:：]|侵权必究|版权申诉|举报电话|二次下载|文档贡献者|下载本文档|"
    r"如果喜欢就下载|本文档共\s*\d+\s*页|原创力文档",
    re.IGNORECASE,
)
# Lines made only of these words are site navigation ("下载 相关 举报").
_CLUTTER_WORDS = frozenset(
    [
        "下载",
        "相关",
        "举报",
        "收藏",
        "分享",
        "打印",
        "下载资源",
        "资源描述",
        "展开阅读全文",
        "阅读全文",
        "相关资源",
        "猜你喜欢",
        "相关搜索",
        "资源标签",
        "加入收藏",
        "合集下载",
        "立即下载",
        "免费下载",
        "全文预览",
        "在线阅读",
        "下载文档",
        "文档下载",
        "点击下载",
        "收起",
        "展开",
        "评论",
        "点赞",
        "关注",
        "复制",
        "纠错",
    ]
)


def _is_clutter(text: str) -> bool:
    if any(p.fullmatch(text) for p in _CLUTTER_FULL) or _CLUTTER_SEARCH.search(text):
        return True
    words = [w for w in re.split(r"[\s|｜·/／>]+", text) if w]
    return bool(words) and all(w in _CLUTTER_WORDS for w in words)


# Numbering styles, outermost first; the rank only breaks ties between styles.
_CN_NUM = "一二三四五六七八九十百零〇两"
_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("第N问", re.compile(rf"第\s*([{_CN_NUM}\d]+)\s*[问题条]\s*[、.．:：,，]?\s*")),
    ("一、", re.compile(rf"([{_CN_NUM}]+)\s*[、.．]\s*")),
    ("(一)", re.compile(rf"[（(]\s*([{_CN_NUM}]+)\s*[)）]\s*[、.．]?\s*")),
    ("1、", re.compile(r"(\d{1,3})\s*、\s*")),
    ("1.", re.compile(r"(\d{1,3})\s*[.．](?!\d)\s*")),
    ("(1)", re.compile(r"[（(]\s*(\d{1,3})\s*[)）]\s*")),
    ("1)", re.compile(r"(\d{1,3})\s*[)）]\s*")),
    ("①", re.compile(r"([\u2460-\u2473])\s*")),
    ("a)", re.compile(r"([a-zA-Z])\s*[)）]\s*")),
]
_RANK = {name: i for i, (name, _) in enumerate(_STYLES)}


class _Marker(NamedTuple):
    style: str
    number: int
    rest: str


def _marker(text: str) -> _Marker | None:
    for name, pattern in _STYLES:
        m = pattern.match(text)
        if m:
            raw = m.group(1)
            if name == "①":
                number = ord(raw) - 0x2460 + 1
            elif name == "a)":
                number = ord(raw.lower()) - ord("a") + 1
            else:
                number = _cn_to_int(raw)
            return _Marker(name, number, text[m.end() :].strip())
    return None


def _strip_marker(text: str) -> str:
    m = _marker(text)
    return m.rest if m and m.rest else text


_QUESTION_WORDS = re.compile(
    r"如何|怎么|怎样|咋|什么|哪些|哪里|哪儿|哪个|为什么|为何|是否|能否|可否|能不能|可不可以|"
    r"会不会|有没有|要不要|多少|多久|几点|吗|呢$"
)
_TRAILING = " \t\"'”’)）」』】"


def _ends_with_qmark(text: str) -> bool:
    return text.rstrip(_TRAILING).endswith(("?", "？"))


def _is_question(text: str) -> bool:
    """Question-shaped: ends in ？, or a short line asking with a question word."""
    if _ends_with_qmark(text):
        return True
    t = text.rstrip(_TRAILING)
    return (
        len(t) <= 40
        and not t.endswith(("。", "！", "!", "；", ";"))
        and bool(_QUESTION_WORDS.search(t))
    )


def _clean_category(text: str) -> str:
    t = _strip_marker(text).strip().rstrip(":：").strip()
    for suffix in ("类常见问题", "常见问题", "类问题", "相关问题", "问题", "篇", "类"):
        if t.endswith(suffix) and len(t) - len(suffix) >= 2:
            t = t[: -len(suffix)]
            break
    return t or DEFAULT_CATEGORY


@dataclass
class _Draft:
    no: int
    category: str
    question: list[str]
    answer: list[str] = field(default_factory=list)


def _join_question(parts: list[str]) -> str:
    out = ""
    for p in parts:
        # Chinese runs together; a space only between two Latin words.
        sep = " " if out and out[-1].isascii() and out[-1].isalnum() and p[:1].isascii() else ""
        out += sep + p
    return out.strip()


def split_document(lines: Sequence[DocLine], source: str, unit: str = "line") -> list[FaqEntry]:
    """Cut a free document into FAQ entries; raise FaqFormatError if there are none."""
    entries = _split(lines, source, unit)
    if not entries:
        raise FaqFormatError(f"{source}: no questions found")
    return entries


def split_text(text: str, source: str = "<text>") -> list[FaqEntry]:
    """`split_document` for a plain string, one line per paragraph."""
    return split_document([DocLine(n, t) for n, t in enumerate(text.splitlines(), start=1)], source)


_Q_MARK = re.compile(
    r"(?:[-*+]\s*)?(?:\d{1,3}\s*[、.．]\s*)?(?:Q|问题|问)\s*\d{0,3}\s*[:：]\s*", re.IGNORECASE
)
_A_MARK = re.compile(r"(?:[-*+]\s*)?(?:A|答案|答复|回答|答)\s*\d{0,3}\s*[:：]\s*", re.IGNORECASE)


def _split(lines: Sequence[DocLine], source: str, unit: str) -> list[FaqEntry]:
    body: list[DocLine] = []
    for line in lines:
        text = re.sub(r"[\s\u3000\xa0]+", " ", line.text).strip()
        if not text or _is_clutter(text):
            continue
        m = _marker(text)
        if (m and not m.rest) or re.fullmatch(rf"[（(]\s*[{_CN_NUM}\d]*", text):
            continue  # a bare or cut-off number ("(一" where the page copy ends)
        body.append(line._replace(text=text))

    # Headings that name sections (not questions) become categories, but only at a
    # level used more than once: a lone "# 阳光小区常见问题" is the document's title.
    level_counts = Counter(ln.heading for ln in body if ln.heading and not _is_question(ln.text))
    category_levels = {lvl for lvl, c in level_counts.items() if c >= 2}

    if any(_Q_MARK.match(ln.text) for ln in body) and any(_A_MARK.match(ln.text) for ln in body):
        drafts = _split_qa(body, category_levels, source, unit)
    elif any(ln.heading and _is_question(ln.text) for ln in body):
        drafts = _split_headings(body, category_levels)
    else:
        drafts = _split_numbered(body, category_levels)
    return _finish(drafts, source, unit)


def _split_qa(
    body: list[DocLine], category_levels: set[int], source: str, unit: str
) -> list[_Draft]:
    """问：… 答：… (or Q:/A:) pairs; text after 问 up to 答 belongs to the question."""
    drafts: list[_Draft] = []
    category = DEFAULT_CATEGORY
    current: _Draft | None = None
    in_answer = False
    for ln in body:
        q, a = _Q_MARK.match(ln.text), _A_MARK.match(ln.text)
        if q:
            current = _Draft(ln.no, category, [ln.text[q.end() :]])
            drafts.append(current)
            in_answer = False
        elif a:
            if current is None:
                raise FaqFormatError(f"{source} {unit} {ln.no}: answer without a question")
            in_answer = True
            current.answer.append(ln.text[a.end() :])
        elif ln.heading in category_levels:
            category = _clean_category(ln.text)
            current = None
        elif current is not None:
            (current.answer if in_answer else current.question).append(ln.text)
    return drafts


def _split_headings(body: list[DocLine], category_levels: set[int]) -> list[_Draft]:
    """Markdown / Word documents whose headings are the questions."""
    drafts: list[_Draft] = []
    category = DEFAULT_CATEGORY
    current: _Draft | None = None
    for ln in body:
        if ln.heading and _is_question(ln.text):
            current = _Draft(ln.no, category, [_strip_marker(ln.text)])
            drafts.append(current)
        elif ln.heading in category_levels:
            category = _clean_category(ln.text)
            current = None
        elif current is not None:
            current.answer.append(ln.text)
    return drafts


def _split_numbered(body: list[DocLine], category_levels: set[int]) -> list[_Draft]:
    """Numbered questions (一、 1、 1. （一） 第一问 …) followed by answer paragraphs.

    Which numbering marks the questions is read from the document: the style with
    the most question-shaped items wins, so an answer's own "(一)" or "1." points stay
    inside the answer. A style used only once per number, in order (一 二 三 …), is
    taken whole, since nothing else in the document uses it. Within a chosen style
    that answers also use, an item starts a question only if it is question-shaped
    and its number moves forward.
    """
    n = len(body)
    marks = [None if ln.heading else _marker(ln.text) for ln in body]

    def follower_asks(i: int) -> bool:
        # "三、以业户为中心…是…要求。" followed by "物管企业如何推行…?" is one question.
        return (
            i + 1 < n
            and marks[i + 1] is None
            and not body[i + 1].heading
            and _ends_with_qmark(body[i + 1].text)
        )

    def shaped(i: int) -> bool:
        m = marks[i]
        return m is not None and (_is_question(m.rest) or follower_asks(i))

    by_style: dict[str, list[int]] = {}
    for i, m in enumerate(marks):
        if m is not None:
            by_style.setdefault(m.style, []).append(i)
    if not by_style or not any(shaped(i) for i in range(n)):
        return _split_plain(body, category_levels)

    def exclusive(style: str) -> bool:
        idx = by_style[style]
        numbers = [marks[i].number for i in idx]  # type: ignore[union-attr]
        return len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1))

    def score(style: str) -> tuple[int, int]:
        return sum(shaped(i) for i in by_style[style]), -_RANK[style]

    style = max(by_style, key=score)
    take_all = exclusive(style) and score(style)[0] * 2 >= len(by_style[style])
    candidates = {i for i in by_style[style] if take_all or shaped(i)}

    # Another numbering style whose every item is a short title directly followed by
    # a question is a section heading ("一、缴费" above "1、物业费怎么交？"); an
    # answer's last point ("1. 不要扒门。") is a sentence, not a title.
    def title_like(i: int) -> bool:
        rest = marks[i].rest  # type: ignore[union-attr]
        return len(rest) <= 20 and not shaped(i) and not rest.endswith(tuple("。；;！!，,.、"))

    section_styles = {
        s
        for s, idx in by_style.items()
        if s != style and all(i + 1 in candidates and title_like(i) for i in idx)
    }

    drafts: list[_Draft] = []
    category = DEFAULT_CATEGORY
    current: _Draft | None = None
    last = 0
    i = 0
    while i < n:
        ln, m = body[i], marks[i]
        if ln.heading in category_levels or (m is not None and m.style in section_styles):
            category = _clean_category(ln.text)
            current, last = None, 0
            i += 1
            continue
        if i in candidates and m is not None and (take_all or m.number > last):
            current = _Draft(ln.no, category, [m.rest])
            drafts.append(current)
            last = m.number
            i += 1
            # Questions often run on: "…为什么…?" then "在转变过程中…哪些变化?"
            while (
                i < n
                and len(current.question) < 4
                and marks[i] is None
                and not body[i].heading
                and _ends_with_qmark(body[i].text)
                and len(body[i].text) <= 100
            ):
                current.question.append(body[i].text)
                i += 1
            continue
        if current is not None:
            current.answer.append(ln.text)
        i += 1
    return drafts


def _split_plain(body: list[DocLine], category_levels: set[int]) -> list[_Draft]:
    """No numbering at all: a short line ending in ？ asks, the lines below answer."""
    drafts: list[_Draft] = []
    category = DEFAULT_CATEGORY
    current: _Draft | None = None
    for ln in body:
        if ln.heading in category_levels:
            category = _clean_category(ln.text)
            current = None
        elif _ends_with_qmark(ln.text) and len(ln.text) <= 60:
            if current is not None and not current.answer:
                current.question.append(ln.text)  # a question asked in two sentences
            else:
                current = _Draft(ln.no, category, [ln.text])
                drafts.append(current)
        elif current is not None:
            current.answer.append(ln.text)
    return drafts


def _finish(drafts: list[_Draft], source: str, unit: str) -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    first_seen: dict[str, int] = {}
    for d in drafts:
        question = _join_question([p for p in d.question if p])
        if not question:
            raise FaqFormatError(f"{source} {unit} {d.no}: question is empty")
        answer = "\n".join(d.answer).strip()
        if not answer:
            raise FaqFormatError(f"{source} {unit} {d.no}: answer is empty ('{question[:30]}')")
        fid = faq_id(question)
        if fid in first_seen:
            raise FaqFormatError(
                f"{source} {unit} {d.no}: question repeats {unit} {first_seen[fid]} ('{question[:30]}')"
            )
        first_seen[fid] = d.no
        entries.append(FaqEntry(id=fid, category=d.category, question=question, answer=answer))
    return entries
