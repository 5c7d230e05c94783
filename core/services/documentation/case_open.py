"""The case page head's documentation line for the case's clinicians: how many held sessions
still lack a signed note and how many plans are past their review date, each with where to
see to it. Counts only — no clinical text — from one query that also checks that the actor
treats the case (anyone else gets nothing, and learns nothing)."""

from __future__ import annotations

from uuid import UUID

from core.domain.cases.access import Actor, StaffActor
from core.domain.directory.parties import StaffRole
from core.domain.shared.values import CaseId
from core.services.shared.use_case import Deps, View


class CaseOpenItem(View, frozen=True, kw_only=True):
    text: str  # "2 sessions held without a signed note"
    target: str  # where it is seen to: "case_notes", "clinical" (a kind the web turns into a URL)
    target_id: UUID


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


async def case_open_items(deps: Deps, actor: Actor, case_id: CaseId) -> list[CaseOpenItem]:
    if not isinstance(actor, StaffActor) or not actor.has(StaffRole.CLINICIAN):
        return []
    async with deps.uow() as uow:
        counts = await uow.note_attention.case_open(
            case_id, actor.id, deps.clock.now(), deps.clock.today()
        )
    if counts is None:
        return []
    items = []
    if counts.without_signed_note:
        text = _plural(counts.without_signed_note, "session", "sessions")
        items.append(
            CaseOpenItem(
                text=f"{text} held without a signed note", target="case_notes", target_id=case_id
            )
        )
    if counts.plans_due:
        text = _plural(counts.plans_due, "treatment plan", "treatment plans")
        items.append(
            CaseOpenItem(text=f"{text} due for review", target="clinical", target_id=case_id)
        )
    return items
