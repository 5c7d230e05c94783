"""The case page's "Booking and coding" panel: the case's usual service, and for couples and
families the identified client its codes are about."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.access import Actor, Permission, reference_day, require
from core.domain.scheduling.defaults import offered_services
from core.domain.shared.audit import AuditObject
from core.domain.shared.values import CaseId, PersonId
from core.services.cases.changes import load_case
from core.services.scheduling.deps import SchedulingDeps
from core.services.scheduling.views.booking_form import ServiceOption
from core.services.shared.audit import audit_read
from core.services.shared.use_case import View, staff_actor


class MemberChoice(View, frozen=True, kw_only=True):
    person_id: PersonId
    name: str


class CaseDefaults(View, frozen=True, kw_only=True):
    case_id: CaseId
    version: int  # the case's: what the panel's edit forms were read at
    kind_label: str
    may_change: bool
    is_open: bool
    services: list[ServiceOption]  # the active services of the case's kind of work
    usual_service_id: UUID | None
    usual_service_name: str | None  # None: none set, or no longer offered
    names_identified_client: bool  # couples and families
    members: list[MemberChoice]  # the members today, who may be named
    identified_client_id: PersonId | None  # named and still a member
    identified_client_name: str | None

    @property
    def service_choices(self) -> list[tuple[str, str]]:
        return [(str(x.id), x.label) for x in self.services]

    @property
    def member_choices(self) -> list[tuple[str, str]]:
        return [(str(m.person_id), m.name) for m in self.members]


async def case_defaults(deps: SchedulingDeps, actor: Actor, case_id: CaseId) -> CaseDefaults:
    staff_actor(actor)
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        granted = require(actor, case, today, Permission.VIEW_CASE)
        services = offered_services(await uow.services.list_all(), case.policy.service_line)
        day = reference_day(case, today)
        members = case.members_on(day)
        people = await uow.people.get_many(m.person_id for m in members)
    await audit_read(deps, actor, AuditObject.CASE, case.id, case)
    names = {pid: p.display_name for pid, p in people.items()}
    usual = next((x for x in services if x.id == case.usual_service_id), None)
    named = case.identified_client_on(day)
    return CaseDefaults(
        case_id=case.id,
        version=case.version,
        kind_label=case.policy.label,
        may_change=Permission.MANAGE_CASE in granted and case.is_open,
        is_open=case.is_open,
        services=[
            ServiceOption(id=x.id, name=x.name, minutes=x.minutes, billing_code=x.billing_code)
            for x in services
        ],
        usual_service_id=usual.id if usual else None,
        usual_service_name=usual.name if usual else None,
        names_identified_client=case.policy.names_identified_client,
        members=sorted(
            (
                MemberChoice(person_id=m.person_id, name=names.get(m.person_id, "A person"))
                for m in members
            ),
            key=lambda c: c.name,
        ),
        identified_client_id=named,
        identified_client_name=names.get(named) if named else None,
    )
