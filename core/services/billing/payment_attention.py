"""Billing's "needs attention" section for the owner and administrators: the payers whose card
was declined (autopay's declines included; autopay pauses after three), one row per payer with
their latest decline, from `declined_card_payments` (one query for the attempts and one per
kind of payer for the names). The provider needs the payment gateway of `PaymentDeps`, so
`bootstrap.py` makes it with the practice's gateway; the list itself never calls the processor."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, tzinfo

from core.domain.billing.access import may_handle_billing
from core.domain.cases.access import StaffActor
from core.domain.cases.responsibilities import PayerRef
from core.domain.scheduling.fees import show_amount
from core.ports.payments import PaymentGateway
from core.services.billing.payment_views import DeclinedPayment, declined_card_payments
from core.services.billing.payments import PaymentDeps
from core.services.shared.attention import AttentionProvider, AttentionRow, AttentionSection
from core.services.shared.use_case import Deps


def _row(latest: DeclinedPayment, declines: int, tz: tzinfo) -> AttentionRow:
    what = "Autopay" if latest.autopay else "A card payment"
    more = f" · {declines} declines" if declines > 1 else ""
    return AttentionRow(
        label=latest.payer_name,
        detail=f"{what} of {show_amount(latest.amount_minor)} declined on "
        f"{latest.at.astimezone(tz):%d %b %Y}: {latest.message}{more}",
        target=f"payer_{latest.payer.kind.value}",
        target_id=latest.payer.id,
        at=latest.at,
    )


def declined_payment_sections(gateway: PaymentGateway) -> AttentionProvider:
    async def sections(
        deps: Deps, actor: StaffActor, *, counting: bool = False
    ) -> list[AttentionSection]:
        if not may_handle_billing(actor):
            return []
        tz: tzinfo = getattr(deps, "tz", UTC)
        declined = await declined_card_payments(PaymentDeps.of(deps, gateway), actor, audited=False)
        declines = Counter(d.payer for d in declined)
        latest: dict[
            PayerRef, DeclinedPayment
        ] = {}  # newest first: the first seen of each payer is their latest
        for d in declined:
            latest.setdefault(d.payer, d)
        rows = [_row(d, declines[p], tz) for p, d in latest.items()]
        return [
            AttentionSection(
                key="billing.declined",
                title="Declined card payments",
                rows=rows,
                total=len(rows),
            )
        ]

    return sections
