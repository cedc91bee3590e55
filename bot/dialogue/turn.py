"""What every route and handler receives: one message, read, with who sent it and what is pending."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.communities.scope import settings_for_person
from bot.config import Settings
from bot.services import Services
from intents.model import Intent
from intents.staff_commands import StaffCommand
from replies import render
from storage.models import Conversation, Person, Survey


@dataclass
class Turn:
    session: Session
    services: Services
    person: Person
    text: str
    intent: Intent
    conversation: Conversation | None
    now: datetime
    # What the message is (WeChat's MsgType, lower case) and what it carried besides words.
    msg_type: str = "text"
    has_words: bool = True  # text, or a voice message WeChat transcribed
    media_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    command: StaffCommand | None = None
    open_survey: Survey | None = None
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The settings as the sender's community sees them (its phones, office hours, time zone):
        a resident's home community, a staff member's own; the config's [community] otherwise."""
        if self._settings is None:
            self._settings = settings_for_person(self.session, self.services.settings, self.person)
        return self._settings

    @property
    def openid(self) -> str:
        assert self.person.openid is not None
        return self.person.openid

    def say(self, key: str, /, **values: Any) -> str:
        return render(key, self.settings.community, **values)


Handler = Callable[[Turn], str | None]
