"""The demo's staff: the owner (made first, by the loader) and the four people who work with her."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.cli.demo.loader import DEMO_DOMAIN, Loader
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import Licensure, StaffRole


@dataclass(frozen=True)
class Team:
    ana: StaffActor  # the owner
    lee: StaffActor
    riley: StaffActor
    sofia: StaffActor
    morgan: StaffActor


async def hire_staff(d: Loader) -> Team:
    lee = await d.staff(
        "Dr. Grace Lee",
        f"lee@{DEMO_DOMAIN}",
        "licensed clinician and supervisor: the couple, the Okafor family, the teen, DBT group",
        StaffRole.CLINICIAN,
        StaffRole.SUPERVISOR,
    )
    riley = await d.staff(
        "Riley Park",
        f"riley@{DEMO_DOMAIN}",
        "associate clinician, supervised by Dr. Lee: the Haddad family, DBT co-therapist",
        StaffRole.CLINICIAN,
        licensure=Licensure.ASSOCIATE,
        supervisor_id=lee.id,
    )
    sofia = await d.staff(
        "Dr. Sofia Martins",
        f"sofia@{DEMO_DOMAIN}",
        "clinician: Sam's individual work, the parenting workshop",
        StaffRole.CLINICIAN,
    )
    morgan = await d.staff(
        "Morgan Diaz",
        f"morgan@{DEMO_DOMAIN}",
        "administrator supporting Dr. Lee: schedules and money, no clinical panels",
        StaffRole.ADMINISTRATOR,
        supports=frozenset({lee.id}),
    )
    return Team(ana=d.owner, lee=lee, riley=riley, sofia=sofia, morgan=morgan)
