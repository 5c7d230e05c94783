"""The owner's note templates (Settings): Hearth's own listed, the practice's added, changed
or retired. One section a line, "Title: hint"."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam
from adapters.web.kit.rendering import render
from core.domain.shared.errors import DomainError, Forbidden, NotFound
from core.services.documentation import templates as t
from core.services.shared.use_case import Deps


async def _page(
    request: AnyRequest, deps: Deps, actor: Any, error: str = "", values: dict | None = None
) -> Template:
    context = {
        "actor": actor,
        "templates": await t.practice_templates(deps, actor),
        "error": error,
        "values": values or {},
    }
    return render(request, "documentation/templates.html", context, status=422 if error else 200)


class NoteTemplatePages(StaffController):
    path = "/settings/note-templates"

    @get("")
    async def page(self, request: AnyRequest, deps: DepsParam, actor: ActorParam) -> Template:
        return await _page(request, deps, actor)

    @post("")
    async def add(self, request: AnyRequest, deps: DepsParam, actor: ActorParam) -> Response[Any]:
        form = await request.form()
        cmd = t.AddTemplate(
            name=forms.text(form, "name"),
            sections=t.parse_sections(forms.text(form, "sections")),
        )
        try:
            await t.add_template(deps, actor, cmd)
        except (NotFound, Forbidden):
            raise
        except DomainError as exc:
            return await _page(request, deps, actor, exc.message, forms.values(form))
        return Redirect(path=self.path, status_code=303)
