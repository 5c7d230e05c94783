"""Who may handle money: payments belong to a payer, not a case, so they are handled at the
practice's level by the owner and administrators (their billing duties). A clinician sees
whether a case's payers have paid or owe, never how (methods, cards, references)."""

from __future__ import annotations

from core.domain.cases.access import Actor, StaffActor
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import Forbidden


def may_handle_payments(actor: Actor | None) -> bool:
    return isinstance(actor, StaffActor) and (actor.is_owner or actor.has(StaffRole.ADMINISTRATOR))


def require_payments(actor: Actor | None) -> StaffActor:
    if not may_handle_payments(actor):
        raise Forbidden("Your role does not include payments.")
    assert isinstance(actor, StaffActor)
    return actor
