"""The case list, the case page and its clinical panel."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Template

from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, DepsParam, PathStr
from adapters.web.kit.paths import path_id
from adapters.web.kit.rendering import render
from core.domain.cases.access import StaffActor
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind, policy
from core.domain.cases.responsibilities import PayerKind
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import DomainError, Forbidden
from core.domain.shared.values import CaseId, PersonId, StaffId
from core.services import directory
from core.services.cases import views as case_views
from core.services.documentation.views import clinical_record
from core.services.shared.use_case import Deps

PER_PAGE = 50
FILTERS = ("q", "kind", "status", "clinician", "mine")


@get("/cases")
async def case_list(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam
) -> Template:
    """Filters narrow the list in place (htmx) and live in the URL, so a filtered list can be
    bookmarked and works without JavaScript."""
    params = request.query_params
    errors: dict[str, str] = {}
    page = None
    try:
        mine = forms.flag(params, "mine")
        clinician = forms.optional_uuid(params, "clinician", "a clinician")
        case_filter = case_views.CaseFilter(
            kind=forms.optional_choice(params, "kind", CaseKind, "a kind of case"),
            status=forms.optional_choice(params, "status", CaseStatus, "a status"),
            clinician_id=actor.id if mine else (StaffId(clinician) if clinician else None),
            text=forms.text(params, "q")[:100],
            page=forms.optional_int(params, "page", 1, 1_000_000) or 1,
            per_page=PER_PAGE,
        )
        page = await case_views.list_cases(deps, actor, case_filter)
    except Forbidden as exc:
        errors["clinician"] = exc.message
    except DomainError as exc:
        errors[exc.field or "q"] = exc.message
    staff = await directory.list_staff(deps, actor)
    context = {
        "actor": actor,
        "page": page,
        "values": forms.values(params),
        "errors": errors,
        # No filter and nothing to show: the practice's first case is still to be opened.
        "filtered": any(forms.text(params, k).strip() for k in FILTERS),
        "clinicians": [s for s in staff if s.active and s.has(StaffRole.CLINICIAN)],
        "page_link": lambda n: (
            "/cases?"
            + urlencode(
                [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
                + [("page", n)]
            )
        ),
    }
    return render(
        request,
        "cases/list.html",
        context,
        fragment="cases/_results.html",
        status=422 if errors else 200,
    )


async def case_context(
    deps: Deps,
    actor: StaffActor,
    case_id: CaseId,
    *,
    form: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the case page shows, and the state of the form that just failed, if any."""
    page = await case_views.case_page(deps, actor, case_id)
    overview, history, staff = page.overview, page.history, page.staff
    people = {m.person_id: m.name for m in [*overview.members_now, *overview.members_before]}
    people |= {
        PersonId(p.payer_id): p.payer_name
        for p in overview.payers or []
        if p.payer_kind is PayerKind.PERSON
    }
    people |= {h.helper_id: h.helper_name for h in overview.helpers}
    return {
        "actor": actor,
        "case": overview,
        "people": sorted(((str(k), v) for k, v in people.items()), key=lambda kv: kv[1]),
        "members": [(str(m.person_id), m.name) for m in overview.members_now],
        "staff": staff,
        "policy": policy(CaseKind(overview.kind)),
        "history": history,
        "diagnoses": await clinical_record.case_diagnoses(deps, actor, case_id),
        "can": set(overview.permissions),
        "clinicians": [s for s in staff if s.has(StaffRole.CLINICIAN)],
        "supervisors": [s for s in staff if s.has(StaffRole.SUPERVISOR)],
        "administrators": [s for s in staff if s.has(StaffRole.ADMINISTRATOR)],
        "form": form,
        "errors": errors or {},
        "values": values or {},
    }


@get("/cases/{case_id:str}")
async def case_page(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, case_id: PathStr
) -> Template:
    context = await case_context(deps, actor, CaseId(path_id(case_id, "case")))
    return render(request, "cases/page.html", context, fragment="cases/_panels.html")


@get("/cases/{case_id:str}/clinical")
async def clinical_panel(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, case_id: PathStr
) -> Template:
    """The clinical record on its own address: refused by the core for anyone who may not read
    it, and for a case whose kind has none (consultation, workshop)."""
    record = await clinical_record.case_clinical(deps, actor, CaseId(path_id(case_id, "case")))
    context = {
        "actor": actor,
        "case": record.case,
        "diagnoses": record.diagnoses,
        "can": set(record.case.permissions),
        "form": "",
        "errors": {},
        "values": {},
    }
    return render(
        request, "documentation/clinical.html", context, fragment="documentation/_diagnoses.html"
    )


@get("/cases/{case_id:str}/history")
async def case_history(
    request: Request[Any, Any, Any], deps: DepsParam, actor: ActorParam, case_id: PathStr
) -> Template:
    page = await case_views.case_page(deps, actor, CaseId(path_id(case_id, "case")))
    context = {"actor": actor, "case": page.overview, "history": page.history}
    return render(request, "cases/history.html", context, fragment="cases/_history.html")


ROUTES = [case_list, case_page, clinical_panel, case_history]
