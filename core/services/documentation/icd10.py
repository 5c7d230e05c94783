"""The ICD-10-CM code list for the diagnosis picker: public reference data, no client's."""

from __future__ import annotations

from core.domain.documentation.icd10 import catalog
from core.services.shared.use_case import View


class CodeChoice(View, frozen=True, kw_only=True):
    code: str
    description: str
    billable: bool


def search_codes(query: str, limit: int = 20) -> list[CodeChoice]:
    return [
        CodeChoice(code=c.code, description=c.description, billable=c.billable)
        for c in catalog().search(query[:100], limit)
    ]


def release() -> str:
    return catalog().release


def warm() -> int:
    """Read the list now (at start), not on the first search: about half a second."""
    return len(catalog())
