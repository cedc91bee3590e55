"""FAQ entries and the project's own FAQ file format (TOML, `[[faq]]` tables)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class FaqEntry:
    id: str
    category: str
    question: str
    answer: str
    alternates: tuple[str, ...] = field(default_factory=tuple)


class FaqFormatError(ValueError):
    """A FAQ file that cannot be read; the message names the file and the place."""


def parse_faq_toml(text: str, source: str = "<faq>") -> list[FaqEntry]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FaqFormatError(f"{source}: not valid TOML: {exc}") from exc
    entries: list[FaqEntry] = []
    seen: set[str] = set()
    for n, raw in enumerate(doc.get("faq", []), start=1):
        where = f"{source}: [[faq]] #{n}"
        for key in ("id", "question", "answer"):
            if not str(raw.get(key, "")).strip():
                raise FaqFormatError(f"{where}: '{key}' is missing or empty")
        fid = str(raw["id"]).strip()
        if fid in seen:
            raise FaqFormatError(f"{where}: id '{fid}' appears twice")
        seen.add(fid)
        alternates = raw.get("alternates", [])
        if not isinstance(alternates, list):
            raise FaqFormatError(f"{where}: 'alternates' must be a list of strings")
        entries.append(
            FaqEntry(
                id=fid,
                category=str(raw.get("category", "")).strip() or "其他",
                question=str(raw["question"]).strip(),
                answer=str(raw["answer"]).strip(),
                alternates=tuple(str(a).strip() for a in alternates if str(a).strip()),
            )
        )
    return entries


def load_faq_toml(path: str | Path) -> list[FaqEntry]:
    p = Path(path)
    return parse_faq_toml(p.read_text(encoding="utf-8"), source=str(p))


def default_faq() -> list[FaqEntry]:
    """The FAQ wuye ships with (intents/data/default_faq.toml)."""
    text = resources.files("intents.data").joinpath("default_faq.toml").read_text(encoding="utf-8")
    return parse_faq_toml(text, source="default_faq.toml")


def dump_faq_toml(entries: list[FaqEntry]) -> str:
    """The inverse of parse_faq_toml, for `wuye faq export`."""
    import json

    def q(s: str) -> str:
        # JSON string escaping is valid TOML basic-string escaping.
        return json.dumps(s, ensure_ascii=False)

    out = []
    for e in entries:
        alts = ", ".join(q(a) for a in e.alternates)
        out.append(
            f"[[faq]]\nid = {q(e.id)}\ncategory = {q(e.category)}\nquestion = {q(e.question)}\n"
            f"alternates = [{alts}]\nanswer = {q(e.answer)}\n"
        )
    return "\n".join(out)
