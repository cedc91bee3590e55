"""Template-message fields under WeChat's rules since 2023-05-04.

Templates now come from the category library (类目模板) with typed keywords (`thing2`,
`character_string1`, `time4` …); `first` and `remark` are no longer shown, a value may not hold a
line break, and a keyword shows at most 20 characters. A mapping in the config says which text goes
into which keyword (`thing3 = "{place} {description}"`); it is checked once at start against the
keyword's type, and every value is cut to fit when a message is written, on a character boundary,
keeping the ticket number whole.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

ELLIPSIS = "…"
DROPPED = frozenset({"first", "remark"})
# Ticket numbers inside free text are kept whole too: a cut never falls inside one.
TICKET_NUMBER = re.compile(r"(?:BX|TS|BY|RG)\d{6,}")
# WeChat refuses an empty keyword; this stands in for a value that is missing.
EMPTY = {"phrase": "无"}


@dataclass(frozen=True)
class FieldType:
    name: str
    max_len: int
    # What kinds of value may go in: "text", "id" (ASCII ticket numbers), "phone", "time", "status".
    accepts: frozenset[str]
    # A literal (text typed in the mapping) must match this.
    literal: re.Pattern[str]
    hint: str


_ANY = re.compile(r"[^\r\n]*")
_ASCII = re.compile(r"[\x21-\x7e ]*")
_PHONE = re.compile(r"[0-9+\-() ]*")
_CJK = re.compile(r"[\u4e00-\u9fff]*")
_TIME_SEP = re.compile(r"[ ~]*")

FIELD_TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        FieldType("thing", 20, frozenset({"text", "id", "phone", "time", "status"}), _ANY,
                  "up to 20 characters of any text"),
        # Templates chosen before 2023 number their keywords keywordN; WeChat shows 20 characters.
        FieldType("keyword", 20, frozenset({"text", "id", "phone", "time", "status"}), _ANY,
                  "up to 20 characters of any text"),
        FieldType("character_string", 32, frozenset({"id"}), _ASCII,
                  "up to 32 letters, digits or symbols: {number}"),
        FieldType("phone_number", 17, frozenset({"phone"}), _PHONE,
                  "a phone number: {contact_phone}, {hotline} or {duty_phone}"),
        FieldType("time", 40, frozenset({"time"}), _TIME_SEP, "a time: {time}, {date} or {until}"),
        FieldType("date", 40, frozenset({"time"}), _TIME_SEP, "a date: {time}, {date} or {until}"),
        FieldType("phrase", 5, frozenset({"status"}), _CJK, "up to 5 Chinese characters: {status}"),
    )
}
# Typed keywords wuye has no value for (numbers, amounts, plates …) or that the template fixes.
UNSUPPORTED = frozenset({"number", "letter", "symbol", "amount", "car_number", "name", "const", "enum"})

# What each template kind can fill in, and what kind of value each placeholder is.
COMMON = {"community": "text", "company": "text", "hotline": "phone", "duty_phone": "phone", "time": "time"}
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "staff": COMMON | {
        "title": "text", "number": "id", "category": "text", "place": "text", "description": "text",
        "contact": "text", "contact_phone": "phone", "preferred_time": "text", "photos": "text",
        "remark": "text", "status": "status", "urgent": "text", "assignee": "text", "body": "text",
    },
    "resident": COMMON | {"title": "text", "number": "id", "status": "status", "body": "text"},
    "notice": COMMON | {"title": "text", "body": "text", "date": "time", "until": "time"},
}
# Values never cut: a ticket number that lost a digit points at another ticket.
WHOLE = frozenset({"number"})

_KEY = re.compile(r"^([a-z_]+?)(\d+)$")


def field_type(key: str) -> FieldType | None:
    m = _KEY.match(key)
    return FIELD_TYPES.get(m.group(1)) if m else None


def _pieces(mapping_value: str) -> list[tuple[str, str]]:
    """("lit", text) and ("var", name) pieces of one mapping value."""
    out: list[tuple[str, str]] = []
    for lit, name, _spec, _conv in string.Formatter().parse(mapping_value):
        if lit:
            out.append(("lit", lit))
        if name is not None:
            out.append(("var", name))
    return out


def problems(section: str, key_name: str, kind: str, mapping: dict[str, str]) -> list[str]:
    """Everything wrong with one configured mapping, each naming the key and the fix."""
    where = f"[{section}] {key_name}"
    known = PLACEHOLDERS[kind]
    out = []
    for key, value in mapping.items():
        if key in DROPPED:
            out.append(f"{where}: '{key}' is no longer shown by WeChat (since 2023-05-04); move "
                       f"'{value}' into a keyword of your template (thing…, character_string…) and remove '{key}'")
            continue
        m = _KEY.match(key)
        prefix = m.group(1) if m else key
        if prefix in UNSUPPORTED:
            out.append(f"{where}: '{key}' is a {prefix} keyword, which wuye has no value for; "
                       f"choose a template without it or map a thing keyword instead")
            continue
        ftype = FIELD_TYPES.get(prefix) if m else None
        if ftype is None:
            out.append(f"{where}: '{key}' is not a template keyword; use the names your template shows "
                       f"(thing2, character_string1, time3, phone_number4, phrase5 …)")
            continue
        if "\n" in value or "\r" in value:
            out.append(f"{where}: {key} has a line break; WeChat shows one line per keyword, remove it")
        try:
            pieces = _pieces(value)
        except ValueError as exc:
            out.append(f"{where}: {key} = '{value}' is not a valid template text ({exc}); "
                       f"use {{name}} placeholders")
            continue
        for piece, text in pieces:
            if piece == "var":
                if text not in known:
                    out.append(f"{where}: {key} uses {{{text}}}, which {kind} messages don't have; "
                               f"known: " + ", ".join("{" + k + "}" for k in known))
                elif known[text] not in ftype.accepts:
                    out.append(f"{where}: {key} is a {ftype.name} keyword ({ftype.hint}); "
                               f"{{{text}}} does not fit it, map it to a thing keyword")
            elif not ftype.literal.fullmatch(text):
                out.append(f"{where}: {key} is a {ftype.name} keyword ({ftype.hint}); "
                           f"the text '{text}' does not fit it")
        if ftype.name in ("time", "date") and not any(p == "var" for p, _ in pieces):
            out.append(f"{where}: {key} is a {ftype.name} keyword; map it to {{time}}")
        fixed = sum(len(t) for p, t in pieces if p == "lit")
        if fixed >= ftype.max_len:
            out.append(f"{where}: {key}'s fixed text '{value}' leaves no room within "
                       f"{ftype.max_len} characters; shorten it")
    return out


def one_line(value: Any) -> str:
    return " ".join(str(value).split())


def _time_text(value: Any, tz: ZoneInfo, full: bool) -> str:
    if isinstance(value, datetime):
        local = value.astimezone(tz)
        return f"{local:%Y年%m月%d日 %H:%M}" if full else f"{local:%m月%d日 %H:%M}"
    return one_line(value)


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut between characters, the cut marked with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    end = limit - 1
    for m in TICKET_NUMBER.finditer(text):
        if m.start() < end < m.end():
            end = m.start()
    return text[:end].rstrip() + ELLIPSIS


def render_value(key: str, mapping_value: str, values: dict[str, Any], tz: ZoneInfo) -> str:
    """One keyword's value: placeholders filled, one line, within the keyword's length. Cut
    values lose their end; a whole-kept value (the ticket number) is never cut."""
    ftype = field_type(key) or FIELD_TYPES["thing"]
    full_time = ftype.name in ("time", "date")
    pieces = []
    for piece, text in _pieces(mapping_value):
        if piece == "lit":
            pieces.append(("lit", text))
        else:
            raw = values.get(text, "")
            pieces.append(("whole" if text in WHOLE else "var", _time_text(raw, tz, full_time)))
    if ftype.name == "phrase":  # 5 Chinese characters: anything else is refused by WeChat
        pieces = [(p, "".join(_CJK.findall(t))) for p, t in pieces]
    budget = ftype.max_len - sum(len(t) for p, t in pieces if p != "var")
    out = []
    for piece, text in pieces:
        if piece == "var":
            text = cut(text, max(budget, 0))
            budget -= len(text)
        out.append(text)
    result = one_line("".join(out))
    if not result:
        return EMPTY.get(ftype.name, "-")
    return result if len(result) <= ftype.max_len else cut(result, ftype.max_len)


def render(mapping: dict[str, str], values: dict[str, Any], tz: ZoneInfo) -> dict[str, str]:
    return {key: render_value(key, v, values, tz) for key, v in mapping.items() if key not in DROPPED}
