"""Corrections on memory, SQLite and PostgreSQL, through the use cases: what is entered in error
leaves every calculation and current view and stays with who and why; recorded attendance is
never hidden by a membership that ends before it; a member joins with their payer and
reminders, and leaves without them, each as one change and one line of history."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import HelperKind, PayerKind, StaffDuty
from core.domain.directory.parties import Channel
from core.domain.scheduling.appointments import Attendance
from core.domain.shared.errors import InvariantViolation, NotFound
from core.ports import UnitOfWorkFactory
from core.services import cases, directory
from core.services import scheduling as s
from core.services.cases import views as case_views
from core.services.documentation import diagnoses
from core.services.documentation.views import clinical_record
from core.services.scheduling import views as v
from tests.support.scheduling_practice import Clinic, at


async def _group(clinic: Clinic, *names: str):
    lee = await clinic.staff("Dr. Lee")
    people = [await clinic.person(n) for n in names]
    group = await clinic.case(
        CaseKind.GROUP, lee, *((p, MemberRole.GROUP_MEMBER) for p in people), capacity=8
    )
    return lee, people, group


async def _history(clinic: Clinic, actor, case_id) -> list[str]:
    return [h.summary for h in await case_views.case_history(clinic.deps, actor, case_id)]


async def test_a_wrong_payer_entered_in_error_frees_the_share_and_is_kept_with_why(
    uow: UnitOfWorkFactory,
):
    clinic = await Clinic(uow).setup()
    lee, (ava, _ben), group = await _group(clinic, "Ava Thompson", "Ben Carter")
    employer = await directory.register_organization(
        clinic.deps, lee, directory.RegisterOrganization(name="Acme Corp")
    )

    async def pays(kind: PayerKind, payer_id) -> cases.Case:
        payer = cases.Payer(kind=kind, id=payer_id, covers=ava)
        return await cases.add_billing_responsibility(
            clinic.deps, lee, cases.AddBillingResponsibility(case_id=group, payer=payer)
        )

    wrong = (await pays(PayerKind.ORGANIZATION, employer)).billing[0]
    with pytest.raises(InvariantViolation, match="add up to 200%"):
        await pays(PayerKind.PERSON, ava)
    await cases.mark_entered_in_error(
        clinic.deps,
        lee,
        cases.MarkEnteredInError(case_id=group, item_id=wrong.id, reason="Not her employer"),
    )
    right = await pays(PayerKind.PERSON, ava)
    assert [b.payer.id for b in right.billing] == [ava]
    async with clinic.deps.uow() as u:
        stored = await u.cases.get(group)
        assert stored is not None
        assert [c.item for c in stored.entered_in_error] == [wrong]
        (kept,) = stored.entered_in_error
        assert (kept.reason, kept.by, kept.at) == ("Not her employer", lee.id, clinic.clock.now())
        # Out of every lookup: the organization no longer pays for any case.
        assert await u.cases.ids_for_organization(employer) == []
    page = await case_views.case_page(clinic.deps, lee, group)
    assert [p.payer_name for p in page.overview.payers or []] == ["Ava Thompson"]
    history = await _history(clinic, lee, group)
    assert history[1] == (
        "The payment by Acme Corp (from 2026-01-05) was entered in error: Not her employer"
    )
    assert page.history[1].actor == "Dr. Lee"


async def test_a_membership_a_co_therapist_and_a_helper_entered_in_error_leave_every_view(
    uow: UnitOfWorkFactory,
):
    clinic = await Clinic(uow).setup()
    lee, (ava, _ben), group = await _group(clinic, "Ava Thompson", "Ben Carter")
    kim = await clinic.staff("Dr. Kim")
    wrong = await clinic.person("Wrong Person")
    case = await cases.add_member(
        clinic.deps, lee, cases.AddMember(case_id=group, person_id=wrong, reminders=True)
    )
    membership = next(m for m in case.memberships if m.person_id == wrong)
    case = await cases.assign_staff(
        clinic.deps,
        lee,
        cases.AssignStaff(case_id=group, staff_id=kim.id, duty=StaffDuty.CO_THERAPIST),
    )
    duty = next(a for a in case.staff if a.staff_id == kim.id)
    case = await cases.grant_helper_role(
        clinic.deps,
        lee,
        cases.GrantHelperRole(
            case_id=group,
            new_helper=directory.RegisterPerson(legal_name="Not An Aide"),
            for_person_id=ava,
            kind=HelperKind.SCHEDULING_HELPER,
        ),
    )
    helper = case.helpers[0]
    for item, reason in ((membership, "wrong person"), (duty, "never co-led"), (helper, "no")):
        await cases.mark_entered_in_error(
            clinic.deps,
            lee,
            cases.MarkEnteredInError(case_id=group, item_id=item.id, reason=reason),
        )
    page = await case_views.case_page(clinic.deps, lee, group)
    o = page.overview
    assert [m.name for m in o.members_now + o.members_before] == ["Ava Thompson", "Ben Carter"]
    assert o.co_therapists == [] and o.helpers == [] and o.communication == []
    async with clinic.deps.uow() as u:
        assert await u.cases.ids_for_staff([kim.id]) == []
        assert await u.cases.ids_for_person(wrong) == []
        stored = await u.cases.get(group)
        assert stored is not None and len(stored.entered_in_error) == 3
    # Dr. Kim's access went with the duty.
    kim_again = await clinic.practice.actor(kim.id)
    with pytest.raises(NotFound):
        await case_views.case_page(clinic.deps, kim_again, group)


async def test_a_diagnosis_entered_in_error_leaves_the_record_and_keeps_its_reason(
    uow: UnitOfWorkFactory,
):
    clinic = await Clinic(uow).setup()
    lee, (ava, _), group = await _group(clinic, "Ava Thompson", "Ben Carter")
    wrong = await diagnoses.add_diagnosis(
        clinic.deps, lee, diagnoses.AddDiagnosis(case_id=group, person_id=ava, code="F33.1")
    )
    kept = await diagnoses.add_diagnosis(
        clinic.deps, lee, diagnoses.AddDiagnosis(case_id=group, person_id=ava, code="F60.3")
    )
    await diagnoses.mark_diagnosis_entered_in_error(
        clinic.deps,
        lee,
        diagnoses.MarkDiagnosisEnteredInError(
            case_id=group, diagnosis_id=wrong.id, reason="Another client's code"
        ),
    )
    shown = await clinical_record.case_diagnoses(clinic.deps, lee, group)
    assert [d.diagnosis_id for d in shown or []] == [kept.id]
    async with clinic.deps.uow() as u:
        stored = await u.diagnoses.get(wrong.id)
        assert stored is not None and stored.entered_in_error is not None
        assert stored.entered_in_error.reason == "Another client's code"
        assert stored.entered_in_error.by == lee.id and stored.version == 1
        assert [d.id for d in await u.diagnoses.for_cases([group])] == [kept.id]
    with pytest.raises(InvariantViolation, match="entered in error"):
        await diagnoses.end_diagnosis(
            clinic.deps, lee, diagnoses.EndDiagnosis(case_id=group, diagnosis_id=wrong.id)
        )
    assert "Diagnosis F33.1 marked as entered in error: Another client's code" in (
        await _history(clinic, lee, group)
    )


async def test_ending_a_membership_before_recorded_attendance_is_refused_naming_the_sessions(
    uow: UnitOfWorkFactory,
):
    clinic = await Clinic(uow).setup()
    lee, (_ava, ben, _cal), group = await _group(clinic, "Ava Thompson", "Ben Carter", "Cal Diaz")
    booked = await clinic.book(lee, group, at(1, 13), service="Group 90", repeat=s.Repeat(count=3))
    clinic.now(at(1, 28, 9))
    for appointment_id in booked.appointment_ids[:3]:
        await s.record_attendance(
            clinic.deps,
            lee,
            s.RecordAttendance(appointment_id=appointment_id, marks={ben: Attendance.ATTENDED}),
        )
    membership = await _membership_of(clinic, group, ben)
    leave = cases.EndMembership(case_id=group, membership_id=membership, left_on=date(2026, 1, 14))
    with pytest.raises(InvariantViolation) as refused:
        await cases.end_membership(clinic.deps, lee, leave)
    assert refused.value.field == "attendance_after_leaving"
    assert "20 Jan 2026" in refused.value.message and "27 Jan 2026" in refused.value.message
    assert "13 Jan" not in refused.value.message
    grid = await v.attendance_grid(clinic.deps, lee, group)
    row = next(r for r in grid.rows if r.name == "Ben Carter")
    assert row.attended == 3 and not any(row.after_leaving)
    # Confirmed: the membership ends and the attendance stays, marked "after leaving".
    await cases.end_membership(
        clinic.deps,
        lee,
        cases.EndMembership(
            case_id=group,
            membership_id=membership,
            left_on=date(2026, 1, 14),
            attendance_after_leaving=True,
        ),
    )
    grid = await v.attendance_grid(clinic.deps, lee, group)
    row = next(r for r in grid.rows if r.name == "Ben Carter")
    assert row.cells == ["attended"] * 3 and row.after_leaving == [False, True, True]
    assert row.attended == 3
    # Correcting the last day to before more recorded attendance asks again (for what it
    # would newly leave out); removing it needs no confirmation.
    with pytest.raises(InvariantViolation, match="after that day: Tue 13 Jan 2026"):
        await cases.change_membership_end(
            clinic.deps,
            lee,
            cases.ChangeMembershipEnd(
                case_id=group, membership_id=membership, left_on=date(2026, 1, 12)
            ),
        )
    await cases.change_membership_end(
        clinic.deps, lee, cases.ChangeMembershipEnd(case_id=group, membership_id=membership)
    )
    grid = await v.attendance_grid(clinic.deps, lee, group)
    row = next(r for r in grid.rows if r.name == "Ben Carter")
    assert row.after_leaving == [False, False, False]
    # A membership with recorded attendance is not entered in error.
    with pytest.raises(InvariantViolation, match="clear it on those sessions first"):
        await cases.mark_entered_in_error(
            clinic.deps,
            lee,
            cases.MarkEnteredInError(case_id=group, item_id=membership, reason="wrong"),
        )


async def _membership_of(clinic: Clinic, case_id, person_id):
    async with clinic.deps.uow() as u:
        case = await u.cases.get(case_id)
    assert case is not None
    return next(m.id for m in case.memberships if m.person_id == person_id)


async def test_a_member_joins_with_payer_and_reminders_and_leaves_without_them(
    uow: UnitOfWorkFactory,
):
    clinic = await Clinic(uow).setup()
    lee, (_ava,), group = await _group(clinic, "Ava Thompson")
    dan = await clinic.person("Dan Kim")
    added = await cases.add_member(
        clinic.deps,
        lee,
        cases.AddMember(
            case_id=group,
            person_id=dan,
            paid_by=cases.Payer(
                kind=PayerKind.PERSON,
                new_person=directory.RegisterPerson(legal_name="Dan's Mother"),
            ),
            reminders=True,
        ),
    )
    (billing,) = added.billing
    assert billing.covers == dan and billing.payer.kind is PayerKind.PERSON
    assert added.communication[dan].reminders and added.communication[dan].channel is Channel.EMAIL
    history = await _history(clinic, lee, group)
    assert history[0] == (
        "Dan Kim joined as group member on 2026-01-05. Dan's Mother pays for Dan Kim from "
        "2026-01-05. Dan Kim: reminders by email."
    )
    # Someone with no way to be reached yet joins all the same, and the history says so.
    await cases.add_member(
        clinic.deps,
        lee,
        cases.AddMember(
            case_id=group,
            new_person=directory.RegisterPerson(legal_name="No Contact"),
            reminders=True,
        ),
    )
    assert (await _history(clinic, lee, group))[0] == (
        "No Contact joined as group member on 2026-01-05. No reminders: no email address or "
        "text-message consent yet."
    )
    membership = await _membership_of(clinic, group, dan)
    left = await cases.end_membership(
        clinic.deps, lee, cases.EndMembership(case_id=group, membership_id=membership)
    )
    assert left.billing[0].period.end == clinic.clock.today()
    assert not left.communication[dan].reminders and not left.communication[dan].portal_access
    history = await _history(clinic, lee, group)
    assert history[0] == (
        "Dan Kim left on 2026-01-05. Dan's Mother stops paying after 2026-01-05. "
        "Their reminders and portal access in this case end."
    )
