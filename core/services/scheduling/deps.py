"""The ports of scheduling, plus the practice's timezone."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from core.services.shared.use_case import Deps

T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class SchedulingDeps(Deps):
    """The ports, plus the practice's timezone: where "Tuesday 18:00" is read and where a
    weekly series repeats."""

    timezone: str = "UTC"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def of(cls, deps: Deps, timezone: str) -> SchedulingDeps:
        shared = {f.name: getattr(deps, f.name) for f in fields(Deps)}
        return cls(**shared, timezone=timezone)


def when(moment: datetime, tz: ZoneInfo) -> str:
    """ "Tue 03 Mar 2026 18:00" in practice time, for messages and the case history."""
    return f"{moment.astimezone(tz):%a %d %b %Y %H:%M}"
