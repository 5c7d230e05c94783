"""The case page's head, "what staff needs before the next session" (DOMAIN.md): the next
session and who is expected, the last one and who came, what is still open, and flags."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from uuid import UUID

from core.domain.cases.access import Permission, reference_day
from core.domain.cases.case import Case
from core.domain.cases.responsibilities import HelperKind
from core.domain.directory.age import minor_age
from core.domain.directory.parties import Person
from core.domain.shared.values import PersonId
from core.ports.cases import ScheduleGlance, SessionGlance
from core.services.shared.use_case import View


class PersonAtSession(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    mark: str  # what was recorded ("attended", "absent"...); "" for not (yet) recorded


class SessionAtGlance(View, frozen=True, kw_only=True):
    id: UUID
    start: datetime  # in the practice's timezone
    status: str
    people: list[PersonAtSession]  # expected at it: the case's members on its date


class CaseHead(View, frozen=True, kw_only=True):
    next_session: SessionAtGlance | None
    last_session: SessionAtGlance | None
    open_items: list[str]  # "2 past sessions without attendance"...
    flags: list[str]  # "Tess Teen is 15 and has no representative"...
    sees_schedule: bool  # False: the actor may not see the schedule (nothing above is known)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def case_head(
    case: Case,
    granted: frozenset[Permission],
    today: date,
    tz: tzinfo,
    people: dict[PersonId, Person],
    glance: ScheduleGlance | None,
) -> CaseHead:
    """`glance` is None when the actor may not see the schedule (it was not read)."""
    names = {pid: p.display_name for pid, p in people.items()}
    day = reference_day(case, today)

    def at(session: SessionGlance | None) -> SessionAtGlance | None:
        if session is None:
            return None
        start = session.start.astimezone(tz)
        expected = [m.person_id for m in case.members_on(start.date())]
        # Whoever has a mark is listed too (a member who left since, say): recorded attendance
        # is never hidden.
        listed = list(dict.fromkeys([*expected, *session.attendance]))
        return SessionAtGlance(
            id=session.id,
            start=start,
            status=session.status,
            people=[
                PersonAtSession(
                    person_id=p, name=names.get(p, "(unknown)"), mark=session.attendance.get(p, "")
                )
                for p in listed
            ],
        )

    open_items: list[str] = []
    if glance is not None and glance.unrecorded:
        open_items.append(
            _plural(glance.unrecorded, "past session", "past sessions") + " without attendance"
        )
    if glance is not None and glance.unconfirmed and Permission.VIEW_BILLING in granted:
        open_items.append(
            _plural(glance.unconfirmed, "session's billing codes", "sessions' billing codes")
            + " not confirmed"
        )
    return CaseHead(
        next_session=at(glance.next_session) if glance else None,
        last_session=at(glance.last_session) if glance else None,
        open_items=open_items,
        flags=_flags(case, granted, today, day, people) if case.is_open else [],
        sees_schedule=glance is not None,
    )


def _flags(
    case: Case,
    granted: frozenset[Permission],
    today: date,
    day: date,
    people: dict[PersonId, Person],
) -> list[str]:
    flags = []
    members = case.members_on(day)
    represented = {
        h.for_person_id for h in case.helpers_on(day) if h.kind is HelperKind.REPRESENTATIVE
    }
    for m in members:
        person = people.get(m.person_id)
        age = minor_age(person.date_of_birth, today) if person else None
        if person is not None and age is not None and m.person_id not in represented:
            flags.append(f"{person.display_name} is {age} and has no representative named.")
    if not members:
        flags.append(f"No {case.policy.participant_word} in the case yet.")
    if Permission.VIEW_BILLING in granted and not case.payers_on(day):
        flags.append("Nobody pays for this case yet.")
    if members and not any(p.reminders for p in case.communication.values()):
        flags.append("Nobody gets reminders.")
    return flags
