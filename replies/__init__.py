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
    """Fill placeholders; an unknown one is left as written rather than failing a reply.

    A value that already ends the way the text goes on is not said twice: with office_location
    "5栋1楼物业服务中心", "到{office_location}的物业服务中心" reads "到5栋1楼物业服务中心"."""
    parts = list(Formatter().parse(text))
    out: list[str] = []
    skip = 0
    for i, (literal, field, _spec, _conv) in enumerate(parts):
        out.append(literal[skip:])
        skip = 0
        if field is None:
            continue
        value = known[field] if field in known else "{" + field + "}"
        out.append(value)
        if i + 1 < len(parts):
            skip = _said_again(value, parts[i + 1][0])
    return "".join(out)


def _said_again(value: str, following: str) -> int:
    """How many characters of `following` repeat the end of `value` ("的物业服务中心" after
    "…物业服务中心"): at least two, optionally after a 的."""
    for lead in ("的", ""):
        if not following.startswith(lead):
            continue
        rest = following[len(lead):]
        for n in range(min(len(value), len(rest)), 1, -1):
            if rest.startswith(value[-n:]):
                return len(lead) + n
    return 0


def fill(text: str, community: Community, /, **values: Any) -> str:
    return _fill(text, community_fields(community) | {k: str(v) for k, v in values.items()})


def render(key: str, community: Community, /, **values: Any) -> str:
    return fill(templates()[key], community, **values)


def label(key: str, /, **values: Any) -> str:
    """A fragment of a message (a status, a duration, a stand-in name): no community fields."""
    return _fill(templates()[key], {k: str(v) for k, v in values.items()})
