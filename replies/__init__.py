"""All resident- and staff-facing wording, rendered from replies/zh.toml.

Replies know nothing of the app's config: a community is anything with the six fields below.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from string import Formatter
from typing import Any, Protocol


class Community(Protocol):
    """The community fields every message may use ({community}, {hotline}, ...)."""

    @property
    def name(self) -> str: ...
    @property
    def company(self) -> str: ...
    @property
    def hotline(self) -> str: ...
    @property
    def duty_phone(self) -> str: ...
    @property
    def office_hours(self) -> str: ...
    @property
    def office_location(self) -> str: ...


@cache
def templates() -> dict[str, str]:
    text = resources.files("replies").joinpath("zh.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def community_fields(c: Community) -> dict[str, str]:
    return {
        "community": c.name,
        "company": c.company,
        "hotline": c.hotline,
        "duty_phone": c.duty_phone,
        "office_hours": c.office_hours,
        "office_location": c.office_location,
    }


def _fill(text: str, known: dict[str, str]) -> str:
    """Fill placeholders; an unknown one is left as written rather than failing a reply."""
    out = []
    for literal, field, _spec, _conv in Formatter().parse(text):
        out.append(literal)
        if field is None:
            continue
        out.append(known[field] if field in known else "{" + field + "}")
    return "".join(out)


def fill(text: str, community: Community, /, **values: Any) -> str:
    return _fill(text, community_fields(community) | {k: str(v) for k, v in values.items()})


def render(key: str, community: Community, /, **values: Any) -> str:
    return fill(templates()[key], community, **values)


def label(key: str, /, **values: Any) -> str:
    """A fragment of a message (a status, a duration, a stand-in name): no community fields."""
    return _fill(templates()[key], {k: str(v) for k, v in values.items()})
