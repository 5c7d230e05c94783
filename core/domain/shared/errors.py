"""Domain errors: each has a stable code for adapters and a message a person can understand.

`field` names the input the error is about, so a form can show the message next to it.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    """A value a person typed is not acceptable (empty name, malformed email...)."""

    code = "invalid_input"


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it exists."""

    code = "not_found"


class Forbidden(DomainError):
    """The actor may see the object but not do this with it."""

    code = "forbidden"


class CaseFull(DomainError):
    """The case kind's participant limit would be exceeded on some date."""

    code = "case_full"


class PeriodConflict(DomainError):
    """Two periods that must not overlap would overlap, or a period is malformed."""

    code = "period_conflict"


class RecordNotAllowed(DomainError):
    """A record type the case kind does not allow (a diagnosis on a consultation case)."""

    code = "record_not_allowed"


class InvariantViolation(DomainError):
    """Any other rule of the model that the change would break."""

    code = "invariant_violation"


class ConcurrencyConflict(DomainError):
    """Somebody else changed the same object since it was read."""

    code = "concurrency_conflict"

    def __init__(self, what: str = "This record") -> None:
        super().__init__(
            f"{what} was changed by someone else while you were working on it. "
            "Reload to see their change, then try again."
        )
