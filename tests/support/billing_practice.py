"""The scheduling test practice with billing around it: payers, attendance by first name,
ledger and invoices read back (for the billing tests on every store)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from core.domain.billing.invoices import Invoice
from core.domain.billing.ledger import LedgerEntry, open_entries
from core.domain.cases.access import StaffActor
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.values import CaseId, OrganizationId, PersonId
from core.services import cases, directory
from core.services import scheduling as s
from core.services.billing import invoicing
from core.services.scheduling import views as v
from tests.support.scheduling_practice import Clinic, at

ATTENDED, ABSENT, LATE, NO_SHOW = (
    Attendance.ATTENDED,
    Attendance.ABSENT,
    Attendance.LATE_CANCELLED,
    Attendance.NO_SHOW,
)


class BillingClinic(Clinic):
    async def setup(self) -> BillingClinic:
        await super().setup()
        # The group and consultation services with the policy's fees.
        for name, late, no_show in (
            ("Group 90", "50%", "60.00"),
            ("Family 50", "50%", "100%"),
            ("Consultation 60", "", ""),
        ):
            service_id = self.services[name]
            async with self.deps.uow() as uow:
                service = await uow.services.get(service_id)
            assert service is not None
            await s.update_service(
                self.deps,
                self.owner,
                s.UpdateService(
                    service_id=service_id,
                    version=service.version,
                    name=service.name,
                    service_line=service.service_line,
                    minutes=service.minutes,
                    fee_minor=service.fee.amount_minor,
                    billing_code=service.billing_code,
                    late_cancel_fee=late,
                    no_show_fee=no_show,
                ),
            )
        return self

    async def organization(self, name: str) -> OrganizationId:
        return await directory.register_organization(
            self.deps, self.owner, directory.RegisterOrganization(name=name)
        )

    async def payer(
        self,
        case_id: CaseId,
        payer: PayerRef,
        *,
        covers: PersonId | None = None,
        share: int | None = None,
        from_day: date | None = None,
    ) -> None:
        await cases.add_billing_responsibility(
            self.deps,
            self.owner,
            cases.AddBillingResponsibility(
                case_id=case_id,
                payer=cases.Payer(kind=payer.kind, id=payer.id, covers=covers, share_percent=share),
                from_day=from_day,
            ),
        )

    async def mark(self, actor, appointment_id: UUID, **marks: Attendance | None):
        page = await v.appointment_page(self.deps, actor, appointment_id)
        by_first_name = {p.name.split()[0].lower(): p.person_id for p in page.expected}
        return await s.record_attendance(
            self.deps,
            actor,
            s.RecordAttendance(
                appointment_id=appointment_id,
                marks={by_first_name[name]: value for name, value in marks.items()},
            ),
        )

    async def live_charges(self, appointment_id: UUID) -> list[LedgerEntry]:
        async with self.deps.uow() as uow:
            return open_entries(await uow.ledger.for_causes([appointment_id]))

    async def entries(self, appointment_id: UUID) -> list[LedgerEntry]:
        async with self.deps.uow() as uow:
            return await uow.ledger.for_causes([appointment_id])

    async def invoice(self, invoice_id: UUID) -> Invoice:
        async with self.deps.uow() as uow:
            found = await uow.invoices.get(invoice_id)
        assert found is not None
        return found

    async def run_month(self, month: str) -> list[UUID]:
        return await invoicing.run_month(self.deps, self.owner, invoicing.MonthlyRun(month=month))

    async def january_invoice(self, day: int = 10) -> tuple[StaffActor, PersonId, CaseId, UUID]:
        """Dr. Lee's client Sam Chen, one session attended on January `day` (150.00), invoiced
        by February's run on the 1st: (lee, sam, the case, the invoice)."""
        lee = await self.staff("Dr. Lee")
        sam = await self.person("Sam Chen")
        case = await self.case(CaseKind.INDIVIDUAL, lee, (sam, MemberRole.CLIENT))
        (session,) = (await self.book(lee, case, at(1, day, 10))).appointment_ids
        self.now(at(1, day, 11))
        await self.mark(lee, session, sam=ATTENDED)
        self.now(at(2, 1, 9))
        (invoice_id,) = await self.run_month("2026-01")
        return lee, sam, case, invoice_id


def person(person_id: PersonId) -> PayerRef:
    return PayerRef(PayerKind.PERSON, person_id)


def org(organization_id: OrganizationId) -> PayerRef:
    return PayerRef(PayerKind.ORGANIZATION, organization_id)


def charged(entries: list[LedgerEntry]) -> dict[PayerRef, int]:
    """What each payer is charged, net, by these entries."""
    sums: dict[PayerRef, int] = {}
    for e in entries:
        sums[e.payer] = sums.get(e.payer, 0) + e.amount.amount_minor
    return {p: a for p, a in sums.items() if a}
