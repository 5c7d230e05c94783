"""The billing test practice with payments: a processor (the in-memory gateway unless given),
payment deps on the practice's bus with autopay wired, and the couple and family of DOMAIN.md's
scenarios 1 and 10 charged and invoiced."""

from __future__ import annotations

import dataclasses
from datetime import date
from uuid import UUID

from adapters.payments.memory import MemoryGateway
from bootstrap import message_bus
from core.domain.billing.invoices import Invoice
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import PayerRef
from core.domain.shared.values import PersonId
from core.ports.payments import PaymentGateway
from core.services.billing import fees, invoicing
from core.services.billing import payment_cards as cards
from core.services.billing.payments import PaymentDeps
from tests.support.billing_practice import ATTENDED, BillingClinic, person
from tests.support.scheduling_practice import at


class PaymentsClinic(BillingClinic):
    def __init__(self, uow, gateway: PaymentGateway | None = None) -> None:
        super().__init__(uow)
        self.gateway = gateway if gateway is not None else MemoryGateway()

    async def setup(self) -> PaymentsClinic:
        await super().setup()
        bus = message_bus(payments=self.gateway)
        self.deps = dataclasses.replace(self.deps, bus=bus)
        self.pay = PaymentDeps.of(self.deps, self.gateway)
        return self

    async def issue(self, payer: PayerRef, start: date, end: date) -> Invoice:
        draft = await invoicing.draft_invoice(
            self.deps,
            self.owner,
            invoicing.DraftInvoice(payer_kind=payer.kind, payer_id=payer.id, start=start, end=end),
        )
        await invoicing.issue_invoice(
            self.deps, self.owner, invoicing.IssueInvoice(invoice_id=draft, version=0)
        )
        return await self.invoice(draft)

    async def couple_sam_pays(self) -> tuple[PersonId, UUID]:
        """Scenario 1: Maya and Sam with Dr. Lee, Sam pays; one session held (170.00) on 7 Jan.
        Returns Sam and the case (`self.lee` is Dr. Lee)."""
        lee = self.lee = await self.staff("Dr. Lee")
        maya, sam = await self.person("Maya Rivera"), await self.person("Sam Chen")
        couple = await self.case(
            CaseKind.COUPLE, lee, (maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)
        )
        await self.payer(couple, person(sam), from_day=date(2026, 1, 5))
        booked = await self.book(lee, couple, at(1, 7, 10), service="Family 50")
        (session,) = booked.appointment_ids
        self.now(at(1, 7, 11))
        await self.mark(lee, session, maya=ATTENDED, sam=ATTENDED)
        return sam, couple

    async def held(self, case_id: UUID, month: int, day: int = 10) -> None:
        """Another session of the couple held (by Dr. Lee) on that day."""
        booked = await self.book(self.lee, case_id, at(month, day, 10), service="Family 50")
        (session,) = booked.appointment_ids
        self.now(at(month, day, 11))
        await self.mark(self.lee, session, maya=ATTENDED, sam=ATTENDED)

    async def okafor_split(self) -> tuple[PersonId, PersonId]:
        """Scenario 10: the Okafor family session at 180.00, the father 60 %, the mother the
        remainder. Returns (father, mother)."""
        lee = await self.staff("Dr. Lee")
        ada = await self.person("Ada Okafor")
        chidi = await self.person("Chidi Okafor")
        father = await self.person("Emeka Okafor")
        family = await self.case(
            CaseKind.FAMILY, lee, (ada, MemberRole.PARENT), (chidi, MemberRole.IDENTIFIED_CLIENT)
        )
        await self.payer(family, person(father), share=60, from_day=date(2026, 1, 5))
        await self.payer(family, person(ada), share=40, from_day=date(2026, 1, 5))
        await fees.set_fee(
            self.deps,
            self.owner,
            fees.SetFee(case_id=family, starts_on=date(2026, 1, 5), fee_minor=18000),
        )
        booked = await self.book(lee, family, at(1, 8, 16), service="Family 50")
        (session,) = booked.appointment_ids
        self.now(at(1, 8, 17))
        await self.mark(lee, session, ada=ATTENDED, chidi=ATTENDED)
        return father, ada

    async def save_card(self, payer: PayerRef, card: str = "pm_card_visa") -> str:
        return await cards.save_card(
            self.pay,
            self.owner,
            cards.SaveCard(
                payer=payer, method_id=card, consent_text=cards.CONSENT_TEXT, consented=True
            ),
        )
