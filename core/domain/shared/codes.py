"""The billing codes Hearth knows, and one billable line: a vocabulary that scheduling (a
service's usual code, a session's confirmed codes) and billing (suggestion, claims) share."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import PersonId

# The codes Hearth knows, with what they mean on a superbill.
CODES: dict[str, str] = {
    "90791": "psychiatric diagnostic evaluation",
    "90832": "psychotherapy, 30 minutes (16-37)",
    "90834": "psychotherapy, 45 minutes (38-52)",
    "90837": "psychotherapy, 60 minutes (53 or more)",
    "90839": "psychotherapy for crisis, first 60 minutes (30-74)",
    "90840": "psychotherapy for crisis, each additional 30 minutes",
    "90846": "family or couple psychotherapy without the identified client",
    "90847": "family or couple psychotherapy with the identified client present",
    "90853": "group psychotherapy, per attending member",
}


def clean_code(code: str | None, *, field: str = "billing_code") -> str | None:
    if code is None or not code.strip():
        return None
    cleaned = code.strip()
    if cleaned not in CODES:
        known = ", ".join(CODES)
        raise InvalidInput(f"'{cleaned[:10]}' is not a code Hearth knows ({known}).", field=field)
    return cleaned


@dataclass(frozen=True, slots=True)
class CodeLine:
    """One billable line: a code, how many units, and for group work the member it is for."""

    code: str
    units: int = 1
    person_id: PersonId | None = None

    def __post_init__(self) -> None:
        clean_code(self.code, field="code")
        if not 1 <= self.units <= 20:
            raise InvalidInput("Units are a number from 1 to 20.", field="units")
