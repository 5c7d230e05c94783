"""The treatment plan editor's form: lists as one line per item, goals and their objectives as
numbered fields (`goal-2`, `objective-2-1`, `target-2-1`), so that a refusal names the exact
input and the form comes back as it was typed."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from adapters.web.kit import forms
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, PersonId
from core.services.documentation.plans import GoalInput, ObjectiveInput, WritePlan
from core.services.documentation.views.plans import PlanVersionView

MAX_GOALS = 20
MAX_OBJECTIVES = 20
# ASCII digits, a few: a posted name with thousands of digits made `int` raise (a 500).
_GOAL = re.compile(r"goal-([0-9]{1,4})")
_OBJECTIVE = re.compile(r"(?:objective|target)-([0-9]{1,4})-([0-9]{1,4})")


def _lines(form: forms.Fields, name: str) -> list[str]:
    return [line for line in forms.text(form, name).splitlines() if line.strip()]


def _day(form: forms.Fields, name: str) -> date | None:
    value = forms.text(form, name).strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("Enter a date as YYYY-MM-DD.", field=name) from None


def _slots(form: forms.Fields) -> tuple[int, dict[int, int]]:
    """How many goals and objectives per goal the form posted."""
    goals = 0
    objectives: dict[int, int] = {}
    for key in form:
        if m := _GOAL.fullmatch(key):
            goals = max(goals, int(m[1]))
        elif m := _OBJECTIVE.fullmatch(key):
            g, o = int(m[1]), int(m[2])
            goals = max(goals, g)
            objectives[g] = max(objectives.get(g, 0), o)
    return min(goals, MAX_GOALS + 1), objectives


def read_plan(form: forms.Fields, case_id: UUID) -> WritePlan:
    person = forms.text(form, "person_id").strip()
    plan = forms.text(form, "plan_id").strip()
    version = forms.digits(forms.text(form, "version").strip())
    try:
        person_id = PersonId(UUID(person))
        plan_id = UUID(plan) if plan else None
    except ValueError:
        raise InvalidInput("Choose the participant from the list.", field="person_id") from None
    count, objectives = _slots(form)
    goals = [
        GoalInput(
            text=forms.text(form, f"goal-{g}"),
            objectives=[
                ObjectiveInput(
                    text=forms.text(form, f"objective-{g}-{o}"),
                    target_on=_day(form, f"target-{g}-{o}"),
                )
                for o in range(1, min(objectives.get(g, 0), MAX_OBJECTIVES + 1) + 1)
            ],
        )
        for g in range(1, count + 1)
    ]
    return WritePlan(
        case_id=CaseId(case_id),
        person_id=person_id,
        problems=_lines(form, "problems"),
        goals=goals,
        interventions=_lines(form, "interventions"),
        review_on=_day(form, "review_on"),
        plan_id=plan_id,
        version=version,
    )


def editor_values(source: PlanVersionView | None) -> dict[str, Any]:
    """The editor's inputs filled from a version (the draft, or the plan in force that the next
    version starts from), named as the form posts them."""
    if source is None:
        return {}
    values: dict[str, Any] = {
        "problems": "\n".join(source.problems),
        "interventions": "\n".join(source.interventions),
        "review_on": source.review_on.isoformat(),
    }
    for g, goal in enumerate(source.goals, start=1):
        values[f"goal-{g}"] = goal.text
        for o, objective in enumerate(goal.objectives, start=1):
            values[f"objective-{g}-{o}"] = objective.text
            values[f"target-{g}-{o}"] = objective.target_on.isoformat()
    return values


def editor_shape(values: dict[str, Any]) -> list[int]:
    """Per goal shown, how many objective rows: what is filled plus one empty row, and one
    empty goal after the last (two at least, for a first plan)."""
    goals = 0
    objectives: dict[int, int] = {}
    for key, value in values.items():
        if not value:
            continue
        if m := _GOAL.fullmatch(key):
            goals = max(goals, int(m[1]))
        elif m := _OBJECTIVE.fullmatch(key):
            goals = max(goals, int(m[1]))
            objectives[int(m[1])] = max(objectives.get(int(m[1]), 0), int(m[2]))
    shown = min(max(goals + 1, 2), MAX_GOALS)
    return [min(objectives.get(g, 0) + 1, MAX_OBJECTIVES) for g in range(1, shown + 1)]
