"""The settings as one community sees them: `settings.community` is that community's name,
phones, office hours, office location and time zone, so every reply and push rendered with
them carries the right community's details. The default community is the config as it is."""

from __future__ import annotations

from sqlmodel import Session

from bot.config import CommunityConfig, Settings
from storage import communities
from storage.models import Person


def settings_for(session: Session, settings: Settings, community_id: int | None) -> Settings:
    v = communities.view(session, settings.community, community_id)
    if _same(v, settings.community):
        return settings
    c = CommunityConfig.model_construct(
        name=v.name, company=v.company, hotline=v.hotline, duty_phone=v.duty_phone,
        office_hours=v.office_hours, office_location=v.office_location, timezone=v.timezone,
    )
    return settings.model_copy(update={"community": c})


def settings_for_person(session: Session, settings: Settings, person: Person | None) -> Settings:
    """A resident's community's settings (their home's, the default one before they bind)."""
    if person is None or person.role != "resident":
        ids = communities.ids_of(person) if person is not None else []
        return settings_for(session, settings, ids[0] if len(ids) == 1 else None)
    return settings_for(session, settings, communities.home_of(session, person))


def _same(v: communities.View, c: CommunityConfig) -> bool:
    return (v.name, v.hotline, v.duty_phone, v.office_hours, v.office_location, v.timezone) == (
        c.name, c.hotline, c.duty_phone, c.office_hours, c.office_location, c.timezone)
