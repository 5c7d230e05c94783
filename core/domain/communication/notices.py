"""Notices of a session booked, moved or cancelled: to the people who get the case's reminders,
on their channel, at once (an SMS in the night waits for the morning), the email carrying an
.ics invitation (RFC 5546: METHOD:REQUEST for booked and moved, METHOD:CANCEL for cancelled)
so the recipient's calendar adds, moves or drops the session by itself.

A session's UID is stable (its id), and its SEQUENCE is the appointment's version, which every
change raises: a calendar applies a move over the booking, never the other way round. The
delivery key names the appointment, its version and the person, so a handler that runs twice
queues one notice, and each later change is a notice of its own. The content follows the rules
of reminders: the practice's name, the day, the time and timezone, the place or the video link —
nothing of the case, the service, the clinician or the other participants.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from icalendar import Calendar, Event, vCalAddress, vText

from core.domain.cases.case import Case
from core.domain.communication.messages import OutboundMessage
from core.domain.communication.reminders import (
    NO_LINKS,
    LinkMaker,
    Links,
    ReminderPolicy,
    address_of,
    compose,
    quiet_until_morning,
    recipients,
    session_values,
)
from core.domain.communication.templates import TemplateKind
from core.domain.directory.parties import Channel, Person
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.shared.values import PersonId

PRODID = "-//Hearth//Session notices//EN"
MAX_SESSIONS = 60  # a series' notice lists its first sessions; the calendar feed has them all


class NoticeKind(StrEnum):
    BOOKED = "booked"
    MOVED = "moved"
    CANCELLED = "cancelled"

    @property
    def method(self) -> str:
        return "CANCEL" if self is NoticeKind.CANCELLED else "REQUEST"


def session_uid(appointment_id: UUID) -> str:
    return f"{appointment_id}@hearth"


def invitation(
    kind: NoticeKind,
    sessions: Sequence[Appointment],
    policy: ReminderPolicy,
    now: datetime,
    attendee: str = "",
) -> str:
    """The .ics of a notice: one VEVENT per session, each with its stable UID, and the
    recipient as its one ATTENDEE (RFC 5546 wants one in a REQUEST and a CANCEL; each
    recipient's copy names only them, never another participant)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", kind.method)
    for a in sessions:
        event = Event()
        event.add("uid", session_uid(a.id))
        event.add("sequence", a.version)
        event.add("dtstamp", now)
        event.add("dtstart", a.start)
        event.add("dtend", a.end)
        event.add("summary", f"Appointment with {policy.practice_name}")
        if a.telehealth:
            event.add("location", policy.telehealth_link or "By video")
        else:
            event.add("location", a.location or policy.practice_name)
        event.add("status", "CANCELLED" if kind is NoticeKind.CANCELLED else "CONFIRMED")
        event.add("class", "PRIVATE")
        if policy.organizer:
            organizer = vCalAddress(f"mailto:{policy.organizer}")
            organizer.params["cn"] = vText(policy.practice_name)
            event["organizer"] = organizer
        if attendee:
            event.add("attendee", f"mailto:{attendee}")
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics.decode()


def notice_text(
    kind: NoticeKind,
    sessions: Sequence[Appointment],
    case: Case,
    policy: ReminderPolicy,
    channel: Channel,
    links: Links = NO_LINKS,
) -> tuple[str, str]:
    """The subject (email) and the text of a notice about the first of `sessions`."""
    first = sessions[0]
    values = session_values(first, case, policy, links, change=kind.value)
    if channel is Channel.SMS:
        return "", compose(policy, TemplateKind.NOTICE_SMS, values)
    subject = f"Appointment {kind.value}: {values['date']}"
    source = policy.templates.source(TemplateKind.NOTICE_EMAIL)
    body = compose(policy, TemplateKind.NOTICE_EMAIL, values).rstrip()
    if links[0] and "confirm_link" not in source and "cancel_link" not in source:
        # One text serves the three changes: the links are added where they make sense.
        body += f"\n\nConfirm that you will come: {links[0]}\nIf you cannot come: {links[1]}"
    more = len(sessions) - 1
    if more:
        body += f"\nThe same goes for {more} more session{'s' if more > 1 else ''} of the series."
    if kind is not NoticeKind.CANCELLED:
        body += "\n\nThe attached invitation adds it to your calendar."
    return subject, body + "\n"


def plan_notices(
    kind: NoticeKind,
    sessions: Sequence[Appointment],
    case: Case,
    people: Mapping[PersonId, Person],
    policy: ReminderPolicy,
    now: datetime,
    new_id: Callable[[], UUID],
    links: LinkMaker | None = None,
) -> list[OutboundMessage]:
    """The notices of one change of these sessions (one intent: a booking of a series is one
    notice), to whoever gets the first one's reminders. None for sessions past or, unless
    cancelled, no longer scheduled."""
    wanted = (
        {AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED}
        if kind is NoticeKind.CANCELLED
        else {AppointmentStatus.SCHEDULED}
    )
    to_come = sorted(
        (a for a in sessions if a.start > now and a.status in wanted),
        key=lambda a: a.start,
    )[:MAX_SESSIONS]
    if not to_come:
        return []
    first = to_come[0]
    planned: list[OutboundMessage] = []
    for person_id, channel in recipients(case, first, policy.tz):
        person = people.get(person_id)
        address = address_of(person, channel) if person is not None else None
        if address is None:
            continue
        key = f"notice:{first.id}:{first.version}:{kind.value}:{person_id}"
        wants_links = links is not None and kind is not NoticeKind.CANCELLED
        made = links(first, person_id, key) if links and wants_links else NO_LINKS
        subject, body = notice_text(kind, to_come, case, policy, channel, made)
        ics = invitation(kind, to_come, policy, now, address) if channel is Channel.EMAIL else ""
        planned.append(
            OutboundMessage(
                id=new_id(),
                delivery_key=key,
                channel=channel,
                to=address,
                subject=subject,
                body=body,
                calendar=ics,
                due_at=quiet_until_morning(policy, now) if channel is Channel.SMS else now,
                expires_at=first.start,
                created_at=now,
                person_id=person_id,
                case_id=first.case_id,
            )
        )
    return planned
