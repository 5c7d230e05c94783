"""Who may read the audit log, and how a listing of it is asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from core.domain.cases.access import Actor, StaffActor
from core.domain.shared.errors import Forbidden, InvalidInput

MAX_PAGE = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def require_audit_reader(actor: Actor) -> StaffActor:
    """Only the owner reads the audit log: administrators and clinicians are refused, whatever
    else they may see."""
    if not isinstance(actor, StaffActor) or not actor.is_owner:
        raise Forbidden("Only the practice owner can read the audit log.")
    return actor


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous page ended (newest first): the next page starts below (at, seq)."""

    at: datetime
    seq: int

    def encode(self) -> str:
        micros = (self.at - _EPOCH) // timedelta(microseconds=1)  # exact, unlike a float
        return f"{micros}.{self.seq}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            micros, _, seq = text.partition(".")
            return cls(at=_EPOCH + timedelta(microseconds=int(micros)), seq=int(seq))
        except (ValueError, OverflowError):
            raise InvalidInput("That page link is not valid.", field="before") from None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Entries of one case, about one object (a person), by one staff member, in a period
    (`start` included, `end` excluded); any combination. Newest first, below `before`."""

    case_id: UUID | None = None
    object_type: str | None = None
    object_id: UUID | None = None
    actor_id: UUID | None = None
    start: datetime | None = None
    end: datetime | None = None
    before: Cursor | None = None
    limit: int = 50

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE + 1:
            raise InvalidInput(f"A page of the audit log has 1 to {MAX_PAGE} entries.")
        if self.start and self.end and self.end <= self.start:
            raise InvalidInput("The period ends before it starts.", field="to")
