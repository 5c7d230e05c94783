"""What scheduling needs from a store: services, appointments and their series.

Same contract as the other repositories (see `unit_of_work`): copies out, staged writes that
reach the store on commit, `update` raising `ConcurrencyConflict` on a stale version. On top of
that the store guarantees the no-overlap rule under concurrency: a commit that would leave a
provider in two overlapping slot-holding appointments (statuses in `SLOT_HOLDING`, half-open
intervals [start, end)) raises `DoubleBooking` and changes nothing, however many units of work
race. The use cases check the rule first, for a clear message; the store makes it certain.

Every list method is one query and returns appointments ordered by (start, id).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

import msgspec

from core.domain.cases.case import Case
from core.domain.cases.kinds import CaseKind
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.scheduling.feeds import CalendarFeed
from core.domain.scheduling.series import Series
from core.domain.scheduling.services import Service
from core.domain.scheduling.settings import Location, SchedulingPolicy
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.ports.directory import PersonRepository, StaffRepository
from core.ports.shared import Transaction


class ServiceRepository(Protocol):
    async def get(self, service_id: UUID) -> Service | None: ...
    async def get_many(self, ids: Iterable[UUID]) -> dict[UUID, Service]: ...
    async def list_all(self, *, include_inactive: bool = False) -> list[Service]:
        """By name (case-insensitive), then id."""
        ...

    async def add(self, service: Service) -> None:
        """Raises `InvalidInput` (field "name") when another service has the same name."""
        ...

    async def update(self, service: Service) -> None:
        """Same uniqueness of names as `add`."""
        ...


class BusyRow(msgspec.Struct, frozen=True, kw_only=True):
    """When one provider is taken by a slot-holding session: all the compact week of the
    practice shows of it (a count and the free time per day), so no case is read."""

    provider_id: StaffId
    start: datetime
    end: datetime


class SeriesSlot(msgspec.Struct, frozen=True, kw_only=True):
    """One session of a series as the appointment page lists them: no providers, attendance
    or codes behind it."""

    id: UUID
    start: datetime
    status: AppointmentStatus


class CalendarRow(msgspec.Struct, frozen=True, kw_only=True):
    """What a calendar shows of one appointment: no case aggregate behind it, nothing clinical.
    `expected` counts the case's members on the session's local day, `recorded` those of them
    with an attendance mark."""

    id: UUID
    start: datetime
    end: datetime
    status: AppointmentStatus
    providers: tuple[StaffId, ...]  # in order: the first renders the service
    case_id: CaseId
    case_name: str
    case_kind: CaseKind
    expected: int
    recorded: int

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class LocationRepository(Protocol):
    async def get(self, location_id: UUID) -> Location | None: ...
    async def list_all(self, *, include_inactive: bool = False) -> list[Location]:
        """By name (case-insensitive), then id."""
        ...

    async def add(self, location: Location) -> None:
        """Raises `InvalidInput` (field "name") when another location has the same name."""
        ...

    async def update(self, location: Location) -> None:
        """Same uniqueness of names as `add`."""
        ...


class SchedulingPolicyRepository(Protocol):
    """The practice's one row of scheduling settings (same versioning as `PracticeRepository`)."""

    async def get(self) -> SchedulingPolicy | None:
        """None until first saved: the defaults then."""
        ...

    async def save(self, policy: SchedulingPolicy) -> None: ...


class AppointmentRepository(Protocol):
    async def get(self, appointment_id: UUID) -> Appointment | None: ...
    async def get_many(self, ids: Iterable[UUID]) -> dict[UUID, Appointment]: ...
    async def add(self, appointment: Appointment) -> None: ...
    async def add_many(self, appointments: Iterable[Appointment]) -> None:
        """All sessions of a new series at once."""
        ...

    async def update(self, appointment: Appointment) -> None: ...

    async def for_providers(
        self,
        provider_ids: Iterable[StaffId] | None,
        start: datetime,
        end: datetime,
    ) -> list[Appointment]:
        """Appointments of any status overlapping [start, end) where one of `provider_ids`
        is a provider; None: every provider (the practice calendar)."""
        ...

    async def calendar_rows(
        self,
        provider_ids: Iterable[StaffId],
        start: datetime,
        end: datetime,
        day_starts: Sequence[tuple[date, datetime]],
    ) -> list[CalendarRow]:
        """The calendar's projection of the appointments (any status) of `provider_ids`
        overlapping [start, end), ordered by (start, id), in one query. Only those starting at
        most `MAX_MINUTES` before `start` are looked at: no session is longer (the bound keeps
        the query on the index however long the history). `day_starts` are the local days
        around the range with their first instant, ascending: a session's day (for who is
        expected) is the last one starting at or before it; it covers every session found."""
        ...

    async def busy(
        self, provider_ids: Iterable[StaffId], start: datetime, end: datetime
    ) -> list[BusyRow]:
        """One row per provider of each slot-holding appointment of `provider_ids` overlapping
        [start, end), ordered by (provider, start): from the providers' index alone (bounded
        below by `MAX_MINUTES` as `calendar_rows`), no case read."""
        ...

    async def for_case(
        self,
        case_id: CaseId,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        statuses: Iterable[AppointmentStatus] | None = None,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[Appointment]:
        """The case's appointments starting in [start, end) (unbounded where None), of the
        given statuses (None: all), oldest first or newest first, at most `limit`."""
        ...

    async def last_booked_service(self, case_id: CaseId) -> UUID | None:
        """The service of the case's latest appointment by start, whatever its status (None:
        none booked): `for_case(limit=1, newest_first=True)`'s service, in one light read."""
        ...

    async def for_cases(
        self, case_ids: Iterable[CaseId], start: datetime, end: datetime
    ) -> list[Appointment]:
        """Slot-holding appointments of these cases overlapping [start, end): a participant's
        other bookings, for the overlap warning."""
        ...

    async def overlapping(
        self,
        provider_ids: Iterable[StaffId],
        start: datetime,
        end: datetime,
        *,
        exclude: Iterable[UUID] = (),
    ) -> list[Appointment]:
        """Slot-holding appointments of these providers overlapping [start, end), other than
        those in `exclude`: what a booking would clash with."""
        ...

    async def in_series(self, series_id: UUID) -> list[Appointment]: ...

    async def series_slots(self, series_id: UUID) -> list[SeriesSlot]:
        """The series' sessions in `in_series`'s order, each its id, start and status only."""
        ...

    async def get_series(self, series_id: UUID) -> Series | None: ...
    async def get_series_many(self, ids: Iterable[UUID]) -> dict[UUID, Series]: ...
    async def add_series(self, series: Series) -> None: ...
    async def update_series(self, series: Series) -> None: ...


class CalendarFeedRepository(Protocol):
    """One feed per clinician, found by the hash of its secret."""

    async def for_staff(self, staff_id: StaffId) -> CalendarFeed | None: ...
    async def by_token_hash(self, token_hash: str) -> CalendarFeed | None: ...
    async def save(self, feed: CalendarFeed) -> None:
        """Insert or replace the clinician's feed (a new secret revokes the old one)."""
        ...

    async def delete(self, staff_id: StaffId) -> None: ...


class SchedulingCases(Protocol):
    """What scheduling does with cases (a part of `CaseRepository`): it reads them, and a
    booking writes the case back unchanged so that its version guards against a concurrent
    close (`steps.hold_open`). It never adds a case."""

    async def get(self, case_id: CaseId) -> Case | None: ...
    async def get_many(self, ids: Iterable[CaseId]) -> list[Case]: ...
    async def ids_for_people(
        self, person_ids: Iterable[PersonId]
    ) -> dict[PersonId, list[CaseId]]: ...
    async def update(self, case: Case) -> None: ...


class SchedulingStore(Transaction, Protocol):
    """Scheduling's store: appointments, services, feeds, locations and the scheduling policy,
    the cases it books on, and the people and staff it names."""

    @property
    def appointments(self) -> AppointmentRepository: ...
    @property
    def services(self) -> ServiceRepository: ...
    @property
    def feeds(self) -> CalendarFeedRepository: ...
    @property
    def locations(self) -> LocationRepository: ...
    @property
    def policy(self) -> SchedulingPolicyRepository: ...
    @property
    def cases(self) -> SchedulingCases: ...
    @property
    def people(self) -> PersonRepository: ...
    @property
    def staff(self) -> StaffRepository: ...
