"""Readings that only make sense in the light of the open conversation.

Conventions (the dialogue layer relies on them):
- pending "survey": a rating in the text sets `rating`/`has_comment`; the intent
  name stays what the text otherwise means ("5分 师傅很好" is praise, a bare "5" is
  chitchat), so a question asked instead of a rating is still answered.
- `faq_choices` offered: a bare number 1..N (also "第2个", "二") picks that FAQ:
  intent "faq", that faq_id, confidence 1.0.
- any other pending form ("repair_form", "bind_form", ...): "算了/取消/不用了" is
  `cancel_ticket` with confidence 1.0 and slots["cancels"] = "pending": abandon
  the form, not an existing ticket. A message that only supplies details (an
  address, a phone number) keeps the form's intent, so the form can be filled.
"""

from __future__ import annotations

import re
from typing import Any

from intents.model import INTENT_NAMES, Context, Intent
from intents.normalize import normalize_surface
from intents.numerals import chinese_to_int
from intents.survey import read_survey_answer

_CHOICE = re.compile(r"^\s*(?:第|选|选择)?\s*([1-9]|[一二三四五六七八九])\s*(?:个|条|项|号)?\s*[.。!]?\s*$")
_ABANDON = re.compile(
    r"^\s*(?:那就|那)?(?:算了|取消|不用了|不报了|不修了|不要了|不弄了|先不了|先不用了?|不需要了|退出|结束)"
    r"(?:吧|了|啊|呢)?[\s.。!,]*(?:谢谢|不用了)?[\s.。!]*$"
)
_ONLY_DETAILS = re.compile(r"^[\s\dA-Za-z#\-栋幢座号楼单元室房电话手机联系我住在是的,:：，.。+]*$")


def _choice_index(text: str) -> int | None:
    m = _CHOICE.match(normalize_surface(text))
    if not m:
        return None
    token = m.group(1)
    return int(token) if token.isdigit() else chinese_to_int(token)


def survey_reading(text: str, ctx: Context) -> tuple[int | None, bool] | None:
    """(rating, has_comment) when a survey is pending, else None."""
    return read_survey_answer(text) if ctx.pending == "survey" else None


def read_in_context(text: str, ctx: Context, slots: dict[str, Any]) -> Intent | None:
    """An Intent the context settles, or None to read the text normally."""
    if ctx.faq_choices:
        n = _choice_index(text)
        if n is not None and 1 <= n <= len(ctx.faq_choices):
            fid = ctx.faq_choices[n - 1]
            return Intent("faq", 1.0, faq_id=fid, slots=dict(slots), candidates=list(ctx.faq_choices))
    if ctx.pending == "survey":
        return None  # the caller reads the text and adds survey_reading()
    if ctx.pending and ctx.pending not in ("faq_choice",):
        surface = normalize_surface(text)
        if _ABANDON.match(surface):
            return Intent("cancel_ticket", 1.0, slots={**slots, "cancels": "pending"})
        form_intent = ctx.pending.removesuffix("_form")
        has_detail = any(slots.get(k) for k in ("building", "unit", "room", "phone"))
        if form_intent in INTENT_NAMES and has_detail and _ONLY_DETAILS.match(surface):
            return Intent(form_intent, 1.0, slots=dict(slots))
    return None
