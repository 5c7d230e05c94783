"""What the billing screens show: the invoice list, one invoice (its page and its PDF), the
unbilled charges and the aging list. For the owner and the administrators only; an invoice
names the service, the date and the code of each session, nothing clinical."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from uuid import UUID

from core.domain.billing.access import require_billing
from core.domain.billing.invoices import InvoiceStatus
from core.domain.billing.money import show
from core.domain.cases.access import Actor
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.directory.parties import Organization, Person
from core.domain.shared.audit import AuditObject
from core.domain.shared.errors import NotFound
from core.domain.shared.values import Money, OrganizationId, PersonId
from core.ports import UnitOfWork
from core.ports.billing import AgingRow, InvoiceRow
from core.services.billing.invoicing import line_of
from core.services.shared.audit import audit_read
from core.services.shared.use_case import Deps, View

PAGE_SIZE = 50
# The invoice list says "200+ invoices" rather than count a practice's every invoice per page.
COUNT_CAP = 200


class PayerView(View, frozen=True, kw_only=True):
    kind: PayerKind
    id: UUID
    name: str
    address: str = ""
    email: str | None = None


async def payer_views(
    uow: UnitOfWork,
    payers: set[PayerRef],
    people: Mapping[PersonId, Person] | None = None,
    orgs: Mapping[OrganizationId, Organization] | None = None,
) -> dict[PayerRef, PayerView]:
    """Names (and addresses) of payers: two queries for any number, fewer for those in
    `people` and `orgs` (loaded already, e.g. by the case page)."""
    people = dict(people or {})
    orgs = dict(orgs or {})
    person_ids = {PersonId(p.id) for p in payers if p.kind is PayerKind.PERSON}
    org_ids = {OrganizationId(p.id) for p in payers if p.kind is PayerKind.ORGANIZATION}
    people |= await uow.people.get_many(person_ids - people.keys())
    orgs |= await uow.organizations.get_many(org_ids - orgs.keys())
    found: dict[PayerRef, PayerView] = {}
    for p in payers:
        if p.kind is PayerKind.PERSON and (person := people.get(PersonId(p.id))) is not None:
            found[p] = PayerView(
                kind=p.kind,
                id=p.id,
                name=person.legal_name,
                address=person.address,
                email=person.email,
            )
        elif (org := orgs.get(OrganizationId(p.id))) is not None:
            found[p] = PayerView(
                kind=p.kind, id=p.id, name=org.name, address=org.address, email=org.email
            )
    return found


class InvoiceListView(View, frozen=True, kw_only=True):
    rows: list[InvoiceRow]
    total: int  # counted up to a cap: with `more`, "at least total" (shown as "200+")
    page: int
    pages: int  # the pages known so far
    status: InvoiceStatus | None
    more: bool = False
    issued_from: date | None = None
    issued_to: date | None = None


async def invoice_list(
    deps: Deps,
    actor: Actor,
    *,
    status: InvoiceStatus | None = None,
    issued_from: date | None = None,
    issued_to: date | None = None,
    page: int = 1,
) -> InvoiceListView:
    require_billing(actor)
    page = max(page, 1)
    offset = (page - 1) * PAGE_SIZE
    # Counted one past the cap and past this page: "more" shows without counting them all.
    count_to = max(COUNT_CAP, offset + PAGE_SIZE) + 1
    async with deps.uow() as uow:
        found = await uow.invoices.search(
            status=status,
            issued_from=issued_from,
            issued_to=issued_to,
            offset=offset,
            limit=PAGE_SIZE,
            count_to=count_to,
        )
    await audit_read(deps, actor, AuditObject.INVOICES, None)
    more = found.total >= count_to
    return InvoiceListView(
        rows=found.rows,
        total=found.total - 1 if more else found.total,
        page=page,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        more=more,
        status=status,
        issued_from=issued_from,
        issued_to=issued_to,
    )


class LineView(View, frozen=True, kw_only=True):
    occurred_on: date
    description: str
    code: str | None
    participant_name: str
    amount: str


class PracticeView(View, frozen=True, kw_only=True):
    name: str
    address: str
    phone: str | None
    tax_id: str


class InvoiceView(View, frozen=True, kw_only=True):
    id: UUID
    number: str
    status: InvoiceStatus
    version: int
    payer: PayerView
    practice: PracticeView
    period_start: date
    period_end: date
    issued_on: date | None
    due_on: date | None
    lines: list[LineView]
    currency: str
    total: str
    paid: str
    open: str
    void_reason: str
    replaces: UUID | None

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


async def invoice_page(deps: Deps, actor: Actor, invoice_id: UUID) -> InvoiceView:
    require_billing(actor)
    async with deps.uow() as uow:
        invoice = await uow.invoices.get(invoice_id)
        if invoice is None:
            raise NotFound("No such invoice.")
        paid = (await uow.invoices.allocated([invoice.id])).get(
            invoice.id, Money(0, invoice.currency)
        )
        payers = await payer_views(uow, {invoice.payer})
        practice = await uow.practice.get()
    await audit_read(deps, actor, AuditObject.INVOICE, invoice.id)
    total = invoice.total
    return InvoiceView(
        id=invoice.id,
        number=invoice.display_number,
        status=invoice.status,
        version=invoice.version,
        payer=payers.get(invoice.payer)
        or PayerView(kind=invoice.payer.kind, id=invoice.payer.id, name="(unknown payer)"),
        practice=PracticeView(
            name=practice.name if practice else "",
            address=practice.address if practice else "",
            phone=practice.phone if practice else None,
            tax_id=practice.tax_id if practice else "",
        ),
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        lines=[
            LineView(
                occurred_on=li.occurred_on,
                description=li.description,
                code=li.code,
                participant_name=li.participant_name,
                amount=show(li.amount),
            )
            for li in invoice.lines
        ],
        currency=invoice.currency,
        total=show(total),
        paid=show(paid),
        open=show(Money(total.amount_minor - paid.amount_minor, total.currency)),
        void_reason=invoice.void_reason,
        replaces=invoice.replaces,
    )


class UnbilledLine(View, frozen=True, kw_only=True):
    occurred_on: date
    description: str
    code: str | None
    participant_name: str
    amount: str
    appointment_id: UUID | None


class UnbilledPayer(View, frozen=True, kw_only=True):
    payer: PayerView
    lines: list[UnbilledLine]  # the first UNBILLED_LINES, by date
    more: int  # lines not shown (all of them go on the payer's invoice)
    total: str


class UnbilledView(View, frozen=True, kw_only=True):
    start: date
    end: date
    payers: list[UnbilledPayer]  # this page of them, by name
    currency: str
    page: int
    pages: int
    payer_count: int  # payers with something unbilled, on every page
    total: str  # of every payer


# A page of the unbilled screen: at 200 clinicians a month holds ~27,000 charges of ~3,000
# payers, which unpaged made a 10 MB page read in 4 s.
UNBILLED_PAYERS, UNBILLED_LINES = 25, 100


async def unbilled(deps: Deps, actor: Actor, start: date, end: date, page: int = 1) -> UnbilledView:
    """The payers with charges of [start, end] on no invoice yet, by payer name, a page of
    them with their charges (the first UNBILLED_LINES each)."""
    require_billing(actor)
    page = max(page, 1)
    async with deps.uow() as uow:
        found = await uow.ledger.unbilled_payers(
            start, end, offset=(page - 1) * UNBILLED_PAYERS, limit=UNBILLED_PAYERS
        )
        pages = max(1, -(-found.count // UNBILLED_PAYERS))
        if page > pages:  # past the end (a page of a list since billed): the last page
            page = pages
            found = await uow.ledger.unbilled_payers(
                start, end, offset=(page - 1) * UNBILLED_PAYERS, limit=UNBILLED_PAYERS
            )
        totals = dict(found.rows)
        shown = list(totals)
        names = await payer_views(uow, set(shown))
        entries = await uow.ledger.unbilled_charges(start, end, among=shown) if shown else []
        practice = await uow.practice.get()
    await audit_read(deps, actor, AuditObject.UNBILLED, None)
    currency = practice.currency if practice else "USD"
    grouped: dict[PayerRef, list[UnbilledLine]] = defaultdict(list)
    for e in entries:
        li = line_of(e)
        grouped[e.payer].append(
            UnbilledLine(
                occurred_on=li.occurred_on,
                description=li.description,
                code=li.code,
                participant_name=li.participant_name,
                amount=show(li.amount),
                appointment_id=li.appointment_id,
            )
        )
    rows = []
    for p in shown:
        lines = sorted(grouped.get(p, []), key=lambda li: li.occurred_on)
        if not lines:  # only an entry and its reversal: nothing to bill
            continue
        rows.append(
            UnbilledPayer(
                payer=names.get(p) or PayerView(kind=p.kind, id=p.id, name="(unknown payer)"),
                lines=lines[:UNBILLED_LINES],
                more=max(0, len(lines) - UNBILLED_LINES),
                total=show(Money(totals[p], currency)),
            )
        )
    return UnbilledView(
        start=start,
        end=end,
        payers=rows,
        currency=currency,
        page=page,
        pages=pages,
        payer_count=found.count,
        total=show(Money(found.total_minor, currency)),
    )


class AgingView(View, frozen=True, kw_only=True):
    today: date
    rows: list[AgingRow]  # this page of them, in the store's order
    totals: tuple[int, int, int, int]  # of every payer, on every page
    page: int = 1
    pages: int = 1
    payer_count: int = 0


# Payers a page of aging: at 200 clinicians ~3,000 payers owe something, which on one page made
# 480 KB and 200 ms of rendering.
AGING_PAYERS = 100


async def aging(deps: Deps, actor: Actor, page: int = 1) -> AgingView:
    require_billing(actor)
    today = deps.clock.today()
    page = max(page, 1)
    async with deps.uow() as uow:
        found = await uow.invoices.aging(
            today, offset=(page - 1) * AGING_PAYERS, limit=AGING_PAYERS
        )
        pages = max(1, -(-found.count // AGING_PAYERS))
        if page > pages:  # past the end (a page of a list since paid): the last page
            page = pages
            found = await uow.invoices.aging(
                today, offset=(page - 1) * AGING_PAYERS, limit=AGING_PAYERS
            )
    await audit_read(deps, actor, AuditObject.AGING, None)
    return AgingView(
        today=today,
        rows=found.rows,
        totals=found.totals,
        page=page,
        pages=pages,
        payer_count=found.count,
    )
