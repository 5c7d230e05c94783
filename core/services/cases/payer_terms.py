"""Who pays for a case, as a command carries it."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from core.domain.cases.access import Actor
from core.domain.cases.responsibilities import BillingResponsibility, PayerKind, PayerRef
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import Period, PersonId
from core.ports import DirectoryStore
from core.services.cases.lookups import require_payer
from core.services.directory.people import RegisterPerson, register_in, require_visible
from core.services.shared.use_case import Deps


class Payer(msgspec.Struct, frozen=True, kw_only=True):
    """Who pays, for whom (None: the whole case), and which share (None: all of it)."""

    kind: PayerKind
    id: UUID | None = None  # None: `new_person` pays, registered with the change
    covers: PersonId | None = None
    share_percent: int | None = None
    new_person: RegisterPerson | None = None


async def payer_in(deps: Deps, uow: DirectoryStore, actor: Actor, payer: Payer) -> Payer:
    """The payer with its id: a new person is registered in this unit of work; an existing
    payer must be in the directory."""
    if payer.kind is PayerKind.PERSON and payer.new_person is not None:
        person = await register_in(deps, uow, actor, payer.new_person)
        return msgspec.structs.replace(payer, id=person, new_person=None)
    if payer.id is None:
        raise InvalidInput("Choose who pays from the list.", field="payer")
    if payer.kind is PayerKind.PERSON:
        await require_visible(deps, uow, actor, [PersonId(payer.id)])
    await require_payer(uow, PayerRef(payer.kind, payer.id))
    return payer


def billing_of(deps: Deps, payer: Payer, start: date) -> BillingResponsibility:
    assert payer.id is not None, "payer_in gives every payer its id"
    return BillingResponsibility(
        id=deps.ids.new(),
        payer=PayerRef(payer.kind, payer.id),
        covers=payer.covers,
        period=Period(start),
        share_percent=payer.share_percent,
    )
