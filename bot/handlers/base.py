"""What every handler receives, and the registry from intent name to handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.services import Services
from intents.model import Intent
from replies import render
from storage.models import Conversation, Person


@dataclass
class Turn:
    session: Session
    services: Services
    person: Person
    text: str
    intent: Intent
    conversation: Conversation | None
    now: datetime

    @property
    def openid(self) -> str:
        assert self.person.openid is not None
        return self.person.openid

    def say(self, key: str, /, **values: Any) -> str:
        return render(key, self.services.settings.community, **values)


Handler = Callable[[Turn], str | None]
