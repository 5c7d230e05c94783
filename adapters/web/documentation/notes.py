"""Notes on the web: the appointment page's note line (write / continue / read in one click),
the note page (the editor of a draft with autosave, or the signed note with its signature
verified), its steps (sign, co-sign, return, addendum, sign again, entered in error), the view
of one participant's record, and search. The core decides everything; a refused step comes back
as the page with its message (422)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from litestar import Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, AnyRequest, PathId, QueryStr, SchedDepsParam
from adapters.web.kit.rendering import render, wants_fragment
from core.domain.cases.access import StaffActor
from core.domain.documentation.notes import MAX_NOTE_CHARS, DraftConflict
from core.domain.shared.errors import ConcurrencyConflict, DomainError, Forbidden, NotFound
from core.domain.shared.values import CaseId, PersonId
from core.services.documentation import notes as n
from core.services.documentation.views import case_notes as case_views
from core.services.documentation.views import notes as views
from core.services.scheduling.deps import SchedulingDeps

SECTION, PRIVATE = "s:", "p:"
# Beyond the limit, but bounded: what is longer reaches the core, which says how long it is.
_LONGEST_FIELD = MAX_NOTE_CHARS + 1


def _long_text(form: forms.Fields, name: str) -> str:
    value = form.get(name) or ""
    return value[: _LONGEST_FIELD * 2] if isinstance(value, str) else ""


def _typed(form: forms.Fields) -> dict[str, Any]:
    """What was typed, to show it again in full (the kit's `values` cuts long fields)."""
    return {k: _long_text(form, k) for k in form if k != "_csrf_token"}


def _version(form: forms.Fields) -> int:
    return forms.digits(forms.text(form, "version")) or 0


def draft_command(note_id: UUID, form: forms.Fields) -> n.SaveDraft:
    sections: dict[str, str] = {}
    private: dict[PersonId, str] = {}
    for key in form:
        if key.startswith(SECTION):
            sections[key[len(SECTION) :]] = _long_text(form, key)
        elif key.startswith(PRIVATE):
            try:
                private[PersonId(UUID(key[len(PRIVATE) :]))] = _long_text(form, key)
            except ValueError:
                continue  # not a participant's id: nothing of this note
    return n.SaveDraft(note_id=note_id, version=_version(form), sections=sections, private=private)


async def note_page(
    request: AnyRequest,
    deps: SchedulingDeps,
    actor: StaffActor,
    note_id: UUID,
    *,
    error: str = "",
    form_name: str = "",
    conflict: DraftConflict | None = None,
    status: int = 200,
    typed: dict[str, Any] | None = None,
) -> Template:
    note = await views.read_note(deps, actor, note_id)
    context = {
        "typed": typed or {},
        "actor": actor,
        "note": note,
        "error": error,
        "form": form_name,
        "conflict": conflict,
        "SECTION": SECTION,
        "PRIVATE": PRIVATE,
    }
    return render(request, "documentation/notes/note.html", context, status=status)


Step = Callable[[forms.Fields], Awaitable[Any]]


class NotePages(StaffController):
    path = ""

    @get("/appointments/{appointment_id:uuid}/note-line")
    async def note_line(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Template:
        line = await views.appointment_note(scheduling_deps, actor, appointment_id)
        return render(
            request,
            "documentation/notes/line_page.html",
            {"actor": actor, "line": line},
            fragment="documentation/notes/_line.html",
        )

    @post("/appointments/{appointment_id:uuid}/note")
    async def start(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        appointment_id: PathId,
    ) -> Redirect:
        form = await request.form()
        raw = forms.text(form, "template_id")
        try:
            template = UUID(raw) if raw else None
        except ValueError:
            template = None
        note = await n.start_note(
            scheduling_deps, actor, n.StartNote(appointment_id=appointment_id, template_id=template)
        )
        return Redirect(path=f"/notes/{note.id}", status_code=303)

    @get("/notes/{note_id:uuid}")
    async def page(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        note_id: PathId,
    ) -> Template:
        return await note_page(request, scheduling_deps, actor, note_id)

    @get("/notes/{note_id:uuid}/people/{person_id:uuid}")
    async def for_person(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        note_id: PathId,
        person_id: PathId,
    ) -> Template:
        note = await views.read_note(scheduling_deps, actor, note_id, PersonId(person_id))
        return render(request, "documentation/notes/person.html", {"actor": actor, "note": note})

    @post("/notes/{note_id:uuid}/draft")
    async def save(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        note_id: PathId,
    ) -> Response[Any]:
        """Autosave (htmx: the save line, with the new version out of band) or Save."""
        form = await request.form()
        try:
            note = await n.save_draft(scheduling_deps, actor, draft_command(note_id, form))
        except DraftConflict as conflict:
            if wants_fragment(request):
                context = {"conflict": conflict, "note_id": note_id, "SECTION": SECTION}
                return Template(
                    "documentation/notes/_conflict.html", context=context, status_code=422
                )
            return await note_page(
                request, scheduling_deps, actor, note_id, conflict=conflict, status=422
            )
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            if wants_fragment(request):
                return Template(
                    "documentation/notes/_save_status.html",
                    context={"save_error": exc.message, "note": None},
                    status_code=422,
                )
            return await note_page(
                request,
                scheduling_deps,
                actor,
                note_id,
                error=exc.message,
                form_name="draft",
                status=422,
            )
        if wants_fragment(request):
            return Template(
                "documentation/notes/_save_status.html", context={"note": note, "save_error": ""}
            )
        return Redirect(path=f"/notes/{note_id}", status_code=303)

    async def _step(
        self,
        request: AnyRequest,
        deps: SchedulingDeps,
        actor: StaffActor,
        note_id: UUID,
        name: str,
        step: Step,
    ) -> Response[Any]:
        form = await request.form()
        try:
            await step(form)
        except (NotFound, Forbidden):
            raise
        except DraftConflict as conflict:
            return await note_page(
                request, deps, actor, note_id, conflict=conflict, form_name=name, status=422
            )
        except ConcurrencyConflict:
            message = "This note changed meanwhile (another tab, or a colleague); here it is now."
            return await note_page(
                request,
                deps,
                actor,
                note_id,
                error=message,
                form_name=name,
                status=422,
                typed=_typed(form),
            )
        except DomainError as exc:
            return await note_page(
                request,
                deps,
                actor,
                note_id,
                error=exc.message,
                form_name=name,
                status=422,
                typed=_typed(form),
            )
        return Redirect(path=f"/notes/{note_id}", status_code=303)

    @post("/notes/{note_id:uuid}/sign")
    async def sign(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        note_id: PathId,
    ) -> Response[Any]:
        """Signs what is on screen (the core saves the draft's text first, in the same
        transaction: an autosave of that text a moment before is no conflict)."""

        async def step(form: forms.Fields) -> Any:
            typed = draft_command(note_id, form)
            cmd = n.SignNote(
                note_id=note_id,
                version=typed.version,
                sections=typed.sections,
                private=typed.private,
            )
            return await n.sign_note(scheduling_deps, actor, cmd)

        return await self._step(request, scheduling_deps, actor, note_id, "sign", step)

    @post("/notes/{note_id:uuid}/cosign")
    async def cosign(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        note_id: PathId,
    ) -> Response[Any]:
        async def step(form: forms.Fields) -> Any:
            cmd = n.NoteStep(note_id=note_id, version=_version(form))
            return await n.cosign_note(scheduling_deps, actor, cmd)

        return await self._step(request, scheduling_deps, actor, note_id, "review", step)

    @post("/notes/{note_id:uuid}/return")
    async def give_back(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        note_id: PathId,
    ) -> Response[Any]:
        async def step(form: forms.Fields) -> Any:
            cmd = n.ReturnNote(
                note_id=note_id, version=_version(form), comment=forms.text(form, "comment")
            )
            return await n.return_note(scheduling_deps, actor, cmd)

        return await self._step(request, scheduling_deps, actor, note_id, "review", step)

    @post("/notes/{note_id:uuid}/resubmit")
    async def resubmit(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        note_id: PathId,
    ) -> Response[Any]:
        async def step(form: forms.Fields) -> Any:
            cmd = n.NoteStep(note_id=note_id, version=_version(form))
            return await n.resubmit_note(scheduling_deps, actor, cmd)

        return await self._step(request, scheduling_deps, actor, note_id, "resubmit", step)

    @post("/notes/{note_id:uuid}/addenda")
    async def addendum(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        note_id: PathId,
    ) -> Response[Any]:
        async def step(form: forms.Fields) -> Any:
            cmd = n.AddAddendum(note_id=note_id, text=_long_text(form, "text"))
            return await n.add_addendum(scheduling_deps, actor, cmd)

        return await self._step(request, scheduling_deps, actor, note_id, "addendum", step)

    @post("/notes/{note_id:uuid}/entered-in-error")
    async def entered_in_error(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        note_id: PathId,
    ) -> Response[Any]:
        async def step(form: forms.Fields) -> Any:
            cmd = n.MarkNoteEnteredInError(note_id=note_id, reason=forms.text(form, "reason"))
            return await n.mark_note_entered_in_error(scheduling_deps, actor, cmd)

        return await self._step(request, scheduling_deps, actor, note_id, "error", step)

    @get("/cases/{case_id:uuid}/notes")
    async def case_notes(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        case_id: PathId,
        person: FromQuery[UUID | None] = None,
    ) -> Template:
        """The case's notes; with `person`, that participant's clinical timeline."""
        page = await case_views.case_notes(
            scheduling_deps, actor, CaseId(case_id), PersonId(person) if person else None
        )
        return render(request, "documentation/notes/case.html", {"actor": actor, "page": page})

    @get("/notes/search")
    async def search(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,
        actor: ActorParam,
        q: QueryStr = "",
        case_id: FromQuery[UUID | None] = None,
    ) -> Template:
        error, hits = "", []
        if q.strip():
            try:
                hits = await views.search_notes(
                    scheduling_deps, actor, q, case_id=CaseId(case_id) if case_id else None
                )
            except (NotFound, Forbidden):
                raise
            except DomainError as exc:
                error = exc.message
        context = {"actor": actor, "q": q, "hits": hits, "error": error, "case_id": case_id}
        return render(
            request,
            "documentation/notes/search.html",
            context,
            status=422 if error else 200,
        )
