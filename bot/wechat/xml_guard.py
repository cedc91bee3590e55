"""Refusing WeChat XML that WeChat would never send, before anything parses it for real.

WeChat's messages are one `<xml>` element with flat children (a few events nest a little:
SendPicsInfo > PicList > item > PicMd5Sum). Deeply nested input makes recursive parsers blow
the stack; a duplicated or nested FromUserName makes the sender ambiguous; fields longer than
their columns fail at the database. Each of those is the sender's mistake: a 400, nothing stored.
expat is a streaming parser, so even a million levels cost no recursion here.
"""

from __future__ import annotations

from xml.parsers import expat

MAX_DEPTH = 6
# Fields that identify the delivery: exactly once each, directly under <xml>, text only.
IDENTITY = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "MsgId", "Event")
MAX_LENGTH = {
    "ToUserName": 64,
    "FromUserName": 64,
    "CreateTime": 12,
    "MsgType": 32,
    "MsgId": 64,
    "Event": 64,
}


class BadXml(ValueError):
    """Says what is wrong with the message, for the 400 body."""


def check(xml: str | bytes, envelope: bool = False) -> None:
    """Raises BadXml unless `xml` is shaped like a message WeChat sends (`envelope`: the
    encrypted wrapper, which names no sender)."""
    depth = 0
    path: list[str] = []
    seen: dict[str, int] = {}
    texts: dict[str, list[str]] = {}

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise BadXml(f"elements nested deeper than {MAX_DEPTH} levels")
        if depth == 1 and name != "xml":
            raise BadXml("root element must be <xml>")
        if name in IDENTITY:
            if depth != 2:
                raise BadXml(f"<{name}> must be a direct child of <xml>")
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                raise BadXml(f"<{name}> appears more than once")
        elif len(path) >= 1 and path[-1] in IDENTITY:
            raise BadXml(f"<{path[-1]}> must hold text, not elements")
        path.append(name)

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1
        path.pop()

    def chars(data: str) -> None:
        if path and path[-1] in IDENTITY:
            texts.setdefault(path[-1], []).append(data)

    def no_doctype(*_args: object) -> None:
        raise BadXml("DTDs are not accepted")

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise BadXml(f"not well-formed XML ({expat.errors.messages.get(exc.code, exc.code)})") from None
    for name, limit in MAX_LENGTH.items():
        value = "".join(texts.get(name, [])).strip()
        if len(value) > limit:
            raise BadXml(f"<{name}> is longer than {limit} characters")
    if not envelope and not "".join(texts.get("FromUserName", [])).strip():
        raise BadXml("<FromUserName> is missing")
