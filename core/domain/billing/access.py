"""Who may handle money: the practice-wide billing work (invoices, the monthly run, aging) is
the owner's and the administrators'. Per case, `Permission.VIEW_BILLING` (cases' access rules)
decides who sees a case's balance; a clinician sees only "paid / owed"."""

from __future__ import annotations

from core.domain.cases.access import Actor, StaffActor
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import Forbidden

BILLING_ROLES = frozenset({StaffRole.OWNER, StaffRole.ADMINISTRATOR})


def may_handle_billing(actor: Actor) -> bool:
    return isinstance(actor, StaffActor) and bool(actor.roles & BILLING_ROLES)


def require_billing(actor: Actor) -> StaffActor:
    if not isinstance(actor, StaffActor) or not may_handle_billing(actor):
        raise Forbidden("Billing is for the owner and the administrators.")
    return actor
