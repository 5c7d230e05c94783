"""A case's clinical record: the screen with its diagnoses and treatment plans, and the case
page's diagnoses panel."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from uuid import UUID

from core.domain.cases.access import Actor, Permission, case_permissions, require
from core.domain.cases.case import Case
from core.domain.cases.kinds import RecordType
from core.domain.directory.parties import Person
from core.domain.documentation.diagnoses import Diagnosis
from core.domain.documentation.icd10 import catalog
from core.domain.shared.audit import AuditObject
from core.domain.shared.values import CaseId, PersonId
from core.ports import UnitOfWork
from core.services.cases.changes import load_case
from core.services.cases.views.case_page import (
    CaseOverview,
    LoadedCasePage,
    build_overview,
    load_case_page,
)
from core.services.documentation.views.plans import ParticipantPlans, participant_plans
from core.services.shared.audit import audit_read
from core.services.shared.use_case import Deps, View


class DiagnosisView(View, frozen=True, kw_only=True):
    diagnosis_id: UUID
    person_id: PersonId
    name: str
    code: str
    description: str
    since: date
    until: date | None
    primary: bool
    # Recorded before the code list (free text): its code is not a complete ICD-10-CM code.
    legacy: bool
    official: str  # the list's description, when the clinician's wording differs


class ClinicalRecord(View, frozen=True, kw_only=True):
    case: CaseOverview
    diagnoses: list[DiagnosisView]
    plans: list[ParticipantPlans]
    release: str  # the ICD-10-CM release the codes come from


def _view(d: Diagnosis, names: dict[PersonId, str]) -> DiagnosisView:
    entry = catalog().get(d.code)
    coded = entry is not None and entry.billable
    return DiagnosisView(
        diagnosis_id=d.id,
        person_id=d.person_id,
        name=names.get(d.person_id, ""),
        code=d.code,
        description=d.description,
        since=d.period.start,
        until=d.period.end,
        primary=d.primary,
        legacy=not coded,
        official=entry.description if entry and entry.description != d.description else "",
    )


def _views(diagnoses: list[Diagnosis], names: dict[PersonId, str]) -> list[DiagnosisView]:
    # Primary first within each participant, each participant where they first appear.
    order = {pid: n for n, pid in enumerate(dict.fromkeys(d.person_id for d in diagnoses))}
    ranked = sorted(diagnoses, key=lambda d: (order[d.person_id], not d.primary))
    return [_view(d, names) for d in ranked]


def _shown(case: Case, granted: frozenset[Permission]) -> bool:
    return Permission.VIEW_CLINICAL in granted and case.policy.allows(RecordType.DIAGNOSIS)


async def case_clinical(deps: Deps, actor: Actor, case_id: CaseId) -> ClinicalRecord:
    """The case with its diagnoses and treatment plans, for clinical readers of a psychotherapy
    case only: anyone else is refused, whatever URL they type."""
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        granted = require(actor, case, today, Permission.VIEW_CLINICAL)
        case.policy.require(RecordType.DIAGNOSIS)
        people = await uow.people.get_many(case.related_person_ids())
        staff = {s.id: s for s in await uow.staff.list_all()}
        diagnoses = await uow.diagnoses.for_cases([case.id])
        plans = await uow.plans.for_case(case.id)
    await audit_read(deps, actor, AuditObject.CLINICAL_RECORD, case.id, case)
    names = {pid: p.display_name for pid, p in people.items()}
    staff_names = {sid: s.name for sid, s in staff.items()}
    return ClinicalRecord(
        case=build_overview(case, granted, today, people, staff, {}),
        diagnoses=_views(diagnoses, names),
        plans=participant_plans(plans, names, staff_names, today),
        release=catalog().release,
    )


async def case_diagnoses(deps: Deps, actor: Actor, case_id: CaseId) -> list[DiagnosisView] | None:
    """The case page's diagnoses panel: None when the actor may not read the clinical record
    or the case is not psychotherapy (no panel at all)."""
    today = deps.clock.today()
    async with deps.uow() as uow:
        case = await load_case(uow, case_id)
        return await _panel(uow, case, case_permissions(actor, case, today))


async def case_page_with_diagnoses(
    deps: Deps, actor: Actor, case_id: CaseId
) -> tuple[LoadedCasePage, list[DiagnosisView] | None]:
    """The case page (as loaded, for the other panels) and its diagnoses panel (as
    `case_diagnoses`), the case loaded once: the panel is decided on the case and the
    permissions the page was built from, and names the people the page loaded."""
    loaded = await load_case_page(deps, actor, case_id)
    if not _shown(loaded.case, loaded.granted):
        return loaded, None
    async with deps.uow() as uow:
        return loaded, await _panel(uow, loaded.case, loaded.granted, loaded.people)


async def _panel(
    uow: UnitOfWork,
    case: Case,
    granted: frozenset[Permission],
    known: Mapping[PersonId, Person] | None = None,
) -> list[DiagnosisView] | None:
    """`known`: people loaded already (a diagnosis is of a member: the case page has them)."""
    if not _shown(case, granted):
        return None
    diagnoses = await uow.diagnoses.for_cases([case.id])
    people = dict(known or {})
    missing = {d.person_id for d in diagnoses} - people.keys()
    if missing:
        people |= await uow.people.get_many(missing)
    return _views(diagnoses, {pid: p.display_name for pid, p in people.items()})
