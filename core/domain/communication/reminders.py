"""Appointment reminders: who gets which, when, and what it says.

Who: the people the case's communication preferences designate for reminders, on their channel
(an email address for email; a mobile number and recorded consent for SMS), and not a former
member for a session after they left. When: at the practice's lead time for that channel before
the start (48 h by email, 24 h by SMS by default); an SMS that would fall in the quiet hours of
the night waits for the morning, and one whose time has passed is not sent (the booking notice
covers a session booked at short notice). What: the practice's name, the day, the time and the
timezone, and the place or "by video" — never the case's name, the service or kind of therapy, a
diagnosis or another participant's name (DOMAIN.md, "Communication and portal").

A reminder's delivery key names the appointment, its start and the person, so a reminder already
sent is never queued again, and one for a start that moved is a new message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from core.domain.cases.case import Case
from core.domain.communication.messages import OutboundMessage
from core.domain.communication.templates import (
    DEFAULTS,
    MessageTemplates,
    Render,
    TemplateKind,
    render_plain,
    values_for,
)
from core.domain.directory.parties import Channel, Person
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import PersonId

SMS_LIMIT = 160  # one segment of GSM-7: a longer text costs two and may arrive split

Links = tuple[str, str]  # a message's confirm and cancel links
NO_LINKS: Links = ("", "")
# Makes the links of one message (by its delivery key) to one person about one session; the
# caller keeps the token of those whose message is queued.
LinkMaker = Callable[[Appointment, PersonId, str], Links]


@dataclass(frozen=True, slots=True)
class Lead:
    before: timedelta
    channel: Channel

    @property
    def label(self) -> str:
        hours = int(self.before.total_seconds() // 3600)
        return f"{hours}h"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderPolicy:
    """The practice's reminder settings (the practice settings screen edits them)."""

    practice_name: str
    timezone: str = "UTC"
    leads: tuple[Lead, ...] = (
        Lead(timedelta(hours=48), Channel.EMAIL),
        Lead(timedelta(hours=24), Channel.SMS),
    )
    telehealth_link: str | None = None  # the practice's video room, said in notices
    organizer: str = ""  # the address invitations come from (the ORGANIZER of an .ics)
    late_cancel_hours: int = 24  # a cancellation later than this before the start is late
    quiet_from: time = time(21, 0)
    quiet_until: time = time(8, 0)
    # Reminders are queued for sessions starting within this horizon (from the booking, or by
    # the worker's sweep as sessions come into it): a weekly series of five years does not put
    # a thousand rows in the outbox at once, and settings changed today apply to them.
    horizon: timedelta = timedelta(days=7)
    templates: MessageTemplates = field(default_factory=MessageTemplates)
    render: Render | None = None  # the template engine; None: `render_plain`
    link_base: str = ""  # where confirm / cancel links point ("": no links)
    max_lead: timedelta = field(init=False)

    def __post_init__(self) -> None:
        longest = max((lead.before for lead in self.leads), default=timedelta(0))
        object.__setattr__(self, "max_lead", longest)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def key_prefix(appointment_id: UUID) -> str:
    """Every reminder of one appointment starts with this (to drop them when it changes)."""
    return f"reminder:{appointment_id}:"


def quiet_until_morning(policy: ReminderPolicy, at: datetime) -> datetime:
    """`at`, or the end of the quiet hours it falls in (recipient's time = the practice's)."""
    local = at.astimezone(policy.tz)
    clock = local.time()
    if policy.quiet_from <= clock or clock < policy.quiet_until:
        day = local.date() if clock < policy.quiet_until else local.date() + timedelta(days=1)
        return datetime.combine(day, policy.quiet_until, tzinfo=policy.tz)
    return at


def local_when(appointment: Appointment, policy: ReminderPolicy) -> tuple[str, str]:
    """The day and the time of the session, in words, in the recipient's timezone."""
    local = appointment.start.astimezone(policy.tz)
    day = f"{local:%A} {local.day} {local:%B}"
    return day, f"{local:%H:%M}"


def place_of(appointment: Appointment, policy: ReminderPolicy) -> str:
    """The place, or the video link when the session is by video."""
    if appointment.telehealth:
        if policy.telehealth_link:
            return f"by video: {policy.telehealth_link}"
        return "by video (the practice will send you the link)"
    return f"at {appointment.location}" if appointment.location else "at the practice"


def session_values(
    appointment: Appointment, case: Case, policy: ReminderPolicy, links: Links, **more: str
) -> dict[str, str]:
    """Everything a template may say about this session: the whitelist, nothing else."""
    day, clock = local_when(appointment, policy)
    return values_for(
        policy.templates.show_case_name,
        practice_name=policy.practice_name,
        date=day,
        time=clock,
        timezone=policy.timezone,
        place=place_of(appointment, policy),
        confirm_link=links[0],
        cancel_link=links[1],
        case_name=case.name,
        **more,
    )


def compose(policy: ReminderPolicy, kind: TemplateKind, values: Mapping[str, str]) -> str:
    try:
        text = (policy.render or render_plain)(policy.templates.source(kind), values)
    except InvalidInput:  # a saved text that fails for these values: the default wording
        text = render_plain(DEFAULTS[kind], values)
    return text.strip()[:SMS_LIMIT] if kind.is_sms else text


def reminder_text(
    appointment: Appointment,
    policy: ReminderPolicy,
    channel: Channel,
    case: Case,
    links: Links = NO_LINKS,
) -> tuple[str, str]:
    """The subject (email) and the text of a reminder. The SMS fits one segment."""
    values = session_values(appointment, case, policy, links)
    if channel is Channel.SMS:
        return "", compose(policy, TemplateKind.REMINDER_SMS, values)
    subject = compose(policy, TemplateKind.REMINDER_SUBJECT, values)
    return " ".join(subject.split())[:300], compose(policy, TemplateKind.REMINDER_EMAIL, values)


def recipients(
    case: Case, appointment: Appointment, tz: ZoneInfo
) -> list[tuple[PersonId, Channel]]:
    """Who gets reminders of this session, on which channel: the designated people, except
    a former member for a session after they left."""
    day = appointment.start.astimezone(tz).date()
    members_then = {m.person_id for m in case.members_on(day)}
    chosen: list[tuple[PersonId, Channel]] = []
    for person_id, pref in sorted(case.communication.items(), key=lambda kv: str(kv[0])):
        if not pref.reminders or pref.channel is Channel.NONE:
            continue
        if case.ever_member(person_id) and person_id not in members_then:
            continue
        chosen.append((person_id, pref.channel))
    return chosen


def address_of(person: Person, channel: Channel) -> str | None:
    if channel is Channel.EMAIL:
        return person.email or None
    if channel is Channel.SMS and person.sms_consent:
        return person.mobile or None
    return None


def plan(
    appointment: Appointment,
    case: Case,
    people: Mapping[PersonId, Person],
    policy: ReminderPolicy,
    now: datetime,
    new_id: Callable[[], UUID],
    links: LinkMaker | None = None,
) -> list[OutboundMessage]:
    """The reminders this session should have from now on (none unless it is scheduled and
    to come). `links` makes each message's confirm and cancel links."""
    if appointment.status is not AppointmentStatus.SCHEDULED or appointment.start <= now:
        return []
    planned = []
    start_key = int(appointment.start.timestamp())
    for person_id, channel in recipients(case, appointment, policy.tz):
        person = people.get(person_id)
        address = address_of(person, channel) if person is not None else None
        if address is None:
            continue
        for lead in policy.leads:
            if lead.channel is not channel:
                continue
            due = appointment.start - lead.before
            if channel is Channel.SMS:
                due = quiet_until_morning(policy, due)
            if due < now or due >= appointment.start:
                continue
            key = f"{key_prefix(appointment.id)}{start_key}:{person_id}:{lead.label}"
            made = links(appointment, person_id, key) if links else NO_LINKS
            subject, body = reminder_text(appointment, policy, channel, case, made)
            planned.append(
                OutboundMessage(
                    id=new_id(),
                    delivery_key=key,
                    channel=channel,
                    to=address,
                    subject=subject,
                    body=body,
                    due_at=due,
                    expires_at=appointment.start,
                    created_at=now,
                    person_id=person_id,
                    case_id=appointment.case_id,
                )
            )
    return planned
