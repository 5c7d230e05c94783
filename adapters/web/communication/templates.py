"""Settings · Messages: the owner edits the texts of reminders and notices and sees them filled
in with sample values as they type (htmx posts the form to /preview, which answers the preview
fragment: each text, or what is wrong with it, next to its field)."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, redirect_to
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, QueryStr
from core.domain.cases.access import StaffActor
from core.domain.communication.templates import VARIABLES, MessageTemplates, TemplateKind
from core.domain.shared.errors import Forbidden
from core.ports.communication import TemplateRenderer
from core.services.communication import templates as s
from core.services.shared.use_case import Deps

RendererParam = NamedDependency[SkipValidation[TemplateRenderer]]


def _values(t: MessageTemplates) -> dict[str, Any]:
    values: dict[str, Any] = {k.value: t.source(k) for k in TemplateKind}
    return values | {"version": str(t.version), "show_case_name": "on" if t.show_case_name else ""}


def _read(form: forms.Fields) -> s.ChangeTemplates:
    version = forms.digits(forms.text(form, "version")) or 0
    texts = {k.value: forms.text(form, k.value).replace("\r\n", "\n") for k in TemplateKind}
    return s.ChangeTemplates(
        version=version, texts=texts, show_case_name=forms.flag(form, "show_case_name")
    )


async def _practice_name(deps: Deps) -> str:
    async with deps.uow() as uow:
        practice = await uow.practice.get()
    return practice.name if practice and practice.name else ""


async def _page(
    deps: Deps,
    actor: StaffActor,
    renderer: TemplateRenderer,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status: int = 200,
    saved: bool = False,
) -> Template:
    texts = {k.value: str(values.get(k.value, "")) for k in TemplateKind}
    shown = s.preview(
        renderer, texts, values.get("show_case_name") == "on", await _practice_name(deps)
    )
    context = {
        "actor": actor,
        "section": "messages",
        "values": values,
        "errors": errors,
        "kinds": list(TemplateKind),
        "variables": VARIABLES,
        "allowed": {k.value: s.allowed(k) for k in TemplateKind},
        "previews": {p.kind.value: p for p in shown},
        "saved": saved,
    }
    return Template("communication/templates.html", context=context, status_code=status)


class MessageTemplatePages(StaffController):
    path = "/settings/messages"

    @get("/")
    async def page(
        self,
        deps: DepsParam,
        actor: ActorParam,
        message_renderer: RendererParam,
        saved: QueryStr = "",
    ) -> Template:
        if not actor.is_owner:
            raise Forbidden("Only the practice owner changes the texts of reminders and notices.")
        current = await s.message_templates(deps, actor)
        return await _page(deps, actor, message_renderer, _values(current), {}, saved=bool(saved))

    @post("/")
    async def save(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        message_renderer: RendererParam,
    ) -> Response[Any]:
        form = await request.form()

        async def run() -> object:
            return await s.change_templates(deps, actor, message_renderer, _read(form))

        async def again(refusal: Refusal) -> Response[Any]:
            values = refusal.values
            if refusal.conflict:  # someone saved meanwhile: their version, the typed texts
                current = await s.message_templates(deps, actor)
                values = {**values, "version": str(current.version)}
            return await _page(deps, actor, message_renderer, values, refusal.errors, status=422)

        return await form_action(
            form,
            run,
            done=redirect_to("/settings/messages?saved=1"),
            again=again,
            conflict_status=422,
        )

    @post("/preview")
    async def preview(
        self,
        request: AnyRequest,
        deps: DepsParam,
        actor: ActorParam,
        message_renderer: RendererParam,
    ) -> Template:
        if not actor.is_owner:
            raise Forbidden("Only the practice owner changes the texts of reminders and notices.")
        cmd = _read(await request.form())
        shown = s.preview(
            message_renderer, cmd.texts, cmd.show_case_name, await _practice_name(deps)
        )
        return Template(
            "communication/_template_previews.html",
            context={"previews": {p.kind.value: p for p in shown}, "kinds": list(TemplateKind)},
        )
