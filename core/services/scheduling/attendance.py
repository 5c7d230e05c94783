"""Use cases of attendance per participant and of a session's status."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.access import Actor, Permission
from core.domain.scheduling.appointments import (
    Appointment,
    AppointmentStatus,
    Attendance,
)
from core.domain.scheduling.events import AttendanceRecorded, StatusSet
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import PersonId, StaffId
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.steps import (
    _mark,
    _on_behalf_of,
    check_overlaps,
    commit_changes,
    hold_open,
    load,
    retrying,
)
from core.services.shared.use_case import Command


class RecordAttendance(Command, frozen=True, kw_only=True):
    appointment_id: UUID
    marks: dict[PersonId, Attendance | None]  # None clears a mark
    on_behalf_of: StaffId | None = None


async def record_attendance(
    deps: SchedulingDeps, actor: Actor, cmd: RecordAttendance
) -> Appointment:
    """Record what each expected participant did; the session's status follows. Marks are
    per person, so two people marking different participants at once both succeed."""
    if not cmd.marks:
        raise InvalidInput("Mark at least one participant.", field="attendance")
    return await retrying(lambda: _record_attendance(deps, actor, cmd))


async def _record_attendance(
    deps: SchedulingDeps, actor: Actor, cmd: RecordAttendance
) -> Appointment:
    async with deps.uow() as uow:
        appointment, ctx = await load(deps, uow, actor, cmd.appointment_id, Permission.MANAGE_CASE)
        expected = appointment.expected(ctx.case, deps.tz)
        now = deps.clock.now()
        held = appointment.holds_slot
        for person_id, mark in cmd.marks.items():
            appointment.record_attendance(person_id, mark, expected, now)
        if appointment.holds_slot and not held:
            # A late cancellation corrected to attended takes its slot back.
            await check_overlaps(deps, uow, [appointment])
        on_behalf = _on_behalf_of(ctx.actor, appointment.providers, cmd.on_behalf_of)
        appointment.touch(_mark(deps, ctx.actor, on_behalf))
        appointment.events.record(
            AttendanceRecorded.about(
                appointment,
                marks=tuple(cmd.marks.items()),
            )
        )
        await uow.appointments.update(appointment)
        await commit_changes(deps, uow, ctx.actor, ctx.case, on_behalf)
    return appointment


class SetStatus(Command, frozen=True, kw_only=True):
    appointment_id: UUID
    version: int
    status: AppointmentStatus
    on_behalf_of: StaffId | None = None


async def set_status(deps: SchedulingDeps, actor: Actor, cmd: SetStatus) -> Appointment:
    async with deps.uow() as uow:
        appointment, ctx = await load(deps, uow, actor, cmd.appointment_id, Permission.MANAGE_CASE)
        appointment.version = cmd.version
        before = appointment.status
        appointment.set_status(
            cmd.status, appointment.expected(ctx.case, deps.tz), deps.clock.now()
        )
        if not before.holds_slot and appointment.holds_slot:
            # Reinstating a cancelled session books it again: on an open case, without overlap.
            await hold_open(uow, ctx.case, appointment.start, deps.tz)
            await check_overlaps(deps, uow, [appointment])
        on_behalf = _on_behalf_of(ctx.actor, appointment.providers, cmd.on_behalf_of)
        appointment.touch(_mark(deps, ctx.actor, on_behalf))
        appointment.events.record(
            StatusSet.about(
                appointment,
                status=appointment.status,
                before=before,
            )
        )
        await uow.appointments.update(appointment)
        await commit_changes(deps, uow, ctx.actor, ctx.case, on_behalf)
    return appointment
