"""Who reads and writes notes. The case's clinicians and its effective supervisors read a
note (the supervisor named on the note or on its appointment too, who may supervise only that
session); the case's treating clinicians write addenda; only a note's author edits its draft and
signs it. Everyone else who may see the schedule (an administrator) learns only that a note
exists, its status and its date — never its text. Psychotherapy notes are their author's alone
(`PsychotherapyNote.require_author`)."""

from __future__ import annotations

from datetime import date

from core.domain.cases.access import (
    Actor,
    Permission,
    StaffActor,
    StaffScope,
    case_permissions,
)
from core.domain.cases.case import Case
from core.domain.cases.responsibilities import StaffDuty
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import Forbidden, NotFound
from core.domain.shared.values import StaffId

_TREATING = frozenset({StaffDuty.RESPONSIBLE_PROVIDER, StaffDuty.CO_THERAPIST})
_CLINICAL = _TREATING | {StaffDuty.SUPERVISOR}


def may_read_notes(
    actor: Actor, case: Case, today: date, supervisors: tuple[StaffId | None, ...] = ()
) -> bool:
    """`supervisors`: who supervises the session in question (the note's co-signer, the
    appointment's override), who read it even without a duty on the whole case."""
    if not isinstance(actor, StaffActor):
        return False
    if actor.id in supervisors:
        return True
    return Permission.VIEW_CLINICAL in case_permissions(actor, case, today)


def require_read(
    actor: Actor, case: Case, today: date, supervisors: tuple[StaffId | None, ...] = ()
) -> None:
    if may_read_notes(actor, case, today, supervisors):
        return
    granted = case_permissions(actor, case, today)
    if Permission.VIEW_CASE not in granted and Permission.VIEW_SCHEDULE not in granted:
        raise NotFound("No such note.")
    raise Forbidden("Notes are read only by the case's clinicians and supervisors.")


def may_see_state(actor: Actor, case: Case, today: date) -> bool:
    """That a note exists, its status and date: whoever sees the case's schedule."""
    return isinstance(actor, StaffActor) and bool(
        {Permission.VIEW_SCHEDULE, Permission.VIEW_CLINICAL} & case_permissions(actor, case, today)
    )


def clinical_scope(actor: StaffActor) -> tuple[StaffScope, ...] | None:
    """The cases whose notes `actor` reads, as rules a store applies in its query (None:
    every case) — the same rules `case_permissions` grants VIEW_CLINICAL by."""
    if actor.is_owner and actor.owner_sees_clinical:
        return None
    scopes = [StaffScope(frozenset({actor.id}), _CLINICAL)]
    if actor.has(StaffRole.SUPERVISOR) and actor.supervisees:
        scopes.append(StaffScope(actor.supervisees, _TREATING))
    return tuple(scopes)
