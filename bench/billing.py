"""The benchmark practice's ledger, made by billing's own rules: each held, late-cancelled or
missed session is charged as the attendance handler would have charged it (`plan_charges` on the
case's payers, splits and fees that day, a few cases on a sliding scale), every month before
this one is invoiced once per payer by the monthly run of the 1st (numbers from the counter, a
few voided and reissued), and the payers pay as payers do: most within weeks, some late, some in
part, a few not at all, so the aging list has every bucket. Payments are recorded by the office
(cash, cheque, bank transfer) and applied oldest invoice first, as `apply_payment` applies them.
The month of the next run is left unbilled. A random generator of its own, so that adding the
ledger leaves the rest of the practice exactly as it was."""

from __future__ import annotations

import heapq
import random
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.billing import _entry_values, _invoice_values, _line_values
from core.domain.billing.charges import plan_charges
from core.domain.billing.fees import FeeOverride
from core.domain.billing.invoices import Invoice, InvoiceLine, allocate_oldest_first
from core.domain.billing.ledger import Cause, CauseKind, EntryKind, LedgerEntry
from core.domain.billing.payments import Payment, PaymentMethod, id_for_key
from core.domain.cases.case import Case
from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import PayerKind, PayerRef
from core.domain.directory.parties import Person
from core.domain.scheduling.appointments import Appointment, AppointmentStatus
from core.domain.scheduling.services import Service
from core.domain.scheduling.settings import SchedulingPolicy
from core.domain.shared.values import Money, StaffId
from core.ports.billing import UnbilledCharge
from core.services.billing.charging import difference
from core.services.billing.invoicing import DUE_DAYS, line_of

CURRENCY = "USD"  # the practice's (no practice row: the default)
RUN_AT = time(7)  # the monthly run, on the 1st, local time
WINDOW = SchedulingPolicy().late_cancel_hours  # the practice keeps the default policy
SLIDING = 0.08  # cases with a fee of their own from the day they opened
PER_SESSION = 0.1  # payers (people) invoiced for each session's day rather than monthly
VOIDED = 0.003  # issued invoices voided (wrong address...) and reissued the next day


@dataclass
class _Account:
    """One payer's invoices in issue order, and how they pay."""

    habit: str
    per_session: bool  # a draft of each session's day, issued the day after it
    invoices: list[Invoice] = field(default_factory=list)


class LedgerWriter:
    def __init__(self, rows: Any, seed: int, tz: ZoneInfo, today: date) -> None:
        self.rows = rows  # bench.generate.Rows
        self.rng = random.Random(seed + 2)
        self.tz, self.today = tz, today
        self.now = datetime.combine(today, time(), tz)
        self.overrides: dict[uuid.UUID, list[FeeOverride]] = {}
        # (payer, first day of the month) -> the invoice lines of its charges
        self.lines: dict[tuple[PayerRef, date], list[InvoiceLine]] = defaultdict(list)
        self.names: dict[uuid.UUID, str] = {}
        self.entries = 0
        # Each invoice's allocations summed, as the trigger on them keeps `paid_minor` (0023).
        self.paid: dict[uuid.UUID, int] = defaultdict(int)

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def know(self, people: Sequence[Person]) -> None:
        """The names invoice lines show (the query's `coalesce(nullif(preferred), legal)`)."""
        self.names = {p.id: p.preferred_name or p.legal_name for p in people}

    # ----- fees and charges -------------------------------------------------------------------

    def opened(self, case: Case, kind: CaseKind, service: Service) -> None:
        """A sliding scale for some cases (a participant's own fee in a group), set the day the
        case opened; a few raised later."""
        rng = self.rng
        if self.overrides and rng.random() >= SLIDING:
            return
        person = None
        if case.policy.has_capacity and case.memberships:
            person = rng.choice(case.memberships).person_id
        found = []
        for n, (day, share) in enumerate(
            [(case.opened_on, rng.choice((60, 70, 80, 90)))]
            + ([(case.opened_on + timedelta(weeks=26), 95)] if rng.random() < 0.2 else [])
        ):
            fee = Money(service.fee.amount_minor * share // 100, service.fee.currency)
            found.append(
                FeeOverride(
                    id=self.uid(),
                    case_id=case.id,
                    starts_on=day,
                    fee=fee,
                    person_id=person,
                    recorded_at=datetime.combine(day, time(9, n), self.tz).astimezone(UTC),
                )
            )
        self.overrides[case.id] = found
        self.rows.add(
            t.fee_overrides,
            (
                {
                    "id": o.id,
                    "case_id": o.case_id,
                    "person_id": o.person_id,
                    "service_id": o.service_id,
                    "starts_on": o.starts_on,
                    "fee_minor": o.fee.amount_minor,
                    "currency": o.fee.currency,
                    "recorded_at": o.recorded_at,
                }
                for o in found
            ),
        )

    def held(self, a: Appointment, case: Case, service: Service) -> None:
        """The session's charges as the attendance handler writes them when its attendance is
        recorded (by its provider, at `a.changed`)."""
        if a.status is AppointmentStatus.CANCELLED or a.changed is None:
            return
        wanted = plan_charges(a, case, service, self.overrides.get(case.id, ()), self.tz, WINDOW)
        if not wanted:
            return
        entries = difference([], wanted, new_id=self.uid, at=a.changed.at, by=a.changed.actor_id)
        self.rows.add(t.ledger_entries, (_entry_values(e) for e in entries))
        self.entries += len(entries)
        for e in entries:
            line = line_of(
                UnbilledCharge(
                    entry_id=e.id,
                    payer_kind=e.payer.kind,
                    payer_id=e.payer.id,
                    kind=e.kind,
                    occurred_on=e.occurred_on,
                    amount_minor=e.amount.amount_minor,
                    currency=e.amount.currency,
                    code=e.code,
                    memo=e.memo,
                    reverses=e.reverses,
                    case_id=e.case_id,
                    cause_id=e.cause.id,
                    participant_id=e.participant_id,
                    service_name=service.name,
                    participant_name=self.names.get(e.participant_id) if e.participant_id else None,
                )
            )
            self.lines[(e.payer, e.occurred_on.replace(day=1))].append(line)

    # ----- the monthly runs, and the money received --------------------------------------------

    def finish(self, billing_staff: Sequence[StaffId]) -> None:
        """The invoices, in the order the counter numbered them: each month's run on the 1st
        (payers in the run's order), a session's own invoice the day after it for the payers
        who settle each session, a reissue the day after the void."""
        rng = self.rng
        accounts: dict[PayerRef, _Account] = {}
        drafts: list[tuple[datetime, int, Invoice]] = []  # (issued at, order in its run, draft)
        months = sorted({month for _, month in self.lines})
        payers = sorted({payer for payer, _ in self.lines}, key=lambda p: (p.kind.value, p.id))
        for payer in payers:
            accounts[payer] = _Account(self._habit(payer), self._per_session(payer))
        for month in months:
            run_day = _next_month(month)
            run_at = datetime.combine(run_day, RUN_AT, self.tz).astimezone(UTC)
            end = run_day - timedelta(days=1)
            for n, payer in enumerate(payers):
                lines = self.lines.get((payer, month))
                if not lines:
                    continue
                if not accounts[payer].per_session:
                    # The run's order: the unbilled charges by payer (kind, id).
                    invoice = self._draft(payer, month, end, run_at, lines, billing_staff[0])
                    drafts.append((run_at, n, invoice))
                    continue
                by_day: dict[date, list[InvoiceLine]] = defaultdict(list)
                for line in lines:
                    by_day[line.occurred_on].append(line)
                for day, theirs in by_day.items():
                    at = datetime.combine(day + timedelta(days=1), time(10), self.tz)
                    at = at.astimezone(UTC)
                    by = rng.choice(billing_staff)
                    drafts.append((at, 0, self._draft(payer, day, day, at, theirs, by)))
        # Issued in time order, each taking the counter's next number; a void and its reissue
        # (the day after the issue, one transaction) queue the reissue at that moment.
        queue = [(at, n, k, invoice) for k, (at, n, invoice) in enumerate(drafts)]
        heapq.heapify(queue)
        number, invoices, k = 0, [], len(queue)
        while queue:
            at, _, _, invoice = heapq.heappop(queue)
            if at >= self.now:
                continue  # not issued yet: its charges are unbilled
            number += 1
            invoice.issue(number, at, at.astimezone(self.tz).date(), due_days=DUE_DAYS)
            invoices.append(invoice)
            again_at = at + timedelta(days=1)
            if invoice.replaces is None and again_at < self.now and rng.random() < VOIDED:
                invoice.void("Sent to the wrong address; reissued.", again_at)
                invoice.version += 1
                again = Invoice(
                    id=self.uid(),
                    payer=invoice.payer,
                    currency=CURRENCY,
                    created_at=again_at,
                    created_by=rng.choice(billing_staff),
                    period_start=invoice.period_start,
                    period_end=invoice.period_end,
                    replaces=invoice.id,
                )
                again.add_lines(invoice.lines)
                heapq.heappush(queue, (again_at, -1, k, again))
                k += 1
            else:
                accounts[invoice.payer].invoices.append(invoice)
        self._late_payers(accounts)
        for payer, account in accounts.items():
            self._pay(payer, account, billing_staff)
        for invoice in invoices:
            invoice.events.pull()
        self.rows.add(
            t.invoices, ({**_invoice_values(i), "paid_minor": self.paid[i.id]} for i in invoices)
        )
        self.rows.add(t.invoice_lines, (row for i in invoices for row in _line_values(i)))
        self.rows.add(t.invoice_counter, [{"id": 1, "last_number": number}] if number else [])
        self.invoices = len(invoices)

    def _draft(
        self,
        payer: PayerRef,
        start: date,
        end: date,
        at: datetime,
        lines: list[InvoiceLine],
        by: StaffId,
    ) -> Invoice:
        invoice = Invoice(
            id=self.uid(),
            payer=payer,
            currency=CURRENCY,
            created_at=at,
            created_by=by,
            period_start=start,
            period_end=end,
        )
        invoice.add_lines(lines)
        return invoice

    def _late_payers(self, accounts: dict[PayerRef, _Account]) -> None:
        """Every bucket of the aging list holds something, whatever the day: for each, a
        payer who never pays has an invoice of that age (the first who got one, if the draw
        made no such payer)."""
        for newest, oldest in ((31, 60), (61, 90), (91, 400)):
            start, end = self.today - timedelta(oldest), self.today - timedelta(newest)
            people = [
                a
                for p, a in accounts.items()
                if p.kind is PayerKind.PERSON
                and any(i.issued_on and start <= i.issued_on <= end for i in a.invoices)
            ]
            if people and not any(a.habit == "never" for a in people):
                people[0].habit = "never"

    def _per_session(self, payer: PayerRef) -> bool:
        return payer.kind is PayerKind.PERSON and self.rng.random() < PER_SESSION

    def _habit(self, payer: PayerRef) -> str:
        if payer.kind is PayerKind.ORGANIZATION:
            return "organization"
        r = self.rng.random()
        return "prompt" if r < 0.7 else "slow" if r < 0.9 else "partly" if r < 0.97 else "never"

    def _plans(self, account: _Account) -> list[tuple[date, int]]:
        """(day received, amount) of what this payer sends, for each invoice they got."""
        rng, plans = self.rng, []
        for invoice in account.invoices:
            assert invoice.issued_on is not None
            total, on = invoice.total.amount_minor, invoice.issued_on
            habit = account.habit
            if habit == "organization":
                plans.append((on + timedelta(days=rng.randint(20, 45)), total))
            elif habit == "prompt":
                plans.append((on + timedelta(days=rng.randint(2, 20)), total))
            elif habit == "slow":
                plans.append((on + timedelta(days=rng.randint(25, 80)), total))
            elif habit == "partly":
                half = total // 2
                plans.append((on + timedelta(days=rng.randint(5, 30)), half))
                plans.append((on + timedelta(days=rng.randint(60, 150)), total - half))
            elif invoice.issued_on < self.today - timedelta(days=400):
                plans.append((on + timedelta(days=rng.randint(10, 40)), total))  # paid, once
        return sorted(p for p in plans if p[0] < self.today and p[1] > 0)

    def _pay(self, payer: PayerRef, account: _Account, staff: Sequence[StaffId]) -> None:
        rng = self.rng
        paid = self.paid
        # In issue order (the numbers'), as `open_for_payer` lists them: (issued on, number).
        issued = [(i.issued_on, i.id, i.total.amount_minor) for i in account.invoices]
        by_id = {i.id: i for i in account.invoices}
        oldest = 0  # the first invoice that may still be open
        for received_on, intended in self._plans(account):
            while oldest < len(issued) and paid[issued[oldest][1]] >= issued[oldest][2]:
                oldest += 1
            # What the payer owes on invoices issued by then, oldest first.
            still_open = []
            for n in range(oldest, len(issued)):
                on, invoice_id, total = issued[n]
                if on is None or on > received_on:
                    break
                if total > paid[invoice_id]:
                    still_open.append((invoice_id, Money(total - paid[invoice_id], CURRENCY)))
            amount = min(intended, sum(m.amount_minor for _, m in still_open))
            if amount <= 0:
                continue
            if payer.kind is PayerKind.ORGANIZATION:
                method = PaymentMethod.BANK_TRANSFER
            else:
                method = rng.choice(
                    (PaymentMethod.CHEQUE, PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH)
                )
            at = datetime.combine(received_on, time(10, rng.randrange(60)), self.tz).astimezone(UTC)
            by = rng.choice(staff)
            payment = Payment.record(
                key=f"form:{self.uid()}",
                payer=payer,
                amount=Money(amount, CURRENCY),
                method=method,
                received_on=received_on,
                at=at,
                by=by,
                reference=f"{rng.randrange(100000, 999999)}"
                if method is not PaymentMethod.CASH
                else "",
            )
            payment.events.pull()
            self.rows.add(
                t.ledger_entries,
                [
                    _entry_values(
                        LedgerEntry(
                            id=payment.id,
                            payer=payer,
                            kind=EntryKind.PAYMENT,
                            amount=Money(-amount, CURRENCY),
                            occurred_on=received_on,
                            recorded_at=at,
                            cause=Cause(CauseKind.PAYMENT, payment.id),
                            recorded_by=by,
                            memo=method.label,
                        )
                    )
                ],
            )
            parts, _left = allocate_oldest_first(payment.unapplied, still_open)
            allocations = []
            for invoice_id, part in parts:
                payment.apply(part)
                paid[invoice_id] += part.amount_minor
                allocations.append(
                    {
                        "id": id_for_key("allocation", f"{payment.id}:{invoice_id}:0"),
                        "payment_entry_id": payment.id,
                        "invoice_id": invoice_id,
                        "amount_minor": part.amount_minor,
                        "currency": CURRENCY,
                        "at": at,
                    }
                )
            self.rows.add(t.invoice_allocations, allocations)
            for invoice_id, _part in parts:
                invoice = by_id[invoice_id]
                invoice.settle(Money(paid[invoice_id], CURRENCY), at)
                invoice.version += 1  # each allocation's update
            assert payment.applied is not None and payment.refunded is not None
            self.rows.add(
                t.payments,
                [
                    {
                        "id": payment.id,
                        "key": payment.key,
                        "payer_kind": payer.kind.value,
                        "payer_id": payer.id,
                        "amount_minor": amount,
                        "currency": CURRENCY,
                        "method": method.value,
                        "received_on": received_on,
                        "recorded_at": at,
                        "recorded_by": by,
                        "reference": payment.reference,
                        "memo": payment.memo,
                        "applied_minor": payment.applied.amount_minor,
                        "refunded_minor": payment.refunded.amount_minor,
                        "version": 1 if parts else 0,
                    }
                ],
            )


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)
