"""Treatment plans: per participant of a psychotherapy case, the problems treated, the goals with
measurable objectives and their target dates, the interventions, and when to review the plan.

A plan is a series of versions. A version is a draft until its clinician signs it; signing records
who, when and the SHA-256 of the version's canonical content, and from then on the version never
changes (every store refuses it). The newest signed version is the plan in force; a new version
starts as a copy of it and supersedes it when signed, the old one staying readable. A plan in
force whose review date has passed is due for review."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from core.domain.cases.case import Case
from core.domain.cases.kinds import RecordType
from core.domain.documentation.events import PlanDrafted, PlanRevised, PlanSigned
from core.domain.shared.errors import InvalidInput, InvariantViolation
from core.domain.shared.events import EventLog
from core.domain.shared.values import CaseId, PersonId, StaffId, clean_text

MAX_ITEM = 1000  # one problem, goal, objective or intervention
MAX_ITEMS = 20  # of each list: a plan longer than this is no longer a plan anyone reviews


@dataclass(frozen=True, slots=True)
class Objective:
    """A measurable step towards a goal, to be reached by `target_on`."""

    text: str
    target_on: date


@dataclass(frozen=True, slots=True)
class Goal:
    text: str
    objectives: tuple[Objective, ...] = ()


def _items(values: tuple[str, ...], what: str, field: str) -> tuple[str, ...]:
    cleaned = tuple(clean_text(v, field=field, limit=MAX_ITEM) for v in values)
    cleaned = tuple(v for v in cleaned if v)
    if len(cleaned) > MAX_ITEMS:
        raise InvalidInput(f"A plan holds at most {MAX_ITEMS} {what}.", field=field)
    return cleaned


@dataclass(frozen=True, slots=True)
class PlanContent:
    """What a version says. Empty lines are dropped; a plan names at least one problem and one
    goal, every objective has its target date, and the review date is set."""

    problems: tuple[str, ...]
    goals: tuple[Goal, ...]
    interventions: tuple[str, ...]
    review_on: date

    @classmethod
    def of(
        cls,
        *,
        problems: tuple[str, ...],
        goals: tuple[Goal, ...],
        interventions: tuple[str, ...],
        review_on: date | None,
        written_on: date,
    ) -> PlanContent:
        kept_problems = _items(problems, "problems", "problems")
        if not kept_problems:
            raise InvalidInput("Name at least one problem the plan treats.", field="problems")
        kept_goals = []
        for n, goal in enumerate(goals, start=1):
            text = clean_text(goal.text, field=f"goal-{n}", limit=MAX_ITEM)
            objectives = tuple(
                Objective(clean_text(o.text, field=f"goal-{n}", limit=MAX_ITEM), o.target_on)
                for o in goal.objectives
            )
            if not text and objectives:
                raise InvalidInput("Say which goal these objectives serve.", field=f"goal-{n}")
            if text:
                kept_goals.append(Goal(text, tuple(o for o in objectives if o.text)))
        if not kept_goals:
            raise InvalidInput("Set at least one goal.", field="goal-1")
        if len(kept_goals) > MAX_ITEMS:
            raise InvalidInput(f"A plan holds at most {MAX_ITEMS} goals.", field="goal-1")
        if review_on is None:
            raise InvalidInput("Choose when the plan is to be reviewed.", field="review_on")
        if review_on <= written_on:
            raise InvalidInput("The review date is after today.", field="review_on")
        return cls(
            kept_problems,
            tuple(kept_goals),
            _items(interventions, "interventions", "interventions"),
            review_on,
        )

    def canonical(self) -> str:
        """The content as one JSON text with sorted keys and no spacing: what is stored and
        what the signature's hash is taken of, so that the same content always hashes alike."""
        return json.dumps(
            {
                "problems": list(self.problems),
                "goals": [
                    {
                        "text": g.text,
                        "objectives": [
                            {"text": o.text, "target_on": o.target_on.isoformat()}
                            for o in g.objectives
                        ],
                    }
                    for g in self.goals
                ],
                "interventions": list(self.interventions),
                "review_on": self.review_on.isoformat(),
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_canonical(cls, text: str) -> PlanContent:
        data = json.loads(text)
        return cls(
            tuple(data["problems"]),
            tuple(
                Goal(
                    g["text"],
                    tuple(
                        Objective(o["text"], date.fromisoformat(o["target_on"]))
                        for o in g["objectives"]
                    ),
                )
                for g in data["goals"]
            ),
            tuple(data["interventions"]),
            date.fromisoformat(data["review_on"]),
        )

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical().encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class PlanSignature:
    by: StaffId
    at: datetime
    sha256: str  # of the canonical content signed


@dataclass(slots=True)
class TreatmentPlan:
    """One version of a participant's treatment plan (`number` counts from 1 per participant
    and case). `version` counts the saves of a draft, for two tabs on one draft."""

    id: UUID
    case_id: CaseId
    person_id: PersonId
    number: int
    content: PlanContent
    written_by: StaffId | None
    written_at: datetime
    signature: PlanSignature | None = None
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    @property
    def signed(self) -> bool:
        return self.signature is not None

    @classmethod
    def draft(
        cls,
        case: Case,
        *,
        id: UUID,
        person_id: PersonId,
        content: PlanContent,
        latest: TreatmentPlan | None,
        by: StaffId | None,
        at: datetime,
    ) -> TreatmentPlan:
        """A new version for a participant of `case`: the first, or the next after `latest`
        (the participant's newest version), which must be signed: a draft is revised, not
        doubled."""
        case.policy.require(RecordType.TREATMENT_PLAN)
        case.require_open()
        if not case.ever_member(person_id):
            raise InvalidInput(
                "A treatment plan belongs to a participant of this case.", field="person_id"
            )
        if latest is not None and not latest.signed:
            raise InvariantViolation(
                "This participant's plan has an unsigned draft: continue that one."
            )
        number = 1 if latest is None else latest.number + 1
        plan = cls(id, case.id, person_id, number, content, by, at)
        plan.events.record(
            PlanDrafted(case_id=case.id, plan_id=id, person_id=person_id, number=number)
        )
        return plan

    def _check_change(self, case: Case) -> None:
        if case.id != self.case_id:
            raise InvariantViolation("This plan belongs to another case.")
        case.policy.require(RecordType.TREATMENT_PLAN)
        case.require_open()
        if self.signature is not None:
            raise InvariantViolation(
                "This version of the plan is signed and cannot change: start a new version."
            )

    def revise(self, case: Case, content: PlanContent, by: StaffId | None, at: datetime) -> None:
        self._check_change(case)
        self.content = content
        self.written_by, self.written_at = by, at
        self.events.record(
            PlanRevised(case_id=self.case_id, plan_id=self.id, person_id=self.person_id)
        )

    def sign(self, case: Case, by: StaffId, at: datetime) -> None:
        """The clinician's signature over the content as it stands; nothing changes after."""
        self._check_change(case)
        self.signature = PlanSignature(by, at, self.content.sha256())
        self.events.record(
            PlanSigned(
                case_id=self.case_id,
                plan_id=self.id,
                person_id=self.person_id,
                number=self.number,
                sha256=self.signature.sha256,
            )
        )

    def intact(self) -> bool:
        """Whether the signed content still hashes to what was signed (checked on display)."""
        return self.signature is not None and self.signature.sha256 == self.content.sha256()

    def due_for_review(self, today: date) -> bool:
        return self.signed and self.content.review_on < today


@dataclass(frozen=True, slots=True)
class PlanDue:
    """A plan in force past its review date, as the "Needs attention" list names it: no
    clinical content, only whose plan, which case and since when it is due."""

    plan_id: UUID
    case_id: CaseId
    case_name: str
    person_id: PersonId
    number: int
    review_on: date
