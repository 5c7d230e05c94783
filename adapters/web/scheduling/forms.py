"""The scheduling forms, declared: `forms.read(form, Shape)` turns each post into one of these
(or into the core's command itself), with the message of a refused value next to its input."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from adapters.web.kit.forms import what
from core.domain.scheduling.appointments import AppointmentStatus, Attendance
from core.domain.scheduling.series import MAX_OCCURRENCES
from core.domain.scheduling.services import MAX_MINUTES, MIN_MINUTES
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.services import scheduling

Version = Annotated[
    int,
    msgspec.Meta(ge=0, le=2**31),
    what("a version", missing="Reload the page and try again."),
]
OnBehalfOf = Annotated[StaffId | None, what("a clinician")]
WhichSessions = Annotated[scheduling.Scope, what("which sessions")]


class SessionForm(msgspec.Struct, kw_only=True):
    """The fields booking and changing share: the core's `SessionDetails`."""

    start: Annotated[datetime, what("a time", missing="Enter the date and time of the session.")]
    # The core's limits, so that the form and the core say the same numbers.
    minutes: Annotated[int, msgspec.Meta(ge=MIN_MINUTES, le=MAX_MINUTES)] | None = None
    service_id: Annotated[UUID, what("a service")]
    provider_ids: Annotated[tuple[StaffId, ...], what("a provider")] = ()
    location: str = ""
    telehealth: bool = False
    supervisor_id: Annotated[StaffId | None, what("a supervisor")] = None
    on_behalf_of: OnBehalfOf = None

    def details(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in SessionForm.__struct_fields__}


class BookForm(SessionForm, kw_only=True):
    case_id: Annotated[CaseId, what("a case")]
    repeat: bool = False
    far_ahead_confirmed: bool = False  # ticked on the form once it asked
    despite_overlaps: bool = False

    def command(self, repeat: scheduling.Repeat | None) -> scheduling.ScheduleAppointment:
        return scheduling.ScheduleAppointment(
            case_id=self.case_id,
            repeat=repeat,
            far_ahead_confirmed=self.far_ahead_confirmed,
            despite_overlaps=self.despite_overlaps,
            **self.details(),
        )


class RepeatForm(msgspec.Struct, kw_only=True):
    """Read only when "repeat" is ticked: an unticked series' fields are not the form's."""

    every_weeks: Annotated[int, msgspec.Meta(ge=1, le=52)] | None = None
    until: date | None = None
    count: Annotated[int, msgspec.Meta(ge=1, le=MAX_OCCURRENCES)] | None = None

    def repeat(self) -> scheduling.Repeat:
        return scheduling.Repeat(
            every_weeks=self.every_weeks or 1, until=self.until, count=self.count
        )


class ChangeForm(SessionForm, kw_only=True):
    minutes: Annotated[
        int,
        msgspec.Meta(ge=MIN_MINUTES, le=MAX_MINUTES),
        what("a length", missing="Enter the length in minutes."),
    ]
    version: Version
    scope: WhichSessions = scheduling.Scope.THIS


class AttendanceForm(msgspec.Struct, kw_only=True):
    """One participant's mark, or the same mark for several ("Mark everyone attended")."""

    person_id: Annotated[list[PersonId], what("a participant")]
    mark: Annotated[Attendance | None, what("an attendance mark")] = None
    on_behalf_of: OnBehalfOf = None


class StatusForm(msgspec.Struct, kw_only=True):
    version: Version
    status: Annotated[AppointmentStatus, what("a status")]
    on_behalf_of: OnBehalfOf = None


class CodesForm(msgspec.Struct, kw_only=True):
    version: Version
    choice: str = ""  # "suggested", "own", or "option" (one of the options Hearth asks about)
    codes: str = ""
    option: Annotated[int, msgspec.Meta(ge=0, le=20), what("one of the options")] | None = None


class CancelForm(msgspec.Struct, kw_only=True):
    version: Version
    scope: WhichSessions = scheduling.Scope.THIS
    late: bool = False
    on_behalf_of: OnBehalfOf = None


class FeedForm(msgspec.Struct, kw_only=True):
    include_names: bool = False


class CalendarQuery(msgspec.Struct, kw_only=True):
    """The calendar's address: `view=day|week`, `start`, `who` (a staff id or "all"); for
    everyone, `find` (part of a clinician's name) and `page`."""

    view: str = ""
    start: date | None = None
    who: str = ""
    find: Annotated[str, msgspec.Meta(max_length=100)] = ""
    page: Annotated[int, msgspec.Meta(ge=1, le=10_000), what("a page")] = 1


class PanelQuery(msgspec.Struct, kw_only=True):
    """The case's schedule panel: the period of its attendance grid (`from`, `to`)."""

    from_: date | None = msgspec.field(default=None, name="from")
    to: date | None = None
