"""Who may use the directory, and a page of what it lists."""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

from core.domain.cases.access import (
    Actor,
    may_use_directory,
)
from core.domain.shared.errors import Forbidden

T = TypeVar("T")


def require_directory(actor: Actor) -> None:
    if not may_use_directory(actor):
        raise Forbidden("Only staff members use the practice directory.")


class Listing(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    """The directory's first entries by name, and whether more follow (a search narrows)."""

    items: list[T]
    more: bool


def listing(found: list[T], limit: int) -> Listing[T]:
    return Listing(items=found[:limit], more=len(found) > limit)
