"""Yes / no answers to a question the bot just asked."""

from __future__ import annotations

import re

from intents.normalize import normalize_surface

_YES = re.compile(
    r"^\s*(?:确认|确定|提交|是的?|对的?|对啊|没错|好的?|好啊|行|可以|没问题|嗯+|ok|yes|y|1|就这样)"
    r"(?:提交|确认|的|了|吧|啊|呀|哈)?[\s.。!！~]*$",
    re.I,
)
_FOLLOW = re.compile(r"^\s*(?:1|一|关注|跟进|关注(?:一下|该工单|这个)?|好的?关注)[\s.。!！]*$")
_NEW = re.compile(r"^\s*(?:2|二|新报|仍然新报|还是新报|新开|重新报|再报一单|不是同一个)[\s.。!！]*$")


def is_yes(text: str) -> bool:
    return bool(_YES.match(normalize_surface(text)))


def follow_or_new(text: str) -> str | None:
    """Answer to "follow the existing ticket (1) or open a new one (2)?"."""
    t = normalize_surface(text)
    if _FOLLOW.match(t):
        return "follow"
    if _NEW.match(t):
        return "new"
    return None
