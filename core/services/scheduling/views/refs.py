"""What every scheduling screen shares: limits and staff references."""

from __future__ import annotations

from uuid import UUID

from core.domain.directory.parties import StaffMember
from core.domain.scheduling.services import Service
from core.domain.shared.values import StaffId
from core.services.shared.use_case import View

MAX_DAYS = 31


MAX_GRID_DAYS = 366  # a year of a group's sessions in one attendance grid


class StaffRef(View, frozen=True, kw_only=True):
    id: StaffId
    name: str


def ref(staff: dict[StaffId, StaffMember], sid: StaffId) -> StaffRef:
    s = staff.get(sid)
    return StaffRef(id=sid, name=s.name if s else "(former staff)")


def service_name(services: dict[UUID, Service], service_id: UUID) -> str:
    s = services.get(service_id)
    return s.name if s else "(removed service)"
