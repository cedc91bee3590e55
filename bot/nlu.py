"""The process-wide understander: built once (index building is the slow part), then shared."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from bot.config import Settings
from intents.faq import FaqEntry, default_faq, load_faq_toml
from intents.model import Context, Intent

if TYPE_CHECKING:
    from intents import Understander


class NluService:
    def __init__(self, entries: list[FaqEntry]) -> None:
        self._lock = threading.Lock()
        self._entries = entries
        self._understander: Understander | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> NluService:
        path = settings.nlu.faq_file
        return cls(load_faq_toml(path) if path else default_faq())

    @property
    def entries(self) -> list[FaqEntry]:
        return self._entries

    def entry(self, faq_id: str) -> FaqEntry | None:
        return next((e for e in self._entries if e.id == faq_id), None)

    def understander(self) -> Understander:
        # Built on first use so that `wuye serve` starts fast and the CLI's other commands never pay.
        if self._understander is None:
            with self._lock:
                if self._understander is None:
                    from intents import Understander

                    self._understander = Understander(self._entries)
        return self._understander

    def understand(self, text: str, context: Context | None = None) -> Intent:
        return self.understander().understand(text, context)
