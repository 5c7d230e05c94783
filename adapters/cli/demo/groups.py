"""The demo's groups: the DBT skills group (scenario 4), the clinic's consultation group
(scenario 5) and the parenting workshop."""

from __future__ import annotations

from datetime import timedelta

from adapters.cli.demo.loader import Loader
from adapters.cli.demo.staff import Team
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import PayerKind, StaffDuty
from core.services import cases

GROUP_MEMBERS = (
    "Ava Thompson",
    "Ben Carter",
    "Chloe Nguyen",
    "Daniel Kim",
    "Elena Petrova",
    "Farah Ali",
    "George Miller",
)


async def dbt_group(d: Loader, team: Team) -> None:
    """Scenario 4 — "Tuesday DBT skills": six members from the first Tuesday ~20 weeks ago (the
    "January"), one joins five weeks later, one leaves four weeks after that; two are paid for
    by their employer."""
    lee = team.lee
    first_tuesday = d.today - timedelta(weeks=20, days=(d.today.weekday() - 1) % 7)
    d.clock.at(first_tuesday - timedelta(days=14))
    employer = await d.organization(
        "Northwind Logistics EAP",
        email="eap@northwind.example",
        contact_person="Pat Howard",
    )
    people = {name: await d.person(name) for name in GROUP_MEMBERS}
    d.clock.at(first_tuesday)
    founders = list(people.values())[:6]
    group = await d.open(
        "group",
        lee,
        CaseKind.GROUP,
        "Tuesday DBT skills",
        tuple((p, None) for p in founders),
        capacity=10,
        status=CaseStatus.ACTIVE,
    )
    await d.duty(lee, group, team.riley, StaffDuty.CO_THERAPIST)
    employed = {people["Chloe Nguyen"], people["Daniel Kim"]}
    for person in founders:
        if person in employed:
            await d.pays(lee, group, employer, PayerKind.ORGANIZATION, covers=person)
        else:
            await d.pays(lee, group, person, covers=person)
        await d.hears(lee, group, person, invoices=person not in employed)
    await d.diagnose(lee, group, people["Ava Thompson"], "F60.3", "Borderline personality disorder")
    await d.diagnose(
        lee, group, people["Elena Petrova"], "F33.1", "Major depressive disorder, recurrent"
    )
    d.clock.at(first_tuesday + timedelta(weeks=5))
    george = people["George Miller"]
    await d.join(lee, group, george)
    await d.pays(lee, group, george, covers=george)
    await d.hears(lee, group, george, invoices=True)
    d.clock.at(first_tuesday + timedelta(weeks=9))
    ben = people["Ben Carter"]
    await d.leave(lee, group, ben)  # what paid for him ends with his membership


async def consultation_group(d: Loader, team: Team) -> None:
    """Scenario 5 — a consultation group for four clinicians of a clinic that pays for it."""
    d.ago(180)
    clinic = await d.organization(
        "Riverside Community Clinic",
        email="accounts@riverside-clinic.example",
        contact_person="Dana Brooks",
    )
    consultees = [
        await d.person(name)
        for name in ("Dr. Hannah Wolfe", "Tom Becker", "Priya Raman", "Luis Ortega")
    ]
    consultation = await d.open(
        "consultation_group",
        team.ana,
        CaseKind.CONSULTATION_GROUP,
        "Riverside clinic consultation group",
        tuple((p, None) for p in consultees),
        payer=cases.Payer(kind=PayerKind.ORGANIZATION, id=clinic),
        capacity=6,
        status=CaseStatus.ACTIVE,
    )
    for person in consultees:
        await d.hears(team.ana, consultation, person)


async def workshop(d: Loader, team: Team) -> None:
    """A workshop (no diagnoses, not psychotherapy) where a parent from another case (the teen's
    mother) takes part."""
    sofia = team.sofia
    d.ago(30)
    claire = d.people["Claire Bennett"]
    newcomers = [await d.person(n) for n in ("Irene Walsh", "Kofi Mensah")]
    d.ago(14)
    case = await d.open(
        "workshop",
        sofia,
        CaseKind.WORKSHOP,
        "Mindful parenting workshop",
        tuple((p, None) for p in newcomers),
        capacity=12,
        status=CaseStatus.ACTIVE,
    )
    # Claire is Dr. Lee's client's mother: Dr. Martins does not see her in the directory, so
    # the owner links her to the workshop (one client, one record).
    await d.join(team.ana, case, claire)
    people = [claire, *newcomers]
    for person in people:
        await d.pays(sofia, case, person, covers=person)
        await d.hears(sofia, case, person, invoices=True)
