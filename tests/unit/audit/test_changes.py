"""Every change writes its audit entries from the events of its intent: who, for whom, what,
which object — and a change that was refused or rolled back writes none."""

from __future__ import annotations

import pytest

from core.domain.cases.kinds import CaseKind
from core.domain.directory.parties import StaffRole
from core.domain.shared.audit import AuditAction
from core.domain.shared.errors import DomainError
from core.services import cases, directory
from tests.support.practice import Practice


def changes(practice: Practice) -> list[tuple[str, str, object]]:
    return [
        (e.record.action.value, e.record.object_type, e.record.object_id)
        for e in practice.audit.entries
        if e.record.action is not AuditAction.READ
    ]


async def test_opening_renaming_and_a_new_member_are_audited_with_their_objects(
    practice: Practice,
):
    lee = await practice.staff("Dr. Lee")
    maya, sam = await practice.person("Maya Rivera"), await practice.person("Sam Chen")
    before = len(practice.audit.entries)
    case_id = await practice.open(lee, CaseKind.FAMILY, maya)
    await cases.rename_case(practice.deps, lee, cases.RenameCase(case_id=case_id, name="Rivera"))
    case = await cases.add_member(
        practice.deps, lee, cases.AddMember(case_id=case_id, person_id=sam)
    )
    joined = next(m for m in case.memberships if m.person_id == sam)
    new = practice.audit.entries[before:]
    assert [(a, t, i) for a, t, i in changes(practice)][-3:] == [
        ("create", "case", case_id),
        ("change", "case", case_id),
        ("create", "membership", joined.id),
    ]
    assert {e.record.actor_id for e in new} == {lee.id}
    assert {e.record.case_id for e in new} == {case_id}
    # Entries name objects, never people: no name appears in any field.
    assert not any("Maya" in str(e.record) or "Rivera" in str(e.record) for e in new)


async def test_a_refused_change_writes_no_entry(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    kim = await practice.staff("Dr. Kim")
    maya, sam = await practice.person("Maya Rivera"), await practice.person("Sam Chen")
    case_id = await practice.open(lee, CaseKind.INDIVIDUAL, maya)
    before = changes(practice)
    with pytest.raises(DomainError):
        await cases.rename_case(practice.deps, kim, cases.RenameCase(case_id=case_id, name="x"))
    with pytest.raises(DomainError):  # an individual case has one client
        await cases.add_member(practice.deps, lee, cases.AddMember(case_id=case_id, person_id=sam))
    assert changes(practice) == before


async def test_an_administrator_changing_a_clinicians_case_works_on_their_behalf(
    practice: Practice,
):
    lee = await practice.staff("Dr. Lee")
    pat = await practice.staff("Pat Admin", StaffRole.ADMINISTRATOR, supports=(lee,))
    maya = await practice.person("Maya Rivera")
    case_id = await practice.open(lee, CaseKind.INDIVIDUAL, maya)
    await cases.rename_case(practice.deps, pat, cases.RenameCase(case_id=case_id, name="M."))
    last = practice.audit.entries[-1].record
    assert (last.action, last.actor_id, last.on_behalf_of) == (AuditAction.CHANGE, pat.id, lee.id)


async def test_directory_changes_are_audited_without_names(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    maya = await practice.person("Maya Rivera")
    created = [e.record for e in practice.audit.entries if e.record.object_id in (lee.id, maya)]
    assert [(r.action, r.object_type) for r in created] == [
        (AuditAction.CREATE, "staff"),
        (AuditAction.CREATE, "person"),
    ]
    assert all(r.actor_id == practice.owner.id for r in created)
    assert not any("Maya" in str(r) or "Lee" in str(r) for r in created)


async def test_a_person_registered_with_a_case_change_is_audited_with_it(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    maya = await practice.person("Maya Rivera")
    case_id = await practice.open(lee, CaseKind.FAMILY, maya)
    case = await cases.add_member(
        practice.deps,
        lee,
        cases.AddMember(
            case_id=case_id, new_person=directory.RegisterPerson(legal_name="Grace Okafor")
        ),
    )
    grace = next(m for m in case.memberships if m.person_id != maya)
    assert changes(practice)[-2:] == [
        ("create", "person", grace.person_id),
        ("create", "membership", grace.id),
    ]


async def test_a_failed_audit_append_after_commit_does_not_undo_or_fail_the_change(
    practice: Practice, caplog
):
    lee = await practice.staff("Dr. Lee")
    case_id = await practice.open(lee, CaseKind.FAMILY, await practice.person("Maya Rivera"))

    async def unavailable(entries) -> None:
        raise OSError("the audit log is unreachable")

    practice.audit.record_many = unavailable  # type: ignore[method-assign]
    renamed = await cases.rename_case(
        practice.deps, lee, cases.RenameCase(case_id=case_id, name="Rivera")
    )
    assert renamed.name == "Rivera"
    assert (await cases.get_case(practice.deps, lee, case_id)).name == "Rivera"
    assert "after-commit step" in caplog.text and "Maya" not in caplog.text
