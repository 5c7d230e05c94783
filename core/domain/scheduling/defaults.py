"""Which service a booking form preselects for a case (issue 10: a DBT group and an individual
client were booked as couples therapy because every form took the first service of the list)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from core.domain.cases.kinds import POLICIES, CaseKind, ServiceLine, policy
from core.domain.scheduling.services import Service

# The words that name a kind in a service's name ("DBT skills group 90", "Consultation group").
_KIND_WORDS = {k: k.value.replace("_", " ") for k in POLICIES}


def offered_services(services: Sequence[Service], line: ServiceLine) -> list[Service]:
    """The active services of one kind of work, in the order given: all a case may book."""
    return [s for s in services if s.active and s.service_line is line]


def _named_for(service: Service) -> CaseKind | None:
    """The kind a service's name names, the most specific word winning ("consultation group"
    over "consultation")."""
    name = service.name.casefold()
    found = [k for k, word in _KIND_WORDS.items() if word in name]
    return max(found, key=lambda k: len(_KIND_WORDS[k]), default=None)


def fit(service: Service, kind: CaseKind) -> int:
    """How well a service of the right kind of work fits a kind of case: its code is one of
    the kind's session codes, its name names the kind (0, 1 or 2)."""
    codes = policy(kind).session_codes
    return int(service.billing_code in codes) + int(_named_for(service) is kind)


def preselected_service(
    services: Sequence[Service],
    kind: CaseKind,
    *,
    usual: UUID | None,
    last_booked: UUID | None,
) -> Service | None:
    """The case's usual service, else the last one booked for it, else the active service of
    its kind of work that fits the kind best (the first of equals); never a service of another
    kind of work, nor a retired one."""
    offered = offered_services(services, policy(kind).service_line)
    by_id = {s.id: s for s in offered}
    for wanted in (usual, last_booked):
        if wanted is not None and wanted in by_id:
            return by_id[wanted]
    return max(offered, key=lambda s: fit(s, kind), default=None)
