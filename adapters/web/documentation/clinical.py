"""The clinical record page's changes: diagnoses (added with the ICD-10-CM picker, ranked,
ended, entered in error) and treatment plans (a version written, saved again, signed; an old
version read on its own page). Each answers htmx with the record updated in place and a plain
post with a redirect; a refusal re-renders the record with the message next to the field and
what was typed kept. The core decides who may do what."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Response, get, post
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.documentation.plan_form import editor_shape, editor_values, read_plan
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, fragment_or_redirect
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId
from adapters.web.kit.rendering import render
from core.domain.cases.access import StaffActor
from core.domain.shared.values import CaseId
from core.services.documentation import diagnoses, plans
from core.services.documentation.views import clinical_record
from core.services.documentation.views.plans import plan_version
from core.services.shared.use_case import Deps


def plan_editors(
    record: clinical_record.ClinicalRecord, form: str, values: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Per participant (by id), the editor's values and shape: as typed after a refusal, else
    from their draft, else from the plan in force (the next version starts as its copy)."""
    editors: dict[str, dict[str, Any]] = {}
    for participant in record.plans:
        key = f"plan:{participant.person_id}"
        source = participant.draft or participant.in_force
        shown = values if form == key else editor_values(source)
        editors[str(participant.person_id)] = {"values": shown, "shape": editor_shape(shown)}
    for member in record.case.members_now:
        key = f"plan:{member.person_id}"
        if str(member.person_id) not in editors:
            shown = values if form == key else {}
            editors[str(member.person_id)] = {"values": shown, "shape": editor_shape(shown)}
    return editors


async def clinical_page(
    request: AnyRequest,
    deps: Deps,
    actor: StaffActor,
    case_id: CaseId,
    form: str = "",
    refusal: Refusal | None = None,
) -> Template:
    """The clinical record (the fragment for htmx), with the form just refused, if any."""
    record = await clinical_record.case_clinical(deps, actor, case_id)
    values = refusal.values if refusal else {}
    context = {
        "actor": actor,
        "case": record.case,
        "diagnoses": record.diagnoses,
        "plans": record.plans,
        "release": record.release,
        "editors": plan_editors(record, form, values),
        "can": record.case.permissions,
        "dx_base": f"/cases/{case_id}/clinical",
        "form": form,
        "errors": refusal.errors if refusal else {},
        "values": values,
    }
    status = refusal.status if refusal else 200
    return render(
        request,
        "documentation/clinical.html",
        context,
        fragment="documentation/_clinical.html",
        status=status,
    )


async def _change(
    request: AnyRequest,
    deps: Deps,
    actor: StaffActor,
    case_id: PathId,
    form_name: str,
    anchor: str,
    run: Callable[[forms.Fields], Awaitable[Any]],
    day_field: str | None = None,
) -> Response[Any]:
    cid = CaseId(case_id)
    form = await request.form()

    async def again(refusal: Refusal) -> Response[Any]:
        return await clinical_page(request, deps, actor, cid, form_name, refusal)

    return await form_action(
        form,
        lambda: run(form),
        done=fragment_or_redirect(
            request,
            lambda: clinical_page(request, deps, actor, cid),
            f"/cases/{cid}/clinical#{anchor}",
        ),
        again=again,
        sent=form,
        day_field=day_field,
        # A stale draft or a second "sign" answers with the record as it is now, in place
        # (htmx swaps 422 where the change was made), the message on top of the form.
        conflict_status=422,
    )


def _diagnosis_action(
    action: str, form_name: str, command: type[Any], use_case: Callable[..., Awaitable[Any]]
) -> Any:
    """The POST that changes one diagnosis at `diagnoses/<id>/<action>`."""

    async def handler(
        self: Any,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        case_id: PathId,
        item_id: PathId,
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            typed = forms.read(form, command, case_id=case_id, diagnosis_id=item_id)
            return await use_case(deps, actor, typed)

        name = f"{form_name}:{item_id}"
        day = "reason" if action == "error" else "on"
        return await _change(request, deps, actor, case_id, name, "clinical", run, day)

    handler.__name__ = f"clinical_{form_name}"
    return post(f"/diagnoses/{{item_id:uuid}}/{action}", name=f"clinical_{form_name}")(handler)


class ClinicalRecordChanges(StaffController):
    path = "/cases/{case_id:uuid}/clinical"

    @get("")
    async def record_page(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Template:
        """The clinical record on its own address: refused by the core for anyone who may not
        read it, and for a case whose kind has none (consultation, workshop)."""
        return await clinical_page(request, deps, actor, CaseId(case_id))

    @post("/diagnoses")
    async def add_diagnosis(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        async def run(form: forms.Fields) -> Any:
            words = {"person_id": "the participant"}
            command = forms.read(form, diagnoses.AddDiagnosis, case_id=case_id, words=words)
            return await diagnoses.add_diagnosis(deps, actor, command)

        return await _change(
            request, deps, actor, case_id, "add_diagnosis", "clinical", run, "from_day"
        )

    end_diagnosis = _diagnosis_action(
        "end", "end_diagnosis", diagnoses.EndDiagnosis, diagnoses.end_diagnosis
    )
    rank_diagnosis = _diagnosis_action(
        "rank", "rank_diagnosis", diagnoses.RankDiagnosis, diagnoses.rank_diagnosis
    )
    diagnosis_error = _diagnosis_action(
        "error",
        "diagnosis_error",
        diagnoses.MarkDiagnosisEnteredInError,
        diagnoses.mark_diagnosis_entered_in_error,
    )

    @post("/plans")
    async def write_plan(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        """A version written or its draft saved again; the form names its participant."""
        form = await request.form()
        person = forms.text(form, "person_id").strip()[:40]

        async def run(posted: forms.Fields) -> Any:
            return await plans.write_plan(deps, actor, read_plan(posted, case_id))

        return await _change(request, deps, actor, case_id, f"plan:{person}", "plans", run)

    @post("/plans/{plan_id:uuid}/sign")
    async def sign_plan(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        case_id: PathId,
        plan_id: PathId,
    ) -> Response[Any]:
        form = await request.form()
        person = forms.text(form, "person_id").strip()[:40]

        async def run(posted: forms.Fields) -> Any:
            command = forms.read(posted, plans.SignPlan, case_id=case_id, plan_id=plan_id)
            return await plans.sign_plan(deps, actor, command)

        return await _change(request, deps, actor, case_id, f"plan:{person}", "plans", run)

    @get("/plans/{plan_id:uuid}")
    async def plan_page(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        case_id: PathId,
        plan_id: PathId,
    ) -> Template:
        """One version as it was signed (or the draft as it stands), read-only."""
        version = await plan_version(deps, actor, CaseId(case_id), plan_id)
        context = {"actor": actor, "case_id": case_id, "plan": version}
        return render(request, "documentation/plan.html", context)
