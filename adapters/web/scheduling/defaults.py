"""The case page's "Booking and coding" panel: the usual service every booking form of the case
preselects, and the identified client a couple's or family's codes are about. Loaded into the
case page like its schedule; a change answers htmx with the panel and a plain post with a
redirect to the case page; a refusal comes back (422) with the message next to its field."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.response import Redirect, Response, Template

from adapters.web.auth import StaffController
from adapters.web.directory.settings import conflict_rows
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action
from adapters.web.kit.forms import what
from adapters.web.kit.params import ActorParam, AnyRequest, PathId, SchedDepsParam
from adapters.web.kit.rendering import render, wants_fragment
from core.domain.shared.values import CaseId, PersonId
from core.services import cases, scheduling
from core.services.scheduling import views as schedule_views
from core.services.scheduling.deps import SchedulingDeps


class ReadAt(msgspec.Struct, kw_only=True):
    """What an edit form of the panel was read at (core.services.cases.changes.Edit)."""

    version: Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)] | None = None
    was: str | None = None


class UsualServiceForm(ReadAt, kw_only=True):
    service_id: Annotated[UUID | None, what("a service")] = None


class IdentifiedClientForm(ReadAt, kw_only=True):
    identified_client_id: Annotated[PersonId | None, what("a member of the case")] = None


# Each form of the panel: (the field it sets, its label).
FORM_FIELDS = {
    "usual": ("service_id", "Usual service"),
    "identified": ("identified_client_id", "Identified client"),
}


def _stale_rows(d: schedule_views.CaseDefaults, form: str, typed: dict[str, Any]) -> list[Any]:
    """What a stale form of the panel shows: the choice saved now next to the one made."""
    field, label = FORM_FIELDS[form]
    names = dict(d.service_choices if form == "usual" else d.member_choices)
    saved = d.usual_service_id if form == "usual" else d.identified_client_id
    mine = str(typed.get(field) or "")
    return conflict_rows(
        {field: names.get(str(saved or ""), "")}, {field: names.get(mine, mine)}, {field: label}
    )


async def _panel(
    request: AnyRequest,
    deps: SchedulingDeps,
    actor: Any,
    case_id: CaseId,
    refusal: Refusal | None = None,
    form: str = "",
) -> Template:
    d = await schedule_views.case_defaults(deps, actor, case_id)
    conflict = None
    if refusal is not None and refusal.conflict and form in FORM_FIELDS:
        conflict = _stale_rows(d, form, refusal.values)
    context = {
        "d": d,
        "errors": refusal.errors if refusal else {},
        "values": refusal.values if refusal else {},
        "form": form,
        "conflict": conflict,
        "conflict_what": "this case",
    }
    return render(
        request,
        "scheduling/case_defaults.html",
        context,
        fragment="scheduling/_case_defaults.html",
        status=refusal.status if refusal else 200,
    )


class CaseDefaultsPages(StaffController):
    path = "/cases/{case_id:uuid}/defaults"

    @get("")
    async def case_defaults(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        case_id: PathId,
    ) -> Template:
        return await _panel(request, scheduling_deps, actor, CaseId(case_id))

    async def _change(
        self,
        request: AnyRequest,
        deps: SchedulingDeps,
        actor: Any,
        cid: CaseId,
        name: str,
        run: Any,
    ) -> Response[Any]:
        form = await request.form()

        async def done(_: object) -> Response[Any]:
            if wants_fragment(request):
                return await _panel(request, deps, actor, cid)
            return Redirect(path=f"/cases/{cid}#case-defaults", status_code=303)

        async def again(refusal: Refusal) -> Response[Any]:
            return await _panel(request, deps, actor, cid, refusal, name)

        return await form_action(
            form, lambda: run(form), done=done, again=again, conflict_status=422
        )

    @post("/usual-service")
    async def usual_service(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        case_id: PathId,
    ) -> Response[Any]:
        cid = CaseId(case_id)

        async def run(form: forms.Fields) -> object:
            typed = forms.read(form, UsualServiceForm)
            command = scheduling.SetUsualService(
                case_id=cid, service_id=typed.service_id, version=typed.version, was=typed.was
            )
            return await scheduling.set_usual_service(scheduling_deps, actor, command)

        return await self._change(request, scheduling_deps, actor, cid, "usual", run)

    @post("/identified-client")
    async def identified_client(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        case_id: PathId,
    ) -> Response[Any]:
        cid = CaseId(case_id)

        async def run(form: forms.Fields) -> object:
            typed = forms.read(form, IdentifiedClientForm)
            command = cases.NameIdentifiedClient(
                case_id=cid,
                person_id=typed.identified_client_id,
                version=typed.version,
                was=typed.was,
            )
            return await cases.name_identified_client(scheduling_deps, actor, command)

        return await self._change(request, scheduling_deps, actor, cid, "identified", run)
