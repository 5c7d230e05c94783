"""The demo's money received: cards on file with the payers' consent before the monthly runs
(Sam on autopay, paid as each invoice is issued; the Haddad family's payer on autopay with a
card that is declined, so "Needs attention" has something to show), then Emeka Okafor's bank
transfer for half of his oldest invoice, recorded by Morgan (the rest is still open: the
browser tier records his cheque for it)."""

from __future__ import annotations

from adapters.cli.demo.loader import Loader
from adapters.cli.demo.staff import Team
from core.domain.billing.payments import PaymentMethod
from core.domain.cases.responsibilities import PayerRef
from core.ports.payments import PaymentGateway
from core.services.billing import payment_cards as cards
from core.services.billing import payments as pay


async def cards_on_file(d: Loader, team: Team, gateway: PaymentGateway) -> None:
    deps = pay.PaymentDeps.of(d.deps, gateway)
    for name, card in (
        ("Sam Chen", "pm_card_visa"),
        ("Rania Haddad", "pm_card_chargeCustomerFail"),
    ):
        if name not in d.people:
            continue
        payer = PayerRef.person(d.people[name])
        await cards.save_card(
            deps,
            team.morgan,
            cards.SaveCard(
                payer=payer, method_id=card, consent_text=cards.CONSENT_TEXT, consented=True
            ),
        )
        await cards.set_autopay(
            deps, team.morgan, cards.SetAutopay(payer=payer, on=True, version=1)
        )


async def payments_received(d: Loader, team: Team, gateway: PaymentGateway) -> None:
    deps = pay.PaymentDeps.of(d.deps, gateway)
    emeka = PayerRef.person(d.people["Emeka Okafor"])
    async with d.deps.uow() as uow:
        still_open = await uow.invoices.open_for_payer(emeka)
    if not still_open:
        return
    invoice_id, amount = still_open[0]
    await pay.record_payment(
        deps,
        team.morgan,
        pay.RecordPayment(
            token=f"demo-transfer-{invoice_id}",
            payer=emeka,
            amount_minor=amount.amount_minor // 2,  # the rest is still open (Morgan's cheque)
            method=PaymentMethod.BANK_TRANSFER,
            received_on=d.clock.today(),
            reference="TRF 2231",
            invoice_ids=(invoice_id,),
        ),
    )
