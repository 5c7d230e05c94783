"""The practice's own note templates: the owner adds and retires them; clinicians pick from
them and from Hearth's built-in SOAP, DAP, BIRP and free text."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.access import Actor
from core.domain.documentation.templates import NoteTemplate, SectionSpec
from core.domain.shared.errors import Forbidden
from core.services.shared.bus import commit
from core.services.shared.use_case import Command, Deps, staff_actor


class TemplateSection(Command, frozen=True, kw_only=True):
    title: str
    hint: str = ""


class AddTemplate(Command, frozen=True, kw_only=True):
    name: str
    sections: tuple[TemplateSection, ...]


async def add_template(deps: Deps, actor: Actor, cmd: AddTemplate) -> UUID:
    me = staff_actor(actor)
    if not me.is_owner:
        raise Forbidden("Only the practice owner adds note templates.")
    template = NoteTemplate(
        id=deps.ids.new(),
        name=cmd.name,
        sections=tuple(SectionSpec(s.title, s.hint) for s in cmd.sections),
    )
    async with deps.uow() as uow:
        await uow.note_templates.add(template)
        await commit(deps, uow, actor)
    return template.id
