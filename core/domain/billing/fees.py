"""What a session costs: the service's fee, unless the practice set another for this case or
this participant (a sliding scale) from some date; and the late-cancellation and no-show fees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from core.domain.scheduling.services import Service
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import CaseId, Money, PersonId


@dataclass(frozen=True, slots=True)
class FeeOverride:
    """From `starts_on`, sessions of this case (of one participant when `person_id` is set; of
    one service when `service_id` is set) cost `fee` instead of the service's fee. A later
    override replaces an earlier one from its date; nothing is edited."""

    id: UUID
    case_id: CaseId
    starts_on: date
    fee: Money
    person_id: PersonId | None = None
    service_id: UUID | None = None
    # When it was set: of two from the same date, the later one is the fee (a correction).
    recorded_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.fee.amount_minor < 0:
            raise InvalidInput("A fee is not negative.", field="fee")

    def applies(
        self, case_id: CaseId, person_id: PersonId | None, service_id: UUID, day: date
    ) -> bool:
        return (
            self.case_id == case_id
            and self.starts_on <= day
            and (self.person_id is None or self.person_id == person_id)
            and (self.service_id is None or self.service_id == service_id)
        )

    @property
    def specificity(self) -> int:
        return (self.person_id is not None) * 2 + (self.service_id is not None)


def session_fee(
    service: Service,
    case_id: CaseId,
    person_id: PersonId | None,
    day: date,
    overrides: Iterable[FeeOverride],
) -> Money:
    """The fee of one session on `day` for the case (or one participant of it): the most
    specific override in force (a participant's over the case's, a service's over any), the
    latest of those (by date, then the one set last); else the service's fee."""
    found = [o for o in overrides if o.applies(case_id, person_id, service.id, day)]
    if not found:
        return service.fee
    best = max(
        found,
        key=lambda o: (
            o.specificity,
            o.starts_on,
            o.recorded_at.timestamp() if o.recorded_at is not None else 0.0,
        ),
    )
    return best.fee
