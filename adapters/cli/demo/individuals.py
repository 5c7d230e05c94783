"""The demo's individual cases: the teen (scenario 3), Sam's own work with another clinician
(scenario 8: one person, two cases) and a finished piece of work."""

from __future__ import annotations

from adapters.cli.demo.loader import Loader, years_ago
from adapters.cli.demo.staff import Team
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind
from core.domain.cases.responsibilities import PayerKind
from core.services import cases


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
    await d.diagnose(lee, case, lucas, "F41.1", "Generalized anxiety disorder")


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
