"""The demo's individual cases: the teen (scenario 3), Sam's own work with another clinician
(scenario 8: one person, two cases) and a finished piece of work."""

from __future__ import annotations

from datetime import timedelta

from adapters.cli.demo.loader import Loader, years_ago
from adapters.cli.demo.staff import Team
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import PayerKind
from core.services import cases
from core.services.documentation import plans


async def teen(d: Loader, team: Team) -> None:
    """Scenario 3 — a 15-year-old's individual case: the mother represents him and pays, and is
    not a participant."""
    lee = team.lee
    d.ago(95)
    lucas = await d.person("Lucas Bennett", date_of_birth=years_ago(d.today, 15, 100))
    claire = await d.person("Claire Bennett", mobile="+1 555 010 4040")
    d.ago(90)
    case = await d.open(
        "teen",
        lee,
        CaseKind.INDIVIDUAL,
        "Lucas Bennett",
        ((lucas, None),),
        payer=cases.Payer(kind=PayerKind.PERSON, id=claire),
        status=CaseStatus.ACTIVE,
    )
    await d.helper(lee, case, claire, lucas)
    await d.hears(lee, case, lucas)
    await d.hears(lee, case, claire, invoices=True, portal_access=True)
    await d.diagnose(lee, case, lucas, "F41.1", "Generalized anxiety disorder", primary=True)
    await d.diagnose(lee, case, lucas, "Z55.8", "")  # the code list's wording: school problems
    d.ago(80)
    # Signed with a review date now past: the demo shows a plan due for review.
    await d.plan(
        lee,
        plans.WritePlan(
            case_id=case,
            person_id=lucas,
            problems=["Worry most days, worse before tests", "Avoids school on test days"],
            goals=[
                plans.GoalInput(
                    text="Attend school on test days",
                    objectives=[
                        plans.ObjectiveInput(
                            text="Attends 4 of the next 5 test days (school record)",
                            target_on=d.today - timedelta(days=20),
                        )
                    ],
                ),
                plans.GoalInput(
                    text="Lower day-to-day worry",
                    objectives=[
                        plans.ObjectiveInput(
                            text="GAD-7 below 10 on two checks in a row",
                            target_on=d.today + timedelta(days=30),
                        )
                    ],
                ),
            ],
            interventions=["CBT for anxiety, weekly", "Graded exposure to test situations"],
            review_on=d.today - timedelta(days=10),
        ),
    )


async def sam_individual(d: Loader, team: Team) -> None:
    """Scenario 8 — Sam, of the couple, starts individual work with another clinician."""
    d.ago(10)
    sam = d.people["Sam Chen"]
    # Dr. Martins does not see Dr. Lee's clients: the owner opens the case for her with the
    # existing Sam (one person, one record), as "link existing person" does on the case page.
    case = await d.open(
        "sam_individual",
        team.sofia,
        CaseKind.INDIVIDUAL,
        "Sam Chen",
        ((sam, None),),
        payer=cases.Payer(kind=PayerKind.PERSON, id=sam),
        opened_by=team.ana,
    )
    await d.hears(team.sofia, case, sam, invoices=True, portal_access=True)


async def closed_case(d: Loader, team: Team) -> None:
    """A finished piece of work, so the list shows a closed case too."""
    d.ago(300)
    jordan = await d.person("Jordan Blake")
    old = await d.open(
        "closed",
        team.sofia,
        CaseKind.INDIVIDUAL,
        "Jordan Blake",
        ((jordan, None),),
        payer=cases.Payer(kind=PayerKind.PERSON, id=jordan),
        status=CaseStatus.ACTIVE,
    )
    d.ago(40)
    await cases.close_case(d.deps, team.sofia, cases.CloseCase(case_id=old))
