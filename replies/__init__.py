"""All resident-facing wording, rendered from replies/zh.toml."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from string import Formatter
from typing import Any

from bot.config import CommunityConfig


@cache
def templates() -> dict[str, str]:
    text = resources.files("replies").joinpath("zh.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def community_fields(c: CommunityConfig) -> dict[str, str]:
    return {
        "community": c.name,
        "company": c.company,
        "hotline": c.hotline,
        "duty_phone": c.duty_phone,
        "office_hours": c.office_hours,
        "office_location": c.office_location,
    }


def fill(text: str, community: CommunityConfig, /, **values: Any) -> str:
    """Fill placeholders; an unknown one is left as written rather than failing a reply."""
    known = community_fields(community) | {k: str(v) for k, v in values.items()}
    out = []
    for literal, field, _spec, _conv in Formatter().parse(text):
        out.append(literal)
        if field is None:
            continue
        out.append(known[field] if field in known else "{" + field + "}")
    return "".join(out)


def render(key: str, community: CommunityConfig, /, **values: Any) -> str:
    return fill(templates()[key], community, **values)
