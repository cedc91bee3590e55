"""The shipped training set, intents/data/training.jsonl (one JSON object a line).

`use` says what a line teaches: "message" (a labelled resident message), "faq_paraphrase"
(an FAQ question with its `faq_id`) or "wording" (only the n-gram block learns from it);
`set` names the batch it came from, for leave-one-set-out measurements.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

TRAINING_FILE = "training.jsonl"
USES = ("message", "faq_paraphrase", "wording")


@functools.cache
def _all_lines() -> tuple[dict[str, str], ...]:
    text = resources.files("intents.data").joinpath(TRAINING_FILE).read_text("utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


def training_lines(use: str) -> list[dict[str, str]]:
    """Lines of the shipped training file with this `use`, in file order."""
    return [dict(d) for d in _all_lines() if d["use"] == use]
