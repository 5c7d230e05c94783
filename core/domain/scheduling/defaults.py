"""Which service a booking form preselects for a case (issue 10: a DBT group was booked as
couples therapy because every form took the first service of the list)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from core.domain.cases.kinds import ServiceLine
from core.domain.scheduling.services import Service


def offered_services(services: Sequence[Service], line: ServiceLine) -> list[Service]:
    """The active services of one kind of work, in the order given: all a case may book."""
    return [s for s in services if s.active and s.service_line is line]


def preselected_service(
    services: Sequence[Service],
    line: ServiceLine,
    *,
    usual: UUID | None,
    last_booked: UUID | None,
) -> Service | None:
    """The case's usual service, else the last one booked for it, else the first active service
    of its kind of work; never a service of another kind of work, nor a retired one."""
    offered = offered_services(services, line)
    by_id = {s.id: s for s in offered}
    for wanted in (usual, last_booked):
        if wanted is not None and wanted in by_id:
            return by_id[wanted]
    return offered[0] if offered else None
