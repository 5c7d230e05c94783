"""A case's usual service and identified client, on every store: set at opening, changed on
the case page (versioned, in the history), and what the booking form preselects from them."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.errors import InvalidInput
from core.ports import UnitOfWorkFactory
from core.services import cases
from core.services import scheduling as s
from core.services.billing.views import codes as billing_views
from core.services.scheduling import views as v
from tests.support.scheduling_practice import Clinic, at

# What each kind of case is given at opening from the test practice's services (tests/support/
# scheduling_practice.py): the code and the name decide; no "Couple" service there, so a couple
# gets the conjoint-code service.
AT_OPENING = {
    CaseKind.INDIVIDUAL: "Individual 50",
    CaseKind.COUPLE: "Family 50",
    CaseKind.FAMILY: "Family 50",
    CaseKind.GROUP: "Group 90",
    CaseKind.CONSULTATION: "Consultation 60",
    CaseKind.CONSULTATION_GROUP: "Consultation 60",
    CaseKind.WORKSHOP: "Skills workshop",
}


async def _case(clinic: Clinic, kind: CaseKind, lee):
    people = [await clinic.person(f"{kind.value} member {n}") for n in range(2)]
    count = 1 if kind in (CaseKind.INDIVIDUAL, CaseKind.CONSULTATION) else 2
    role = MemberRole.PARTNER if kind is CaseKind.COUPLE else None
    return await clinic.case(kind, lee, *((p, role) for p in people[:count]))


async def test_every_kind_opens_with_a_usual_service_of_its_own_work(uow: UnitOfWorkFactory):
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    names = {sid: name for name, sid in clinic.services.items()}
    for kind, expected in AT_OPENING.items():
        case_id = await _case(clinic, kind, lee)
        options = await v.booking_options(clinic.deps, lee, case_id)
        assert names[options.usual_service_id] == expected, kind
        assert names[options.preselected_service_id] == expected, kind
        offered = {names[o.id] for o in options.services}
        line = {"consultation": {"Consultation 60"}, "workshop": {"Skills workshop"}}
        assert offered == line.get(kind.value.split("_")[0], offered), kind
        if kind is CaseKind.INDIVIDUAL:
            assert "Consultation 60" not in offered and "Skills workshop" not in offered


async def test_the_usual_service_then_the_last_booked_then_the_best_fit(uow: UnitOfWorkFactory):
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    case_id = await _case(clinic, CaseKind.INDIVIDUAL, lee)
    crisis, intake = clinic.services["Crisis"], clinic.services["Intake evaluation"]
    await s.set_usual_service(
        clinic.deps, lee, s.SetUsualService(case_id=case_id, service_id=crisis)
    )
    assert (await v.booking_options(clinic.deps, lee, case_id)).preselected_service_id == crisis
    async with clinic.deps.uow() as u:
        case = await u.cases.get(case_id)
        history = await u.history.for_case(case_id)
    assert case.usual_service_id == crisis and case.version == 2  # opening, then this change
    assert history[0].summary == "Usual service: “Crisis”."
    # Another kind of work is refused, next to the field.
    with pytest.raises(InvalidInput, match="consultation work") as refused:
        await s.set_usual_service(
            clinic.deps,
            lee,
            s.SetUsualService(case_id=case_id, service_id=clinic.services["Consultation 60"]),
        )
    assert refused.value.field == "service_id"
    # No usual service: the last booked one; nothing booked yet: the best fit of the kind.
    await s.set_usual_service(clinic.deps, lee, s.SetUsualService(case_id=case_id, service_id=None))
    options = await v.booking_options(clinic.deps, lee, case_id)
    assert options.preselected_service_id == clinic.services["Individual 50"]
    await clinic.book(lee, case_id, at(2, 3, 10, 0), service="Intake evaluation")
    assert (await v.booking_options(clinic.deps, lee, case_id)).preselected_service_id == intake


async def test_a_couple_names_its_identified_client_until_they_leave(uow: UnitOfWorkFactory):
    clinic = await Clinic(uow).setup()
    lee = await clinic.staff("Dr. Lee")
    maya, sam, eli = [await clinic.person(n) for n in ("Maya Rivera", "Sam Chen", "Eli Stone")]
    couple = await clinic.case(
        CaseKind.COUPLE, lee, (maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)
    )
    with pytest.raises(InvalidInput, match="current member"):
        await cases.name_identified_client(
            clinic.deps, lee, cases.NameIdentifiedClient(case_id=couple, person_id=eli)
        )
    await cases.name_identified_client(
        clinic.deps, lee, cases.NameIdentifiedClient(case_id=couple, person_id=sam)
    )
    async with clinic.deps.uow() as u:
        case = await u.cases.get(couple)
        history = await u.history.for_case(couple)
    assert case.identified_client_on(date(2026, 1, 20)) == sam
    assert history[0].summary == "Sam Chen is the identified client."
    # Maya alone: 90846 with Sam, the named identified client, is the first option.
    booked = await clinic.book(lee, couple, at(1, 20, 10, 0), service="Family 50")
    clinic.now(at(1, 20, 11, 0))
    await s.record_attendance(
        clinic.deps,
        lee,
        s.RecordAttendance(
            appointment_id=booked.appointment_ids[0], marks={maya: Attendance.ATTENDED}
        ),
    )
    codes = await billing_views.appointment_codes(clinic.deps, lee, booked.appointment_ids[0])
    assert codes.suggested == [] and codes.options[0].label.startswith("90846")
    assert "Sam Chen as the identified client" in codes.options[0].label
    # Sam leaves: from the next day the case names nobody (and may name Maya).
    membership = next(m for m in case.memberships if m.person_id == sam)
    await cases.end_membership(
        clinic.deps,
        lee,
        cases.EndMembership(case_id=couple, membership_id=membership.id, left_on=date(2026, 1, 25)),
    )
    async with clinic.deps.uow() as u:
        case = await u.cases.get(couple)
    assert case.identified_client_on(date(2026, 1, 25)) == sam
    assert case.identified_client_on(date(2026, 1, 26)) is None
    await cases.name_identified_client(
        clinic.deps, lee, cases.NameIdentifiedClient(case_id=couple, person_id=maya)
    )
    # An individual case names nobody.
    alone = await clinic.case(CaseKind.INDIVIDUAL, lee, (eli, None))
    with pytest.raises(InvalidInput, match="names no identified client"):
        await cases.name_identified_client(
            clinic.deps, lee, cases.NameIdentifiedClient(case_id=alone, person_id=eli)
        )
