"""表扬 is recorded (BY) and forwarded to the praised person's supervisor."""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.outbound import notify
from bot.tickets import flow as ticket_flow
from bot.tickets import routing
from replies import label
from storage import communities
from storage.models import Person


def _praised(turn: Turn, community_id: int) -> Person | None:
    staff = routing.reachable(turn.session, ("staff", "supervisor"), community_id)
    for person in staff:
        if person.name and person.name in turn.text:
            return person
    for person in staff:
        # "张师傅" / "李工": a surname followed by a title is how residents name staff.
        if person.name and any(person.name[0] + title in turn.text for title in ("师傅", "工", "主管", "经理", "管家")):
            return person
    return None


def handle(turn: Turn) -> str | None:
    settings = turn.settings
    home = communities.home_of(turn.session, turn.person)
    person = _praised(turn, home)
    draft = ticket_flow.Draft(kind="praise", description=turn.text, category="表扬",
                              building=person.buildings if person else "")
    ticket = ticket_flow.open_ticket(turn.session, settings, draft, turn.person, turn.now)
    if person is not None:
        ticket.assignee_id = person.id
    who = ticket_flow.person_label(person) if person else label("person_colleague")
    resident = turn.person.name or label("resident_anonymous")
    text = turn.say("praise_forward", resident=resident, who=who, text=turn.text, number=ticket.number)
    targets = (routing.supervisors(turn.session, community_id=home) if person is None or person.role != "supervisor"
               else routing.managers(turn.session, home))
    for target in targets:
        notify.to_staff(turn.session, settings, target, text, now=turn.now)
    return turn.say("praise_thanks", who=who)
