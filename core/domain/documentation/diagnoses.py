"""Diagnoses: ICD-10-CM per participant of a psychotherapy case, valid for a period, primary or
secondary. Only kinds whose policy allows them may hold them; the documentation context owns
them, not the case. A new diagnosis takes a complete code of the shipped code list and its
description; diagnoses recorded before the list (free text under a code of the right shape) load
as they were and show as legacy where their code is not in the list."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from core.domain.cases.case import Case
from core.domain.cases.kinds import RecordType
from core.domain.documentation.events import (
    DiagnosisAdded,
    DiagnosisEnded,
    DiagnosisEnteredInError,
    DiagnosisRanked,
)
from core.domain.documentation.icd10 import Icd10Catalog, catalog
from core.domain.shared.errors import InvalidInput, InvariantViolation
from core.domain.shared.events import EventLog
from core.domain.shared.values import CaseId, Period, PersonId, StaffId, clean_text

_ICD10 = re.compile(r"[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?")


def clean_icd10(code: str) -> str:
    cleaned = code.strip().upper()
    if not _ICD10.fullmatch(cleaned):
        raise InvalidInput(
            f"'{code.strip()[:20]}' is not an ICD-10 code (a letter, two characters, "
            "then optionally a dot and up to four more, as in F41.1).",
            field="code",
        )
    return cleaned


MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class EnteredInError:
    """Why a diagnosis was recorded by mistake, who said so and when. Its text is clinical:
    it stays in the clinical record, never in the audit log or a non-clinical view."""

    reason: str
    by: StaffId | None
    at: datetime


@dataclass(slots=True)
class Diagnosis:
    """An ICD-10 diagnosis of one participant of a case, valid for a period. It changes at most
    twice: when it ends, and when it is marked entered in error (then nothing more);
    `version` counts those changes."""

    id: UUID
    case_id: CaseId
    person_id: PersonId
    code: str
    description: str
    period: Period
    entered_in_error: EnteredInError | None = None
    primary: bool = False  # the main diagnosis of this participant; the others are secondary
    version: int = 0
    events: EventLog = field(default_factory=EventLog, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.code = clean_icd10(self.code)
        self.description = clean_text(self.description, field="description", limit=300)

    @classmethod
    def record(
        cls,
        case: Case,
        *,
        id: UUID,
        person_id: PersonId,
        code: str,
        description: str,
        period: Period,
        primary: bool = False,
        codes: Icd10Catalog | None = None,
    ) -> Diagnosis:
        """A new diagnosis of a participant of `case`, whose kind must allow diagnoses, with a
        complete code of the list (`codes`, the shipped one unless a test gives another).
        `description` is the clinician's own wording; empty, the list's description."""
        case.policy.require(RecordType.DIAGNOSIS)
        case.require_open()
        if not case.ever_member(person_id):
            raise InvalidInput(
                "A diagnosis belongs to a participant of this case.", field="person_id"
            )
        entry = (codes or catalog()).require_billable(code)
        diagnosis = cls(
            id,
            case.id,
            person_id,
            entry.code,
            description.strip() or entry.description,
            period,
            primary=primary,
        )
        diagnosis.events.record(
            DiagnosisAdded(
                case_id=case.id, diagnosis_id=id, person_id=person_id, code=diagnosis.code
            )
        )
        return diagnosis

    def _check_change(self, case: Case) -> None:
        if case.id != self.case_id:
            raise InvariantViolation("This diagnosis belongs to another case.")
        case.policy.require(RecordType.DIAGNOSIS)
        case.require_open()
        if self.entered_in_error is not None:
            raise InvariantViolation("This diagnosis is marked as entered in error.")

    def end(self, case: Case, on: date) -> None:
        self._check_change(case)
        if self.period.end is not None:
            raise InvariantViolation("This has already ended.")
        self.period = self.period.ended_on(on)
        self.events.record(
            DiagnosisEnded(case_id=self.case_id, diagnosis_id=self.id, code=self.code, on=on)
        )

    def rank_as(self, case: Case, primary: bool) -> None:
        """Make this the participant's primary diagnosis, or a secondary one (the use case
        makes the participant's other running primary secondary in the same change)."""
        self._check_change(case)
        if self.period.end is not None:
            raise InvariantViolation("This diagnosis has ended.")
        if self.primary == primary:
            return
        self.primary = primary
        self.events.record(
            DiagnosisRanked(
                case_id=self.case_id, diagnosis_id=self.id, code=self.code, primary=primary
            )
        )

    def enter_in_error(self, case: Case, reason: str, by: StaffId | None, at: datetime) -> None:
        """Recorded by mistake: out of every current view and calculation, kept with why."""
        self._check_change(case)
        why = clean_text(reason, field="reason", limit=MAX_REASON)
        if not why:
            raise InvalidInput("Say why this diagnosis was entered in error.", field="reason")
        self.entered_in_error = EnteredInError(why, by, at)
        self.events.record(
            DiagnosisEnteredInError(
                case_id=self.case_id, diagnosis_id=self.id, code=self.code, reason=why
            )
        )
