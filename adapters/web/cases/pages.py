"""The case list, the case page, its clinical panel and its history (the clinical record's own
page is documentation's: `adapters/web/documentation/clinical.py`)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import get
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.directory.settings import conflict_rows
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal
from adapters.web.kit.forms import what
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId
from adapters.web.kit.rendering import render
from core.domain.cases.access import StaffActor
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind, policy
from core.domain.directory.parties import StaffRole
from core.domain.shared.errors import DomainError, Forbidden
from core.domain.shared.values import CaseId, StaffId
from core.services import directory
from core.services.billing.views.case_money import case_money
from core.services.cases import views as case_views
from core.services.documentation.case_open import case_open_items
from core.services.documentation.views import clinical_record
from core.services.shared.use_case import Deps

PER_PAGE = 50
FILTERS = ("q", "kind", "status", "clinician", "mine")


class CaseListQuery(msgspec.Struct, kw_only=True):
    """The filters of the case list, from the address."""

    kind: Annotated[CaseKind | None, what("a kind of case")] = None
    status: Annotated[CaseStatus | None, what("a status")] = None
    clinician: Annotated[StaffId | None, what("a clinician")] = None
    mine: bool = False
    q: str = ""
    page: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] | None = None

    def case_filter(self, actor: StaffActor) -> case_views.CaseFilter:
        return case_views.CaseFilter(
            kind=self.kind,
            status=self.status,
            clinician_id=actor.id if self.mine else self.clinician,
            text=self.q[:100],
            page=self.page or 1,
            per_page=PER_PAGE,
        )


# The panels of the case page below its head, folded; the one a staff member last changed
# something in stays open on their next visit (kept in their server-side session).
PANELS = ("participants", "team", "billing", "communication", "helpers", "clinical", "schedule")
OPEN_PANEL = "case_panel"


def remember_panel(request: AnyRequest, panel: str) -> None:
    if panel in PANELS and "session" in request.scope:
        request.session[OPEN_PANEL] = panel


def open_panel(request: AnyRequest) -> str:
    session = request.session if "session" in request.scope else {}
    remembered = session.get(OPEN_PANEL) if isinstance(session, dict) else None
    return remembered if remembered in PANELS else PANELS[0]


# The case's own fields each edit form of its head changes: (form, field, label).
EDITED_FIELDS = {
    "rename": ("name", "Name"),
    "status": ("status", "Status"),
    "capacity": ("capacity", "Capacity"),
}


def _shown(field: str, value: object) -> str:
    text = "" if value is None else str(value)
    if field == "status" and text in {s.value for s in CaseStatus}:
        return CaseStatus(text).label
    return text


def stale_rows(case: case_views.CaseOverview, form: str, typed: dict[str, Any]) -> list:
    """What a stale edit form of the case shows: the field as saved now next to what was typed
    (the rows of directory/settings/_conflict.html)."""
    field, label = EDITED_FIELDS[form]
    saved = {field: _shown(field, getattr(case, field))}
    return conflict_rows(saved, {field: _shown(field, typed.get(field))}, {field: label})


def stale_end_rows(case: case_views.CaseOverview, form: str, typed: dict[str, Any]) -> list:
    """A stale correction of a membership's last day: the day saved now next to the typed."""
    membership = form.partition(":")[2]
    member = next(
        (
            m
            for m in (*case.members_now, *case.members_before)
            if str(m.membership_id) == membership
        ),
        None,
    )
    if member is None:
        return []
    saved = member.left_on.isoformat() if member.left_on else ""
    label = f"Last day of {member.name}"
    return conflict_rows({"left_on": saved}, {"left_on": typed.get("left_on")}, {"left_on": label})


async def case_panels(
    request: AnyRequest,
    deps: Deps,
    actor: StaffActor,
    case_id: CaseId,
    form: str = "",
    refusal: Refusal | None = None,
    panel: str | None = None,
) -> Template:
    """The case page (its panels for htmx), with the form that was just refused, if any, or
    the one asked for (`form`, open in its `panel`, without a refusal)."""
    loaded, diagnoses = await clinical_record.case_page_with_diagnoses(deps, actor, case_id)
    page = loaded.page
    conflict = None
    if refusal is not None and refusal.conflict:
        if form in EDITED_FIELDS:
            conflict = stale_rows(page.overview, form, refusal.values)
        elif form.startswith("member_end_date:"):
            conflict = stale_end_rows(page.overview, form, refusal.values)
    context = {
        "actor": actor,
        "page": page,
        "case": page.overview,
        "history": page.history,
        "diagnoses": diagnoses,
        "money": await case_money(deps, actor, loaded),
        "documentation_open": await case_open_items(deps, actor, case_id),
        "policy": policy(CaseKind(page.overview.kind)),
        "can": page.overview.permissions,
        "form": form,
        "open_panel": panel or open_panel(request),
        "errors": refusal.errors if refusal else {},
        "values": refusal.values if refusal else {},
        "conflict": conflict,
        "conflict_what": "this case",
    }
    status = refusal.status if refusal else 200
    return render(request, "cases/page.html", context, fragment="cases/_panels.html", status=status)


class CasePages(StaffController):
    path = "/cases"

    @get("")
    async def case_list(self, request: AnyRequest, deps: DepsParam, actor: ActorParam) -> Template:
        """Filters narrow the list in place (htmx) and live in the URL, so a filtered list can
        be bookmarked and works without JavaScript."""
        params = request.query_params
        errors: dict[str, str] = {}
        found = None
        try:
            query = forms.read(params, CaseListQuery)
            found = await case_views.list_cases(deps, actor, query.case_filter(actor))
        except Forbidden as exc:  # another clinician's cases: a filter one may not use
            errors["clinician"] = exc.message
        except DomainError as exc:
            errors[exc.field or "q"] = exc.message
        staff = await directory.list_staff(deps, actor)
        context = {
            "actor": actor,
            "page": found,
            "values": forms.values(params),
            "errors": errors,
            # No filter and nothing to show: the practice's first case is still to be opened.
            "filtered": any(forms.text(params, k).strip() for k in FILTERS),
            "clinicians": [s for s in staff if s.active and s.has(StaffRole.CLINICIAN)],
            "page_link": lambda n: (
                "/cases?"
                + urlencode(
                    [(k, v) for k, v in params.multi_items() if k != "page"] + [("page", n)]
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

    @get("/{case_id:uuid}")
    async def case_page(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Template:
        return await case_panels(request, deps, actor, CaseId(case_id))

    @get("/{case_id:uuid}/history")
    async def case_history(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Template:
        page = await case_views.case_page(deps, actor, CaseId(case_id))
        context = {"actor": actor, "case": page.overview, "history": page.history}
        return render(request, "cases/history.html", context, fragment="cases/_history.html")
