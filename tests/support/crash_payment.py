"""A process that charges a saved card through Stripe (localstripe) and dies between the
processor's answer and Hearth's commit: it prints ANSWERED once Stripe has charged, then waits
for the SIGKILL the test sends.

Usage: python -m tests.support.crash_payment DB_URL STRIPE_URL PAYER_ID INVOICE_ID AMOUNT
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from uuid import UUID

from adapters.payments.stripe_gateway import StripeGateway
from adapters.persistence.memory.audit import MemoryAuditLog
from adapters.persistence.sql.engine import create_engine
from adapters.persistence.sql.unit_of_work import sql_uow_factory
from adapters.system.clock import FixedClock
from adapters.system.ids import RandomIds
from bootstrap import message_bus
from core.domain.billing.payments import autopay_key
from core.domain.cases.responsibilities import PayerRef
from core.ports.payments import Charge, ChargeRequest
from core.services.billing.payments import ChargeCard, PaymentDeps, charge_card


class DiesAfterTheAnswer(StripeGateway):
    async def charge(self, request: ChargeRequest) -> Charge:
        answer = await super().charge(request)
        print("ANSWERED", answer.reference, flush=True)
        await asyncio.sleep(120)  # the SIGKILL comes now, before anything is committed
        raise SystemExit("not killed")


async def main(db_url: str, stripe_url: str, payer_id: str, invoice_id: str, amount: str) -> None:
    engine = create_engine(db_url)
    gateway = DiesAfterTheAnswer("sk_test_crash", webhook_secret="whsec_crash", api_base=stripe_url)
    deps = PaymentDeps(
        uow=sql_uow_factory(engine),
        clock=FixedClock(datetime(2026, 1, 7, 17, tzinfo=UTC), "America/New_York"),
        ids=RandomIds(),
        audit=MemoryAuditLog(),
        bus=message_bus(),
        gateway=gateway,
    )
    command = ChargeCard(
        token=autopay_key(UUID(invoice_id), 1),
        payer=PayerRef.person(UUID(payer_id)),  # type: ignore[arg-type]
        amount_minor=int(amount),
        invoice_ids=(UUID(invoice_id),),
    )
    await charge_card(deps, None, command, autopay=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
