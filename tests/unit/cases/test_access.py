"""The access policy: who may read and change what, per case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.domain.cases.access import Permission as P
from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import StaffDuty
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import Forbidden, NotFound
from core.services import cases, directory
from core.services.cases import views as case_views
from core.services.documentation import diagnoses
from core.services.documentation.views import clinical_record
from core.services.documentation.views.clinical_record import case_diagnoses
from tests.support.practice import Practice


@pytest.fixture
async def team(practice: Practice):
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    ari = await practice.staff("Ari Associate", associate=True, supervisor=lee)
    kim = await practice.staff("Dr. Kim")
    pat = await practice.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(ari,))
    client = await practice.person("Ann One")
    case_id = await practice.open(ari, CaseKind.INDIVIDUAL, client)
    await diagnoses.add_diagnosis(
        practice.deps, ari, diagnoses.AddDiagnosis(case_id=case_id, person_id=client, code="F41.1")
    )
    # Reload actors: Lee's supervisees changed after Ari was added.
    lee = await practice.actor(lee.id)
    return practice, case_id, {"lee": lee, "ari": ari, "kim": kim, "pat": pat}


async def test_each_role_gets_what_its_responsibility_allows(team):
    practice, case_id, staff = team
    case = await cases.get_case(practice.deps, staff["ari"], case_id)
    from core.domain.cases.access import case_permissions

    today = practice.clock.today()
    perms = {name: case_permissions(actor, case, today) for name, actor in staff.items()}
    perms["owner"] = case_permissions(practice.owner, case, today)
    assert {P.VIEW_CLINICAL, P.WRITE_CLINICAL, P.MANAGE_CASE} <= perms["ari"]
    # The associate's default supervisor reads the work, clinical included, without running it.
    assert {P.VIEW_CASE, P.VIEW_CLINICAL} <= perms["lee"]
    assert P.WRITE_CLINICAL not in perms["lee"] and P.MANAGE_CASE not in perms["lee"]
    # A clinician without a responsibility sees nothing at all.
    assert perms["kim"] == frozenset()
    # The administrator supporting the associate: schedules, contacts and money, never clinical.
    assert {P.VIEW_CASE, P.MANAGE_CASE, P.VIEW_BILLING, P.MANAGE_BILLING} <= perms["pat"]
    assert not {P.VIEW_CLINICAL, P.WRITE_CLINICAL} & perms["pat"]
    # The owner manages every case, but reads clinical content only when configured to.
    assert P.MANAGE_CASE in perms["owner"] and P.VIEW_CLINICAL not in perms["owner"]
    owner_all = await practice.actor(practice.owner.id, owner_sees_clinical=True)
    assert P.VIEW_CLINICAL in case_permissions(owner_all, case, today)


async def test_refusals_are_not_found_for_strangers_and_forbidden_for_others(team):
    practice, case_id, staff = team
    with pytest.raises(NotFound):
        await case_views.case_overview(practice.deps, staff["kim"], case_id)
    with pytest.raises(NotFound):
        await cases.rename_case(
            practice.deps, staff["kim"], cases.RenameCase(case_id=case_id, name="x")
        )
    with pytest.raises(Forbidden):
        await diagnoses.add_diagnosis(
            practice.deps,
            staff["pat"],
            diagnoses.AddDiagnosis(
                case_id=case_id,
                person_id=(await directory.find_people(practice.deps, staff["pat"], "Ann"))[0].id,
                code="F32.0",
            ),
        )
    with pytest.raises(Forbidden):
        await cases.assign_staff(
            practice.deps,
            staff["pat"],
            cases.AssignStaff(
                case_id=case_id, staff_id=staff["kim"].id, duty=StaffDuty.CO_THERAPIST
            ),
        )
    assert await case_diagnoses(practice.deps, staff["pat"], case_id) is None
    lees = await case_views.case_overview(practice.deps, staff["lee"], case_id)
    lees_diagnoses = await case_diagnoses(practice.deps, staff["lee"], case_id)
    assert lees_diagnoses is not None and [d.code for d in lees_diagnoses] == ["F41.1"]
    assert lees.supervisor is not None and lees.supervisor.name == "Dr. Lee"


async def test_only_the_owner_manages_staff_and_cases_are_opened_for_the_right_provider(team):
    practice, _, staff = team
    with pytest.raises(Forbidden):
        await directory.add_staff(
            practice.deps,
            staff["lee"],
            directory.AddStaff(
                name="X", email="x@hearth.test", roles=frozenset({StaffRole.CLINICIAN})
            ),
        )
    client = await practice.person("Bea Two")
    opening = cases.OpenCase(
        kind=CaseKind.INDIVIDUAL,
        responsible_provider_id=staff["kim"].id,
        participants=(cases.Participant(person_id=client),),
    )
    with pytest.raises(Forbidden):
        await cases.open_case(practice.deps, staff["lee"], opening)  # not for a colleague
    with pytest.raises(Forbidden):
        await cases.open_case(practice.deps, staff["pat"], opening)  # Pat supports Ari, not Kim
    await cases.open_case(practice.deps, practice.owner, opening)


async def test_caseloads_and_the_case_list_show_only_visible_cases(team):
    practice, case_id, staff = team
    assert [
        c.id for c in await case_views.caseload(practice.deps, staff["ari"], staff["ari"].id)
    ] == [case_id]
    assert await case_views.caseload(practice.deps, staff["kim"], staff["kim"].id) == []
    with pytest.raises(Forbidden):
        await case_views.caseload(practice.deps, staff["kim"], staff["ari"].id)
    for who in ("ari", "lee", "pat"):
        page = await case_views.list_cases(practice.deps, staff[who], case_views.CaseFilter())
        assert [c.id for c in page.items] == [case_id], who
    assert (
        await case_views.list_cases(practice.deps, staff["kim"], case_views.CaseFilter())
    ).items == []
    by_name = await case_views.list_cases(
        practice.deps, practice.owner, case_views.CaseFilter(text="ann")
    )
    assert by_name.total == 1


async def test_the_case_list_counts_only_what_the_actor_may_open(team):
    """After a handover the former clinician's administrator no longer sees the case: the total
    and the pages agree with the policy, none short, none empty."""
    practice, case_id, staff = team
    others = []
    for name in ("Bea Two", "Cy Three"):
        client = await practice.person(name)
        others.append(
            await cases.open_case(
                practice.deps,
                staff["ari"],
                cases.OpenCase(
                    kind=CaseKind.INDIVIDUAL,
                    responsible_provider_id=staff["ari"].id,
                    participants=(cases.Participant(person_id=client),),
                ),
            )
        )
    await cases.assign_staff(
        practice.deps,
        practice.owner,
        cases.AssignStaff(
            case_id=others[0], staff_id=staff["kim"].id, duty=StaffDuty.RESPONSIBLE_PROVIDER
        ),
    )
    first = await case_views.list_cases(
        practice.deps, staff["pat"], case_views.CaseFilter(per_page=1)
    )
    assert first.total == 2 and first.pages == 2
    second = await case_views.list_cases(
        practice.deps, staff["pat"], case_views.CaseFilter(per_page=1, page=2)
    )
    assert len(first.items) == len(second.items) == 1
    assert {first.items[0].id, second.items[0].id} == {case_id, others[1]}
    kims = await case_views.list_cases(
        practice.deps, practice.owner, case_views.CaseFilter(clinician_id=staff["kim"].id)
    )
    assert [c.id for c in kims.items] == [others[0]]


async def test_the_owner_cannot_walk_around_the_clinical_setting(team):
    practice, case_id, staff = team
    owner_is_clinician = practice.owner  # the first owner is also a clinician and supervisor
    for duty in (StaffDuty.CO_THERAPIST, StaffDuty.SUPERVISOR, StaffDuty.RESPONSIBLE_PROVIDER):
        with pytest.raises(Forbidden, match="its clinician can add you"):
            await cases.assign_staff(
                practice.deps,
                owner_is_clinician,
                cases.AssignStaff(case_id=case_id, staff_id=owner_is_clinician.id, duty=duty),
            )
    # The case's own clinician can bring the owner in; a configured owner may join directly.
    await cases.assign_staff(
        practice.deps,
        staff["ari"],
        cases.AssignStaff(
            case_id=case_id, staff_id=owner_is_clinician.id, duty=StaffDuty.CO_THERAPIST
        ),
    )
    sees_all = await practice.actor(practice.owner.id, owner_sees_clinical=True)
    await cases.assign_staff(
        practice.deps,
        sees_all,
        cases.AssignStaff(case_id=case_id, staff_id=sees_all.id, duty=StaffDuty.SUPERVISOR),
    )


async def test_a_persons_record_follows_their_cases_and_lookup_shows_a_card(team):
    practice, _, staff = team
    # Looking a person up finds only people of one's cases (HIPAA minimum necessary), and
    # shows just enough to pick the right one.
    assert await directory.find_people(practice.deps, staff["kim"], "ann") == []
    ann = (await directory.find_people(practice.deps, staff["pat"], "ann"))[0]
    assert (ann.display_name, ann.email_hint) == ("Ann One", "a•••@example.org")
    assert await directory.person_cards(practice.deps, staff["kim"], [ann.id]) == []
    # The record itself (birth date, address, contacts) follows the cases.
    with pytest.raises(NotFound):
        await directory.get_person(practice.deps, staff["kim"], ann.id)
    record = await directory.get_person(practice.deps, staff["pat"], ann.id)
    supervisor_reads = await directory.get_person(practice.deps, staff["lee"], ann.id)
    assert record == supervisor_reads
    change = directory.UpdatePerson(
        person_id=ann.id, version=record.version, legal_name="Ann One", email="ann@new.example"
    )
    with pytest.raises(NotFound):
        await directory.update_person(practice.deps, staff["kim"], change)
    with pytest.raises(Forbidden, match="manage one of this person's cases"):
        await directory.update_person(practice.deps, staff["lee"], change)  # reads, not runs
    await directory.update_person(practice.deps, staff["pat"], change)
    # Somebody nobody works with yet is an open directory entry.
    new = await practice.person("Walk In")
    await directory.get_person(practice.deps, staff["kim"], new)


async def test_an_organizations_details_are_changed_by_whoever_handles_its_billing(practice):
    from core.domain.cases.responsibilities import PayerKind

    lee = await practice.staff("Dr. Lee")
    kim = await practice.staff("Dr. Kim")
    clinic = await directory.register_organization(
        practice.deps, kim, directory.RegisterOrganization(name="Northside Clinic")
    )
    # While it pays for nothing, any staff member completes the directory entry.
    await directory.update_organization(
        practice.deps,
        kim,
        directory.UpdateOrganization(organization_id=clinic, version=0, name="Northside Clinic"),
    )
    client = await practice.person("Ann One")
    await practice.open(
        lee,
        CaseKind.CONSULTATION,
        client,
        payer=cases.Payer(kind=PayerKind.ORGANIZATION, id=clinic),
    )
    change = directory.UpdateOrganization(
        organization_id=clinic, version=1, name="Northside Clinic", email="billing@evil.example"
    )
    with pytest.raises(Forbidden, match="handle billing"):
        await directory.update_organization(practice.deps, kim, change)
    await directory.update_organization(practice.deps, lee, change)


async def test_reopening_with_another_provider_is_a_clinical_assignment(team):
    practice, case_id, staff = team
    await cases.close_case(practice.deps, staff["pat"], cases.CloseCase(case_id=case_id))
    practice.clock.advance(timedelta(days=2))
    # The administrator may reopen the case as it was, but not hand it to another clinician...
    with pytest.raises(Forbidden):
        await cases.reopen_case(
            practice.deps,
            staff["pat"],
            cases.ReopenCase(case_id=case_id, responsible_provider_id=staff["kim"].id),
        )
    # ...and the owner may not take it over to reach clinical records the setting withholds.
    with pytest.raises(Forbidden, match="its clinician can add you"):
        await cases.reopen_case(
            practice.deps,
            practice.owner,
            cases.ReopenCase(case_id=case_id, responsible_provider_id=practice.owner.id),
        )
    reopened = await cases.reopen_case(
        practice.deps, staff["pat"], cases.ReopenCase(case_id=case_id)
    )
    assert reopened.responsible_provider_on(practice.clock.today()) == staff["ari"].id


async def test_the_case_view_says_which_duties_the_actor_may_give_and_end(team):
    practice, case_id, staff = team
    await cases.assign_staff(
        practice.deps,
        staff["ari"],
        cases.AssignStaff(case_id=case_id, staff_id=staff["kim"].id, duty=StaffDuty.CO_THERAPIST),
    )
    ari = await case_views.case_overview(practice.deps, staff["ari"], case_id)
    pat = await case_views.case_overview(practice.deps, staff["pat"], case_id)
    assert [d for d, _ in ari.assignable_duties] == [d.value for d in StaffDuty]
    assert pat.assignable_duties == [("admin_support", "administrative support")]
    assert ari.co_therapists[0].can_end and not pat.co_therapists[0].can_end
    assert ari.responsible_provider is not None and not ari.responsible_provider.can_end
    # The administrator's click would be refused by the core, so the view offers none.
    with pytest.raises(Forbidden):
        await cases.end_staff_duty(
            practice.deps,
            staff["pat"],
            cases.EndStaffDuty(case_id=case_id, assignment_id=ari.co_therapists[0].assignment_id),
        )


async def test_the_case_page_with_its_diagnoses_panel_shows_what_the_panel_alone_shows(team):
    """The case page loads its case once for the diagnoses panel too: the same panel, or none,
    for each reader, as the panel's own use case decides."""
    practice, case_id, staff = team
    panels = {}
    for who in ("ari", "lee", "kim", "pat"):
        actor = staff[who]
        try:
            loaded, shown = await clinical_record.case_page_with_diagnoses(
                practice.deps, actor, case_id
            )
        except (NotFound, Forbidden):
            with pytest.raises((NotFound, Forbidden)):
                await case_views.case_page(practice.deps, actor, case_id)
            continue
        assert loaded.page == await case_views.case_page(practice.deps, actor, case_id), who
        assert shown == await case_diagnoses(practice.deps, actor, case_id), who
        panels[who] = shown
    assert panels["pat"] is None  # sees the case, not its clinical record
    assert panels["ari"] is not None and [d.code for d in panels["ari"]] == ["F41.1"]


async def test_a_closed_case_lists_the_part_the_viewer_had_on_its_last_day(team):
    """The case list's "your part" is read on the case's reference day, as access is: after
    closing, the clinician still sees the case and the duty they held, not an empty cell."""
    practice, case_id, staff = team
    await cases.close_case(practice.deps, staff["ari"], cases.CloseCase(case_id=case_id))
    practice.clock.advance(timedelta(days=30))
    page = await case_views.list_cases(practice.deps, staff["ari"], case_views.CaseFilter())
    [row] = [c for c in page.items if c.id == case_id]
    assert (row.status, row.roles) == ("closed", ["responsible provider"])
