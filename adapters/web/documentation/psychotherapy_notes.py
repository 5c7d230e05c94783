"""A session's psychotherapy note: one page, for its author only (anyone else finds none)."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, AnyRequest, PathId, SchedDepsParam
from adapters.web.kit.rendering import render
from core.domain.shared.errors import DomainError, Forbidden, NotFound
from core.services.documentation import psychotherapy_notes as pn


class PsychotherapyNotePages(StaffController):
    path = "/appointments/{appointment_id:uuid}/psychotherapy-note"

    @get("")
    async def page(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Template:
        note = await pn.psychotherapy_note(scheduling_deps, actor, appointment_id)
        context = {"actor": actor, "note": note, "appointment_id": appointment_id, "error": ""}
        return render(request, "documentation/notes/psychotherapy.html", context)

    @post("")
    async def save(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Response[Any]:
        form = await request.form()
        raw = forms.text(form, "version")
        cmd = pn.SavePsychotherapyNote(
            appointment_id=appointment_id,
            text=str(form.get("text") or ""),
            version=forms.digits(raw) if raw else None,
        )
        try:
            await pn.save_psychotherapy_note(scheduling_deps, actor, cmd)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            context = {
                "actor": actor,
                "note": await pn.psychotherapy_note(scheduling_deps, actor, appointment_id),
                "appointment_id": appointment_id,
                "error": exc.message,
                "typed": cmd.text,
            }
            return render(request, "documentation/notes/psychotherapy.html", context, status=422)
        return Redirect(path=f"/appointments/{appointment_id}/psychotherapy-note", status_code=303)
