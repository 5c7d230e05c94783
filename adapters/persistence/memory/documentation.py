"""In-memory repositories of clinical documentation."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from adapters.persistence.memory.store import Repository
from core.domain.documentation.diagnoses import Diagnosis
from core.domain.shared.values import CaseId


class MemoryDiagnosisRepository(Repository[Diagnosis]):
    async def for_cases(self, case_ids: Iterable[CaseId]) -> list[Diagnosis]:
        wanted = set(case_ids)
        # In recorded order: the table keeps insertion order.
        return [
            copy.deepcopy(d)
            for d in self._t.visible()
            if d.case_id in wanted and d.entered_in_error is None
        ]
