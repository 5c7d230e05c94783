"""A person's page and a person's cases: their record, and the cases the viewer may see with
the person's roles in each."""

from __future__ import annotations

from core.domain.cases.access import (
    Actor,
    Permission,
    StaffActor,
    case_permissions,
    person_permissions,
)
from core.domain.cases.case import Case
from core.domain.cases.responsibilities import PayerKind
from core.domain.directory.parties import Person
from core.domain.shared.audit import AuditObject
from core.domain.shared.errors import Forbidden, NotFound
from core.domain.shared.values import PersonId
from core.services.cases.views.caseload import CaseSummary, _summary, by_name
from core.services.shared.audit import audit_read
from core.services.shared.use_case import Deps, View


class PersonPage(View, frozen=True, kw_only=True):
    person: Person
    cases: list[CaseSummary]
    can_edit: bool  # see access.person_permissions


async def person_page(deps: Deps, actor: Actor, person_id: PersonId) -> PersonPage:
    """A person's record and the cases the actor may see, for staff who work with one of
    their cases (or anyone, while they are in none)."""
    person, cases, granted = await person_and_cases(deps, actor, person_id)
    if Permission.VIEW_CASE not in granted:
        raise NotFound("No such person.")
    await audit_read(deps, actor, AuditObject.PERSON, person.id)
    return PersonPage(person=person, cases=cases, can_edit=Permission.MANAGE_CASE in granted)


async def person_and_cases(
    deps: Deps, actor: Actor, person_id: PersonId
) -> tuple[Person, list[CaseSummary], frozenset[Permission]]:
    """The person, the summaries of their cases the actor may see, and what the actor may do
    with the person's record — in one unit of work."""
    if not isinstance(actor, StaffActor):
        raise Forbidden("Only staff members see a person's cases.")
    today = deps.clock.today()
    async with deps.uow() as uow:
        person = await uow.people.get(person_id)
        if person is None:
            raise NotFound("No such person.")
        cases = await uow.cases.get_many(await uow.cases.ids_for_person(person_id))
        staff = {s.id: s.name for s in await uow.staff.list_all()}
    visible = [
        _summary(case, today, staff, person_roles(case, person_id))
        for case in cases
        if Permission.VIEW_CASE in case_permissions(actor, case, today)
    ]
    return person, by_name(visible), person_permissions(actor, cases, today)


class PersonCases(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str
    cases: list[CaseSummary]


def person_roles(case: Case, person_id: PersonId) -> list[str]:
    roles = {
        f"{m.role.label}{'' if m.period.end is None else ' (former)'}"
        for m in case.memberships
        if m.person_id == person_id
    }
    for b in case.billing:
        if b.payer.kind is PayerKind.PERSON and b.payer.id == person_id:
            roles.add("payer" if b.period.end is None else "payer (former)")
    roles |= {
        h.kind.label for h in case.helpers if h.helper_id == person_id and h.period.end is None
    }
    pref = case.communication.get(person_id)
    if pref is not None and pref.receives_anything and not roles:
        roles.add("receives communication")
    return sorted(roles)


async def person_cases(deps: Deps, actor: Actor, person_id: PersonId) -> PersonCases:
    """Every case the person is in, pays for or helps with — those the actor may see."""
    person, cases, _ = await person_and_cases(deps, actor, person_id)
    await audit_read(deps, actor, AuditObject.PERSON, person.id)
    return PersonCases(person_id=person.id, name=person.display_name, cases=cases)
