"""Small pieces every controller shares."""

from __future__ import annotations

from uuid import UUID

from core.domain.shared.errors import NotFound


def path_id(raw: str, what: str = "page") -> UUID:
    """An id from the URL; anything malformed is simply a page that does not exist."""
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound(f"No such {what}.") from None
