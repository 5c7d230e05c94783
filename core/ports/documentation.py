"""What clinical documentation needs to keep: diagnoses (notes and plans with their issue)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

from core.domain.documentation.diagnoses import Diagnosis
from core.domain.shared.values import CaseId
from core.ports.cases import CasesStore


class DiagnosisRepository(Protocol):
    async def get(self, diagnosis_id: UUID) -> Diagnosis | None: ...
    async def for_cases(self, case_ids: Iterable[CaseId]) -> list[Diagnosis]:
        """The diagnoses of these cases in the order they were recorded, without those
        entered in error (out of every view and calculation; `get` still finds them)."""
        ...

    async def add(self, diagnosis: Diagnosis) -> None: ...
    async def update(self, diagnosis: Diagnosis) -> None:
        """Store an ended diagnosis or one entered in error; `ConcurrencyConflict` if it was
        ended or marked meanwhile."""
        ...


class DocumentationStore(CasesStore, Protocol):
    """Documentation's store: the cases it documents, plus its own records."""

    @property
    def diagnoses(self) -> DiagnosisRepository: ...
