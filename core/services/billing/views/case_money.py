"""What the case page's head says about money: the case's charges and each payer's share of
them with what the payer owes in all (for the owner and administrators), or only "owed" /
"paid up" (for a clinician of the case: no figures, no payer's payments)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.billing.access import may_handle_billing
from core.domain.billing.money import show
from core.domain.cases.access import Actor, Permission
from core.domain.cases.responsibilities import PayerKind
from core.domain.shared.values import Money, PersonId
from core.services.billing.views.invoices import payer_views
from core.services.cases.views.case_page import LoadedCasePage
from core.services.shared.use_case import Deps, View


class PayerShare(View, frozen=True, kw_only=True):
    kind: PayerKind
    id: UUID
    name: str
    currency: str
    charged: str  # for this case's sessions, net of corrections
    owes: str  # the payer's balance in that currency, over every case (negative: a credit)


class FeeView(View, frozen=True, kw_only=True):
    starts_on: date
    fee: str
    person_id: PersonId | None
    service_id: UUID | None


class CaseMoney(View, frozen=True, kw_only=True):
    owed: bool  # somebody paying for this case still owes something
    figures: bool  # False: the actor sees only owed / paid up
    charged: str = ""  # with the currency: "170.00 USD" (per currency, should the case have two)
    mixed: bool = False  # charged in more than one currency: each payer's line says which
    payers: list[PayerShare] = []
    fees: list[FeeView] = []  # the case's own fees (sliding scale), by start date


async def case_money(deps: Deps, actor: Actor, loaded: LoadedCasePage) -> CaseMoney | None:
    """The money box of the case page `loaded` (built for `actor`, who may see the case); None
    when the actor may not see the case's money."""
    if Permission.VIEW_BILLING not in loaded.granted:
        return None
    case_id = loaded.case.id
    figures = may_handle_billing(actor)
    async with deps.uow() as uow:
        shares = await uow.ledger.case_shares(case_id)
        payers = {s.payer for s in shares}
        names = (
            await payer_views(uow, payers, loaded.people, loaded.organizations) if figures else {}
        )
        overrides = await uow.fee_overrides.for_cases([case_id]) if figures else []
    # What is owed for the case: each payer's charges for it, as far as their balance is
    # still open (a payment is the payer's, not a case's: it pays their oldest invoices).
    owed = any(min(s.charged_minor, s.owes_minor) > 0 for s in shares)
    if not figures:
        return CaseMoney(owed=owed, figures=False)
    # Summed per currency: the practice's, unless the owner changed it after some charges.
    totals: dict[str, int] = {}
    for s in shares:
        totals[s.currency] = totals.get(s.currency, 0) + s.charged_minor
    charged = " + ".join(f"{show(Money(total, c))} {c}" for c, total in totals.items())
    return CaseMoney(
        owed=owed,
        figures=True,
        charged=charged,
        mixed=len(totals) > 1,
        payers=[
            PayerShare(
                kind=s.payer_kind,
                id=s.payer_id,
                name=names[s.payer].name if s.payer in names else "(unknown payer)",
                currency=s.currency,
                charged=show(Money(s.charged_minor, s.currency)),
                owes=show(Money(s.owes_minor, s.currency)),
            )
            for s in sorted(shares, key=lambda s: names[s.payer].name if s.payer in names else "")
        ],
        fees=[
            FeeView(
                starts_on=o.starts_on,
                fee=show(o.fee),
                person_id=o.person_id,
                service_id=o.service_id,
            )
            for o in overrides
        ],
    )
