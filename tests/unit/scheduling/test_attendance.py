"""Who is expected at a session follows the case's membership on its date; attendance is
recorded per participant, and the codes follow what happened."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.billing.confirmation import confirm_codes
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.directory.parties import StaffRole
from core.domain.scheduling.appointments import AppointmentStatus, Attendance
from core.domain.shared.codes import CodeLine
from core.domain.shared.errors import Forbidden, InvalidInput, InvariantViolation, RecordNotAllowed
from core.services import billing, cases
from core.services import scheduling as s
from core.services.billing.views import codes as billing_views
from core.services.scheduling import views as v
from tests.support.scheduling_practice import Clinic, at

ATTENDED, ABSENT, LATE, NO_SHOW = (
    Attendance.ATTENDED,
    Attendance.ABSENT,
    Attendance.LATE_CANCELLED,
    Attendance.NO_SHOW,
)


@pytest.fixture
async def clinic() -> Clinic:
    return await Clinic().setup()


async def expected_names(clinic: Clinic, actor, appointment_id) -> list[str]:
    page = await v.appointment_page(clinic.deps, actor, appointment_id)
    return [p.name for p in page.expected]


async def mark(clinic: Clinic, actor, appointment_id, **marks):
    page = await v.appointment_page(clinic.deps, actor, appointment_id)
    by_first_name = {p.name.split()[0].lower(): p.person_id for p in page.expected}
    return await s.record_attendance(
        clinic.deps,
        actor,
        s.RecordAttendance(
            appointment_id=appointment_id,
            marks={by_first_name[name]: value for name, value in marks.items()},
        ),
    )


async def test_group_with_churn_expects_joiners_from_joining_and_leavers_until_leaving(clinic):
    """DOMAIN.md scenario 4: the series exists before the membership changes."""
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
    booked = await clinic.book(
        lee, group, at(1, 6, 18, 0), service="Group 90", repeat=s.Repeat(until=date(2026, 3, 31))
    )
    ids = booked.appointment_ids
    assert len(ids) == 13
    await cases.add_member(
        clinic.deps,
        lee,
        cases.AddMember(case_id=group, person_id=people["Gus"], joined_on=date(2026, 2, 10)),
    )
    case = await cases.get_case(clinic.deps, lee, group)
    dan = next(m for m in case.memberships if m.person_id == people["Dan"])
    await cases.end_membership(
        clinic.deps,
        lee,
        cases.EndMembership(case_id=group, membership_id=dan.id, left_on=date(2026, 3, 3)),
    )
    six = [f"{n} Member" for n in names]
    assert await expected_names(clinic, lee, ids[0]) == six  # 6 Jan
    assert await expected_names(clinic, lee, ids[4]) == six  # 3 Feb
    assert await expected_names(clinic, lee, ids[5]) == [*six, "Gus Member"]  # 10 Feb: joins
    assert "Dan Member" in await expected_names(clinic, lee, ids[8])  # 3 Mar: his last day
    after = await expected_names(clinic, lee, ids[9])  # 10 Mar
    assert "Dan Member" not in after and "Gus Member" in after and len(after) == 6

    # Attendance per member, and a group is coded per attending member.
    clinic.now(at(1, 6, 20, 0))
    await mark(clinic, lee, ids[0], ana=ATTENDED, ben=ATTENDED, cleo=ABSENT, dan=LATE)
    page = await v.appointment_page(clinic.deps, lee, ids[0])
    page_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[0])
    assert page.status == "completed"
    assert [(p.name, p.attendance) for p in page.expected][:4] == [
        ("Ana Member", "attended"),
        ("Ben Member", "attended"),
        ("Cleo Member", "absent"),
        ("Dan Member", "late_cancelled"),
    ]
    assert page_codes is not None
    assert [(c.code, c.person_name) for c in page_codes.suggested] == [
        ("90853", "Ana Member"),
        ("90853", "Ben Member"),
    ]
    # Somebody who was not in the group that day has no attendance there.
    with pytest.raises(InvalidInput, match="participants on the session's date"):
        await s.record_attendance(
            clinic.deps,
            lee,
            s.RecordAttendance(appointment_id=ids[0], marks={people["Gus"]: ATTENDED}),
        )


async def test_the_okafor_family_code_follows_the_identified_client(clinic):
    """DOMAIN.md scenario 2: mother alone (90846), the teen joins (90847), grandmother later."""
    lee = await clinic.staff("Dr. Lee")
    mother = await clinic.person("Ada Okafor")
    teen = await clinic.person("Chidi Okafor")
    grandmother = await clinic.person("Grace Okafor")
    family = await clinic.case(CaseKind.FAMILY, lee, (mother, MemberRole.PARENT))
    booked = await clinic.book(
        lee, family, at(1, 8, 16, 0), service="Family 50", repeat=s.Repeat(count=12)
    )
    ids = booked.appointment_ids
    for person, role, joined in (
        (teen, MemberRole.IDENTIFIED_CLIENT, date(2026, 1, 15)),
        (grandmother, MemberRole.CAREGIVER, date(2026, 3, 1)),
    ):
        await cases.add_member(
            clinic.deps,
            lee,
            cases.AddMember(case_id=family, person_id=person, role=role, joined_on=joined),
        )
    clinic.now(at(1, 8, 17, 0))
    await mark(clinic, lee, ids[0], ada=ATTENDED)
    first_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[0])
    # Before Chidi joins nobody is the identified client: Hearth asks instead of guessing.
    assert first_codes.suggested == []
    assert [o.lines[0].code for o in first_codes.options] == ["90847", "90846"]
    clinic.now(at(1, 15, 17, 0))
    second = await v.appointment_page(clinic.deps, lee, ids[1])
    second_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[1])
    assert [p.name for p in second.expected] == ["Ada Okafor", "Chidi Okafor"]
    await mark(clinic, lee, ids[1], ada=ATTENDED, chidi=ABSENT)
    second = await v.appointment_page(clinic.deps, lee, ids[1])
    second_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[1])
    assert [c.code for c in second_codes.suggested] == ["90846"]
    await mark(clinic, lee, ids[1], chidi=ATTENDED)
    second = await v.appointment_page(clinic.deps, lee, ids[1])
    second_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[1])
    assert [c.code for c in second_codes.suggested] == ["90847"]
    assert second_codes.reason == "The identified client attended."
    # The clinician confirms the suggestion, or changes it.
    confirmed = await billing.confirm_codes(
        clinic.deps, lee, billing.ConfirmCodes(appointment_id=ids[1], version=second.version)
    )
    assert [c.code for c in confirmed.codes] == ["90847"]
    changed = await billing.confirm_codes(
        clinic.deps,
        lee,
        billing.ConfirmCodes(
            appointment_id=ids[1],
            version=confirmed.version,
            codes=(billing.CodeInput(code="90846"),),
        ),
    )
    assert [c.code for c in changed.codes] == ["90846"]
    page_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[1])
    assert page_codes.confirmed_differs and [c.code for c in page_codes.suggested] == ["90847"]
    # Month 3: the grandmother is expected too.
    march = await expected_names(clinic, lee, ids[8])  # 5 March
    assert march == ["Ada Okafor", "Chidi Okafor", "Grace Okafor"]


async def test_attendance_rules(clinic):
    lee = await clinic.staff("Dr. Lee")
    maya, sam = await clinic.person("Maya Rivera"), await clinic.person("Sam Chen")
    couple = await clinic.case(
        CaseKind.COUPLE, lee, (maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)
    )
    booked = await clinic.book(lee, couple, at(2, 3, 10, 0), repeat=s.Repeat(count=4))
    ids = booked.appointment_ids
    clinic.now(at(2, 2, 12, 0))  # the day before
    with pytest.raises(InvariantViolation, match="once the session has begun"):
        await mark(clinic, lee, ids[0], maya=ATTENDED)
    # An announced absence or late cancellation can be recorded ahead.
    await mark(clinic, lee, ids[0], sam=LATE)
    assert (await clinic.appointment(ids[0])).status is AppointmentStatus.SCHEDULED
    clinic.now(at(2, 3, 10, 5))
    await mark(clinic, lee, ids[0], maya=ATTENDED)
    assert (await clinic.appointment(ids[0])).status is AppointmentStatus.COMPLETED
    # Clearing the only attendance puts the session back to scheduled.
    await mark(clinic, lee, ids[0], maya=None)
    assert (await clinic.appointment(ids[0])).status is AppointmentStatus.SCHEDULED

    clinic.now(at(2, 10, 11, 0))
    await mark(clinic, lee, ids[1], maya=NO_SHOW, sam=NO_SHOW)
    assert (await clinic.appointment(ids[1])).status is AppointmentStatus.NO_SHOW
    await mark(clinic, lee, ids[1], sam=ATTENDED)
    assert (await clinic.appointment(ids[1])).status is AppointmentStatus.COMPLETED
    with pytest.raises(InvariantViolation, match="only a scheduled one can be cancelled"):
        await s.cancel_appointment(
            clinic.deps, lee, s.CancelAppointment(appointment_id=ids[1], version=2)
        )
    with pytest.raises(InvariantViolation, match="Someone attended"):
        await s.set_status(
            clinic.deps,
            lee,
            s.SetStatus(appointment_id=ids[1], version=2, status=AppointmentStatus.NO_SHOW),
        )

    # "Completed" marks everyone without a mark as attending, but never an empty session.
    clinic.now(at(3, 1, 12, 0))
    await s.set_status(
        clinic.deps,
        lee,
        s.SetStatus(appointment_id=ids[0], version=3, status=AppointmentStatus.COMPLETED),
    )
    done = await v.appointment_page(clinic.deps, lee, ids[0])
    done_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[0])
    assert [(p.name, p.attendance) for p in done.expected] == [
        ("Maya Rivera", "attended"),
        ("Sam Chen", "late_cancelled"),
    ]
    # Maya came alone: 90846 with Sam as identified client, or her own session; Hearth asks.
    assert done_codes.suggested == []
    assert [o.lines[0].code for o in done_codes.options] == ["90846", "90834"]

    # A late cancellation of the session marks everyone expected who has no mark yet.
    await s.cancel_appointment(
        clinic.deps, lee, s.CancelAppointment(appointment_id=ids[2], version=0, late=True)
    )
    late = await v.appointment_page(clinic.deps, lee, ids[2])
    late_codes = await billing_views.appointment_codes(clinic.deps, lee, ids[2])
    assert late.status == "late_cancelled"
    assert {p.attendance for p in late.expected} == {"late_cancelled"}
    assert late_codes.suggested == []

    # A cancelled session has no attendance; nor is an empty session ever completed.
    with pytest.raises(InvariantViolation, match="Nobody is marked as attending"):
        await s.set_status(
            clinic.deps,
            lee,
            s.SetStatus(appointment_id=ids[2], version=1, status=AppointmentStatus.COMPLETED),
        )
    await s.cancel_appointment(
        clinic.deps, lee, s.CancelAppointment(appointment_id=ids[3], version=0)
    )
    with pytest.raises(InvariantViolation, match="cancelled"):
        await mark(clinic, lee, ids[3], maya=ABSENT)
    # Codes are confirmed only for sessions that took place.
    with pytest.raises(InvariantViolation, match="took place"):
        await billing.confirm_codes(
            clinic.deps, lee, billing.ConfirmCodes(appointment_id=ids[3], version=1)
        )


async def test_consultation_sessions_carry_no_codes(clinic):
    lee = await clinic.staff("Dr. Lee")
    consultee = await clinic.person("Rae Consultee")
    case_id = await clinic.case(CaseKind.CONSULTATION, lee, (consultee, None))
    booked = await clinic.book(lee, case_id, at(2, 3, 10, 0), service="Consultation 60")
    clinic.now(at(2, 3, 11, 0))
    await mark(clinic, lee, booked.appointment_ids[0], rae=ATTENDED)
    page = await v.appointment_page(clinic.deps, lee, booked.appointment_ids[0])
    page_codes = await billing_views.appointment_codes(clinic.deps, lee, booked.appointment_ids[0])
    assert page_codes is None
    with pytest.raises(RecordNotAllowed, match="cannot have a billing code"):
        await billing.confirm_codes(
            clinic.deps,
            lee,
            billing.ConfirmCodes(appointment_id=booked.appointment_ids[0], version=page.version),
        )
    # The appointment itself refuses, whoever asks it.
    appointment = await clinic.appointment(booked.appointment_ids[0])
    async with clinic.deps.uow() as uow:
        case = await uow.cases.get(case_id)
    with pytest.raises(RecordNotAllowed, match="consultation client case cannot have a billing"):
        confirm_codes(appointment, case, [CodeLine("90834")])
    assert appointment.codes is None


async def test_the_treating_clinician_confirms_codes_not_the_administrator(clinic):
    lee = await clinic.staff("Dr. Lee")
    admin = await clinic.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(lee,))
    client = await clinic.person("Maya Rivera")
    case_id = await clinic.case(CaseKind.INDIVIDUAL, lee, (client, None))
    [aid] = (await clinic.book(lee, case_id, at(2, 3, 10, 0))).appointment_ids
    clinic.now(at(2, 3, 11, 0))
    done = await mark(clinic, lee, aid, maya=ATTENDED)
    with pytest.raises(Forbidden, match="Only the clinicians treating this case"):
        await billing.confirm_codes(
            clinic.deps, admin, billing.ConfirmCodes(appointment_id=aid, version=1)
        )
    confirmed = await billing.confirm_codes(
        clinic.deps, lee, billing.ConfirmCodes(appointment_id=aid, version=done.version)
    )
    assert [c.code for c in confirmed.codes] == ["90834"]
    # The administrator still sees the codes (billing), without confirming them.
    page = await v.appointment_page(clinic.deps, admin, aid)
    page_codes = await billing_views.appointment_codes(clinic.deps, admin, aid)
    assert [c.code for c in page_codes.confirmed] == ["90834"]
    assert "write_clinical" not in page.permissions
