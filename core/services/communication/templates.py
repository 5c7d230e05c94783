"""Settings · Messages: the owner's texts of reminders and notices, checked before they are
saved (the renderer's syntax, only the whitelisted names, the case's name only when the practice
shows it, an SMS within one segment with long sample values) and previewed as they are typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import msgspec

from core.domain.cases.access import Actor, may_manage_staff
from core.domain.communication.reminders import SMS_LIMIT
from core.domain.communication.templates import (
    SAMPLE,
    VARIABLES,
    MessageTemplates,
    TemplateKind,
    values_for,
)
from core.domain.shared.errors import ConcurrencyConflict, Forbidden, InvalidInput
from core.ports.communication import TemplateRenderer
from core.services.shared.bus import commit
from core.services.shared.use_case import Deps


def _owner(actor: Actor) -> None:
    if not may_manage_staff(actor):
        raise Forbidden("Only the practice owner changes the texts of reminders and notices.")


def allowed(kind: TemplateKind) -> list[str]:
    """The names a template of this kind may use (`change` is a notice's)."""
    notice = kind in (TemplateKind.NOTICE_EMAIL, TemplateKind.NOTICE_SMS)
    return [n for n in VARIABLES if notice or n != "change"]


class ChangeTemplates(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    texts: dict[str, str]  # by TemplateKind value; a kind left out keeps its default
    show_case_name: bool = False


@dataclass(frozen=True, slots=True)
class Preview:
    kind: TemplateKind
    text: str = ""
    problem: str = ""


def preview(
    renderer: TemplateRenderer,
    texts: Mapping[str, str],
    show_case_name: bool,
    practice_name: str = "",
) -> list[Preview]:
    """Each template filled in with sample values (the practice's own name), or what is wrong
    with it — pure, so it can run on every keystroke."""
    templates = MessageTemplates(
        {TemplateKind(k): v for k, v in texts.items() if k in TemplateKind.__members__.values()},
        show_case_name,
    )
    sample = dict(SAMPLE)
    if practice_name:
        sample["practice_name"] = practice_name
    shown = []
    for kind in TemplateKind:
        source = templates.source(kind)
        problem = renderer.problem(source, allowed(kind))
        if problem is None and not show_case_name and "case_name" in source:
            problem = "The case's name is not shown in messages: tick “show the case's name” first."
        if problem is None:
            try:
                text = renderer.render(source, values_for(show_case_name, **sample))
            except InvalidInput as exc:
                problem = exc.message
            else:
                if kind.is_sms and len(text.strip()) > SMS_LIMIT:
                    problem = (
                        f"This SMS is {len(text.strip())} characters with a long date and name; "
                        f"one SMS holds {SMS_LIMIT}. Shorten it."
                    )
                shown.append(Preview(kind, text.strip() if kind.is_sms else text, problem or ""))
                continue
        shown.append(Preview(kind, "", problem or ""))
    return shown


async def message_templates(deps: Deps, actor: Actor) -> MessageTemplates:
    _owner(actor)
    async with deps.uow() as uow:
        return await uow.templates.get() or MessageTemplates()


async def change_templates(
    deps: Deps, actor: Actor, renderer: TemplateRenderer, cmd: ChangeTemplates
) -> MessageTemplates:
    _owner(actor)
    texts = {k: v for k, v in cmd.texts.items() if k in TemplateKind.__members__.values()}
    for shown in preview(renderer, texts, cmd.show_case_name):
        if shown.problem:
            raise InvalidInput(shown.problem, field=shown.kind.value)
    async with deps.uow() as uow:
        templates = await uow.templates.get() or MessageTemplates()
        if templates.version != cmd.version:
            raise ConcurrencyConflict("These texts")
        templates.change({TemplateKind(k): v for k, v in texts.items()}, cmd.show_case_name)
        await uow.templates.save(templates)
        await commit(deps, uow, actor)
    return templates
