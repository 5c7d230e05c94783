"""Clinical records of psychotherapy cases. Only kinds whose policy allows them may hold them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import Period, PersonId, clean_text

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


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """An ICD-10 diagnosis of one participant, valid for a period."""

    id: UUID
    person_id: PersonId
    code: str
    description: str
    period: Period

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", clean_icd10(self.code))
        object.__setattr__(
            self, "description", clean_text(self.description, field="description", limit=300)
        )
