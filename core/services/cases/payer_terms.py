"""Who pays for a case, as a command carries it."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from core.domain.cases.responsibilities import BillingResponsibility, PayerKind, PayerRef
from core.domain.shared.values import Period, PersonId
from core.services.shared.use_case import Deps


class Payer(msgspec.Struct, frozen=True, kw_only=True):
    """Who pays, for whom (None: the whole case), and which share (None: all of it)."""

    kind: PayerKind
    id: UUID
    covers: PersonId | None = None
    share_percent: int | None = None


def billing_of(deps: Deps, payer: Payer, start: date) -> BillingResponsibility:
    return BillingResponsibility(
        id=deps.ids.new(),
        payer=PayerRef(payer.kind, payer.id),
        covers=payer.covers,
        period=Period(start),
        share_percent=payer.share_percent,
    )
