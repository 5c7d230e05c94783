"""Charges from attendance on every store: DOMAIN.md scenarios 1 (the charge part), 4 (group:
absent not charged, late-cancel fee, employer pays for two), 10 (split 60 % / remainder) and
the corrections (a reversal and a new entry, never an edit)."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.billing.ledger import EntryKind
from core.domain.cases.kinds import CaseKind, MemberRole
from core.ports import UnitOfWorkFactory
from core.services import cases
from core.services import scheduling as s
from core.services.billing import fees
from tests.support.billing_practice import (
    ABSENT,
    ATTENDED,
    LATE,
    NO_SHOW,
    BillingClinic,
    charged,
    org,
    person,
)
from tests.support.scheduling_practice import at


async def test_scenario_1_the_couple_is_charged_once_to_sam(uow: UnitOfWorkFactory) -> None:
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    maya, sam = await clinic.person("Maya Rivera"), await clinic.person("Sam Chen")
    couple = await clinic.case(
        CaseKind.COUPLE, lee, (maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)
    )
    await clinic.payer(couple, person(sam), from_day=date(2026, 1, 5))
    booked = await clinic.book(lee, couple, at(1, 7, 10), service="Family 50")
    (session,) = booked.appointment_ids
    clinic.now(at(1, 7, 11))
    await clinic.mark(lee, session, maya=ATTENDED, sam=ATTENDED)
    assert charged(await clinic.live_charges(session)) == {person(sam): 17000}
    # Recording the same again changes nothing in the ledger.
    await clinic.mark(lee, session, maya=ATTENDED)
    assert len(await clinic.entries(session)) == 1


async def test_scenario_4_the_group_with_churn(uow: UnitOfWorkFactory) -> None:
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    names = ["Ana", "Ben", "Cleo", "Dan", "Eve", "Fay"]
    people = {n: await clinic.person(f"{n} Member") for n in [*names, "Gus"]}
    group = await clinic.case(
        CaseKind.GROUP,
        lee,
        *((people[n], MemberRole.GROUP_MEMBER) for n in names),
        opened_on=date(2026, 1, 6),
        capacity=8,
    )
    employer = await clinic.organization("Acme Employee Assistance")
    for n in ("Ana", "Ben"):
        await clinic.payer(group, org(employer), covers=people[n], from_day=date(2026, 1, 6))
    booked = await clinic.book(
        lee, group, at(1, 6, 18), service="Group 90", repeat=s.Repeat(until=date(2026, 3, 31))
    )
    ids = booked.appointment_ids
    await cases.add_member(
        clinic.deps,
        lee,
        cases.AddMember(case_id=group, person_id=people["Gus"], joined_on=date(2026, 2, 10)),
    )
    case = await cases.get_case(clinic.deps, lee, group)
    fay = next(m for m in case.memberships if m.person_id == people["Fay"])
    await cases.end_membership(
        clinic.deps,
        lee,
        cases.EndMembership(case_id=group, membership_id=fay.id, left_on=date(2026, 3, 3)),
    )

    clinic.now(at(1, 6, 20))
    await clinic.mark(
        lee, ids[0], ana=ATTENDED, ben=LATE, cleo=ABSENT, dan=NO_SHOW, eve=ATTENDED, fay=ATTENDED
    )
    first = charged(await clinic.live_charges(ids[0]))
    assert first == {
        org(employer): 6000 + 3000,  # Ana's session, Ben's late cancellation (50 %)
        person(people["Dan"]): 6000,  # the no-show fee (60.00)
        person(people["Eve"]): 6000,
        person(people["Fay"]): 6000,
    }  # Cleo was absent: nothing

    clinic.now(at(2, 10, 20))
    await clinic.mark(lee, ids[5], gus=ATTENDED, ana=ABSENT, ben=ABSENT)
    assert charged(await clinic.live_charges(ids[5])) == {person(people["Gus"]): 6000}

    clinic.now(at(3, 10, 20))
    after = await clinic.mark(lee, ids[9], gus=ATTENDED, eve=ATTENDED)
    assert people["Fay"] not in after.attendance
    assert set(charged(await clinic.live_charges(ids[9]))) == {
        person(people["Gus"]),
        person(people["Eve"]),
    }

    # Corrections: Cleo did come, Eve did not. One reversal, one new charge; nothing edited.
    before = await clinic.entries(ids[0])
    clinic.now(at(1, 7, 9))
    await clinic.mark(lee, ids[0], cleo=ATTENDED, eve=ABSENT)
    after_entries = await clinic.entries(ids[0])
    assert after_entries[: len(before)] == before
    added = after_entries[len(before) :]
    assert {(e.payer, e.amount.amount_minor) for e in added} == {
        (person(people["Eve"]), -6000),
        (person(people["Cleo"]), 6000),
    }
    reversal = next(e for e in added if e.amount.amount_minor < 0)
    assert reversal.kind is EntryKind.CHARGE and reversal.reverses in {e.id for e in before}
    assert person(people["Eve"]) not in charged(await clinic.live_charges(ids[0]))


async def test_scenario_10_okafor_father_60_percent_mother_the_remainder(
    uow: UnitOfWorkFactory,
) -> None:
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    ada = await clinic.person("Ada Okafor")
    chidi = await clinic.person("Chidi Okafor")
    father = await clinic.person("Emeka Okafor")
    family = await clinic.case(
        CaseKind.FAMILY, lee, (ada, MemberRole.PARENT), (chidi, MemberRole.IDENTIFIED_CLIENT)
    )
    await clinic.payer(family, person(father), share=60, from_day=date(2026, 1, 5))
    await clinic.payer(family, person(ada), share=40, from_day=date(2026, 1, 5))
    # The family's own fee (a sliding scale from the case's start): 180.00 instead of 170.00.
    await fees.set_fee(
        clinic.deps,
        clinic.owner,
        fees.SetFee(case_id=family, starts_on=date(2026, 1, 5), fee_minor=18000),
    )
    booked = await clinic.book(lee, family, at(1, 8, 16), service="Family 50")
    (session,) = booked.appointment_ids
    clinic.now(at(1, 8, 17))
    await clinic.mark(lee, session, ada=ATTENDED, chidi=ATTENDED)
    live = await clinic.live_charges(session)
    assert charged(live) == {person(father): 10800, person(ada): 7200}
    assert {e.of_total.amount_minor for e in live if e.of_total} == {18000}

    # An odd total: the remainder payer (the one added last) gets the odd cent.
    await fees.set_fee(
        clinic.deps,
        clinic.owner,
        fees.SetFee(case_id=family, starts_on=date(2026, 1, 8), fee_minor=18001),
    )
    assert charged(await clinic.live_charges(session)) == {
        person(father): 10800,
        person(ada): 7201,
    }
    # Each payer gets their own invoice with their own line.
    clinic.now(at(2, 1, 9))
    invoices = [await clinic.invoice(i) for i in await clinic.run_month("2026-01")]
    assert {(i.payer, tuple(li.amount.amount_minor for li in i.lines)) for i in invoices} == {
        (person(father), (10800,)),
        (person(ada), (7201,)),
    }


async def test_a_late_cancellation_in_good_time_costs_nothing(uow: UnitOfWorkFactory) -> None:
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    ada = await clinic.person("Ada Okafor")
    family = await clinic.case(CaseKind.FAMILY, lee, (ada, MemberRole.PARENT))
    early, late = [
        (await clinic.book(lee, family, at(1, d, 16), service="Family 50")).appointment_ids[0]
        for d in (20, 27)
    ]
    clinic.now(at(1, 18, 9))  # two days ahead of the 20th: outside the 24-hour window
    appointment = await clinic.appointment(early)
    await s.cancel_appointment(
        clinic.deps,
        lee,
        s.CancelAppointment(appointment_id=early, version=appointment.version, late=True),
    )
    assert await clinic.live_charges(early) == []
    clinic.now(at(1, 27, 9))  # the same morning
    appointment = await clinic.appointment(late)
    await s.cancel_appointment(
        clinic.deps,
        lee,
        s.CancelAppointment(appointment_id=late, version=appointment.version, late=True),
    )
    assert charged(await clinic.live_charges(late)) == {person(ada): 8500}  # 50 % of 170.00


async def test_a_session_held_at_no_fee_is_charged_once_a_fee_is_set_from_its_date(
    uow: UnitOfWorkFactory,
) -> None:
    """A pro bono fee (0.00) charges nothing; a fee set again from that same date is the fee
    (the one set later wins a tie) and charges the sessions held since, though nothing of
    them was in the ledger."""
    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    sam = await clinic.person("Sam Chen")
    case = await clinic.case(CaseKind.INDIVIDUAL, lee, (sam, MemberRole.CLIENT))
    await fees.set_fee(
        clinic.deps,
        clinic.owner,
        fees.SetFee(case_id=case, starts_on=date(2026, 1, 5), fee_minor=0),
    )
    (session,) = (await clinic.book(lee, case, at(1, 8, 10))).appointment_ids
    clinic.now(at(1, 8, 11))
    await clinic.mark(lee, session, sam=ATTENDED)
    assert await clinic.live_charges(session) == []
    await fees.set_fee(
        clinic.deps,
        clinic.owner,
        fees.SetFee(case_id=case, starts_on=date(2026, 1, 5), fee_minor=4000),
    )
    assert charged(await clinic.live_charges(session)) == {person(sam): 4000}


async def test_a_clinician_does_not_set_their_cases_fee(uow: UnitOfWorkFactory) -> None:
    """The case's own fee is billing work (the owner's and the administrators'): the clinician
    treating the case sees only paid / owed, and the core refuses the fee from them too."""
    from core.domain.shared.errors import Forbidden

    clinic = await BillingClinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    sam = await clinic.person("Sam Chen")
    case = await clinic.case(CaseKind.INDIVIDUAL, lee, (sam, MemberRole.CLIENT))
    with pytest.raises(Forbidden):
        await fees.set_fee(
            clinic.deps, lee, fees.SetFee(case_id=case, starts_on=date(2026, 1, 5), fee_minor=1)
        )
