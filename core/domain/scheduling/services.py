"""The services the practice offers: kind of work, length, fee, billing code."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from core.domain.cases.kinds import RecordType, ServiceLine, line_allows
from core.domain.shared.codes import clean_code
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import Money, clean_name

MIN_MINUTES = 5


MAX_MINUTES = 12 * 60  # longer than this is a data-entry mistake, and keeps a weekly series


@dataclass(slots=True)
class Service:
    """What the practice offers: a kind of work, its default length, its fee and, for
    psychotherapy, its billing code."""

    id: UUID
    name: str
    service_line: ServiceLine
    minutes: int
    fee: Money
    billing_code: str | None = None
    active: bool = True
    version: int = 0

    def __post_init__(self) -> None:
        self.name = clean_name(self.name, field="name", what="Service name")
        self.service_line = ServiceLine(self.service_line)
        check_minutes(self.minutes)
        if self.fee.amount_minor < 0:
            raise InvalidInput("A fee is not negative.", field="fee")
        self.billing_code = clean_code(self.billing_code)
        if self.billing_code is not None and not line_allows(
            self.service_line, RecordType.BILLING_CODE
        ):
            raise InvalidInput(
                f"{self.service_line.value.capitalize()} services carry the practice's own name "
                "and fee, no billing code.",
                field="billing_code",
            )


def check_minutes(minutes: int, field: str = "minutes") -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise InvalidInput(
            f"A session lasts from {MIN_MINUTES} minutes to {MAX_MINUTES // 60} hours.",
            field=field,
        )
