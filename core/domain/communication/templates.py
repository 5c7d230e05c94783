"""The texts of reminders and notices, as the owner edits them (Settings · Messages).

A template may name only the variables of `VARIABLES` — the practice's name, the day, the time,
the recipient's timezone, the place or video link, the confirm and cancel links, and (only when
the practice opts in) the case's name. Nothing else is ever handed to a template, so no wording
can leak a diagnosis, the service, the clinician or another participant: the renderer (a Jinja
sandbox in production, `render_plain` where none is wired) sees just these strings. An SMS
template must fit one segment (160 characters) with long sample values; a text that still runs
over at sending is cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import InvalidInput
from core.domain.shared.events import DomainEvent, EventLog

TEMPLATES_ID = UUID("00000000-0000-4000-8000-0000000000a1")  # the one row, as the practice's
MAX_TEMPLATE = 4000

Render = Callable[[str, Mapping[str, str]], str]


class TemplateKind(StrEnum):
    REMINDER_SUBJECT = "reminder_subject"
    REMINDER_EMAIL = "reminder_email"
    REMINDER_SMS = "reminder_sms"
    NOTICE_EMAIL = "notice_email"
    NOTICE_SMS = "notice_sms"

    @property
    def is_sms(self) -> bool:
        return self in (TemplateKind.REMINDER_SMS, TemplateKind.NOTICE_SMS)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    TemplateKind.REMINDER_SUBJECT: "Reminder email: subject",
    TemplateKind.REMINDER_EMAIL: "Reminder email: text",
    TemplateKind.REMINDER_SMS: "Reminder SMS",
    TemplateKind.NOTICE_EMAIL: "Booked, moved or cancelled: email text",
    TemplateKind.NOTICE_SMS: "Booked, moved or cancelled: SMS",
}

# Every name a template may use, and what it holds.
VARIABLES: dict[str, str] = {
    "practice_name": "the practice's name",
    "date": "the day of the session, e.g. Thursday 8 January",
    "time": "the time of the session, e.g. 18:00",
    "timezone": "the recipient's timezone",
    "place": "the place, or the video link",
    "confirm_link": "a link that confirms the session",
    "cancel_link": "a link that cancels the session",
    "change": "booked, moved or cancelled (notices)",
    "case_name": "the case's name (empty unless the practice shows it)",
}

DEFAULTS: dict[TemplateKind, str] = {
    TemplateKind.REMINDER_SUBJECT: "Reminder: your appointment on {{ date }}",
    TemplateKind.REMINDER_EMAIL: (
        "This is a reminder from {{ practice_name }} of your appointment on {{ date }} at "
        "{{ time }} ({{ timezone }}), {{ place }}.\n\n"
        "Confirm that you will come: {{ confirm_link }}\n"
        "If you cannot come, cancel here: {{ cancel_link }}\n"
    ),
    TemplateKind.REMINDER_SMS: (
        "{{ practice_name }}: reminder of your appointment {{ date }} at {{ time }} "
        "({{ timezone }}). Reply STOP to opt out"
    ),
    TemplateKind.NOTICE_EMAIL: (
        "Appointment {{ change }}: {{ date }} at {{ time }} ({{ timezone }}), {{ place }}, "
        "with {{ practice_name }}."
    ),
    TemplateKind.NOTICE_SMS: (
        "{{ practice_name }}: appointment {{ change }}, {{ date }} at {{ time }} ({{ timezone }})."
    ),
}

# Long but real values: an SMS template that fits with these fits with any practice's.
SAMPLE: dict[str, str] = {
    "practice_name": "Riverside Counselling Practice",
    "date": "Wednesday 30 September",
    "time": "18:30",
    "timezone": "America/Los_Angeles",
    "place": "at 1200 Harbour Street, Suite 4",
    # As long as a real link: an address and a 43-character secret.
    "confirm_link": "https://hearth.example.org/s/"
    + "Vq3bXk9PzR2mT7wLsAb4Cd5Ef6Gh7Ij8Kl9Mn0Op1Qr"
    + "?do=confirm",
    "cancel_link": "https://hearth.example.org/s/"
    + "Vq3bXk9PzR2mT7wLsAb4Cd5Ef6Gh7Ij8Kl9Mn0Op1Qr"
    + "?do=cancel",
    "change": "cancelled",
    "case_name": "Rivera couple",
}


@dataclass(frozen=True, kw_only=True)
class TemplatesChanged(DomainEvent):
    audited = (AuditAction.CHANGE, "message_templates", "templates_id")
    templates_id: UUID = TEMPLATES_ID
    fields: tuple[str, ...] = ()


@dataclass(slots=True)
class MessageTemplates:
    """The practice's texts: `texts` holds what the owner changed (the rest are DEFAULTS)."""

    texts: dict[TemplateKind, str] = field(default_factory=dict)
    show_case_name: bool = False
    id: UUID = TEMPLATES_ID
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kinds = {TemplateKind(k): v for k, v in self.texts.items()}
        self.texts = {k: v for k, v in kinds.items() if v and v != DEFAULTS[k]}
        for kind, text in self.texts.items():
            if len(text) > MAX_TEMPLATE:
                raise InvalidInput(f"At most {MAX_TEMPLATE} characters.", field=kind.value)

    def source(self, kind: TemplateKind) -> str:
        return self.texts.get(kind, DEFAULTS[kind])

    def change(self, texts: Mapping[TemplateKind, str], show_case_name: bool) -> None:
        wanted = MessageTemplates(dict(texts), show_case_name)
        changed = tuple(k.value for k in TemplateKind if self.source(k) != wanted.source(k)) + (
            ("show_case_name",) if show_case_name != self.show_case_name else ()
        )
        self.texts, self.show_case_name = wanted.texts, show_case_name
        if changed:
            self.events.record(TemplatesChanged(fields=changed))


_NAME = re.compile(r"{{\s*([A-Za-z_][A-Za-z0-9_]*)\s*}}")


def render_plain(source: str, values: Mapping[str, str]) -> str:
    """`{{ name }}` replaced by its value, nothing else interpreted: what renders the texts when
    no template engine is wired (the defaults use only this)."""
    return _NAME.sub(lambda m: values.get(m.group(1), ""), source)


def values_for(show_case_name: bool, **values: str) -> dict[str, str]:
    """The whitelisted values, every name present (empty when not known here)."""
    out = {name: values.get(name, "") for name in VARIABLES}
    if not show_case_name:
        out["case_name"] = ""
    return out
