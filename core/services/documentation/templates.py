"""The practice's own note templates: the owner adds and retires them; clinicians pick from
them and from Hearth's built-in SOAP, DAP, BIRP and free text."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.access import Actor
from core.domain.documentation.templates import BUILT_IN, NoteTemplate, SectionSpec
from core.domain.shared.errors import ConcurrencyConflict, Forbidden, NotFound
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


class ChangeTemplate(AddTemplate, frozen=True, kw_only=True):
    template_id: UUID
    version: int
    active: bool = True


async def change_template(deps: Deps, actor: Actor, cmd: ChangeTemplate) -> None:
    """Rename, re-section or retire one of the practice's templates. Notes started from it
    keep the sections they were started with."""
    me = staff_actor(actor)
    if not me.is_owner:
        raise Forbidden("Only the practice owner changes note templates.")
    async with deps.uow() as uow:
        template = await uow.note_templates.get(cmd.template_id)
        if template is None:
            raise NotFound("No such note template.")
        if template.version != cmd.version:
            raise ConcurrencyConflict("This template")
        changed = NoteTemplate(
            id=template.id,
            name=cmd.name,
            sections=tuple(SectionSpec(s.title, s.hint) for s in cmd.sections),
            active=cmd.active,
            version=template.version,
        )
        await uow.note_templates.update(changed)
        await commit(deps, uow, actor)


async def practice_templates(deps: Deps, actor: Actor) -> list[NoteTemplate]:
    """Hearth's templates, then the practice's own (retired ones included, marked)."""
    staff_actor(actor)
    async with deps.uow() as uow:
        own = await uow.note_templates.list_all()
    return [*BUILT_IN, *own]


def parse_sections(text: str) -> tuple[TemplateSection, ...]:
    """One section a line, "Title: hint" (the hint is optional), as the settings form takes
    them; blank lines are skipped."""
    found = []
    for line in text.splitlines():
        title, _, hint = line.partition(":")
        if title.strip():
            found.append(TemplateSection(title=title.strip(), hint=hint.strip()))
    return tuple(found)
