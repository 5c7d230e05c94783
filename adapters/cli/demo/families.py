"""The demo's family and couple work: the Okafor family (scenario 2), Maya & Sam (scenario 1),
the Haddad family seen by the associate (scenario 6)."""

from __future__ import annotations

from adapters.cli.demo.loader import Loader, years_ago
from adapters.cli.demo.staff import Team
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import CaseKind, MemberRole
from core.domain.cases.responsibilities import PayerKind, StaffDuty
from core.domain.directory.parties import Channel
from core.services import cases

RELATIONSHIP = "Problems in relationship with spouse or partner"


async def okafor_family(d: Loader, team: Team) -> None:
    """Scenario 2 — the mother alone at the first session, the 14-year-old identified client from
    the second, the grandmother in the third month; the father, who lives elsewhere, pays and
    gets invoices only."""
    lee = team.lee
    d.ago(125)
    ngozi = await d.person("Ngozi Okafor", mobile="+1 555 010 2020", sms_consent=True)
    chidi = await d.person("Chidi Okafor", date_of_birth=years_ago(d.today, 14, 40))
    emeka = await d.person("Emeka Okafor", address="14 Harbour Road, Portside")
    adaeze = await d.person(
        "Adaeze Okafor",
        email=None,
        mobile="+1 555 010 3030",
        sms_consent=True,
        preferred_channel=Channel.SMS,
    )
    d.ago(120)
    family = await d.open(
        "family",
        lee,
        CaseKind.FAMILY,
        "Okafor family",
        ((ngozi, MemberRole.PARENT),),
        payer=cases.Payer(kind=PayerKind.PERSON, id=emeka),
        status=CaseStatus.ACTIVE,
    )
    await d.hears(lee, family, ngozi, clinical_messages=True, portal_access=True)
    await d.hears(lee, family, emeka, reminders=False, invoices=True, portal_access=True)
    d.ago(113)
    await d.join(lee, family, chidi, MemberRole.IDENTIFIED_CLIENT)
    await d.helper(lee, family, ngozi, chidi)
    await d.diagnose(
        lee, family, chidi, "F43.23", "Adjustment disorder with mixed anxiety and depressed mood"
    )
    d.ago(55)
    await d.join(lee, family, adaeze, MemberRole.CAREGIVER)


async def couple(d: Loader, team: Team) -> None:
    """Scenario 1 — Maya & Sam, couples work with Dr. Lee; Sam pays; both get reminders."""
    lee = team.lee
    d.ago(75)
    maya = await d.person("Maya Rivera", pronouns="she/her")
    sam = await d.person("Sam Chen", pronouns="he/him", mobile="+1 555 010 5050", sms_consent=True)
    d.ago(70)
    case = await d.open(
        "couple",
        lee,
        CaseKind.COUPLE,
        "Maya & Sam",
        ((maya, MemberRole.PARTNER), (sam, MemberRole.PARTNER)),
        payer=cases.Payer(kind=PayerKind.PERSON, id=sam),
        status=CaseStatus.ACTIVE,
    )
    await d.hears(lee, case, maya, clinical_messages=True, portal_access=True)
    await d.hears(lee, case, sam, invoices=True, clinical_messages=True, portal_access=True)
    await d.diagnose(lee, case, maya, "Z63.0", RELATIONSHIP)
    await d.diagnose(lee, case, sam, "Z63.0", RELATIONSHIP)


async def haddad_family(d: Loader, team: Team) -> None:
    """Scenario 6 — the associate sees a family under case-level supervision by Dr. Lee, with
    Morgan supporting the case's administration."""
    riley = team.riley
    d.ago(62)
    rania = await d.person("Rania Haddad")
    yusuf = await d.person("Yusuf Haddad", date_of_birth=years_ago(d.today, 12, 200))
    d.ago(60)
    haddad = await d.open(
        "associate_family",
        riley,
        CaseKind.FAMILY,
        "Haddad family",
        ((rania, MemberRole.PARENT), (yusuf, MemberRole.IDENTIFIED_CLIENT)),
        payer=cases.Payer(kind=PayerKind.PERSON, id=rania),
        status=CaseStatus.ACTIVE,
    )
    await d.duty(riley, haddad, team.lee, StaffDuty.SUPERVISOR)
    await d.duty(riley, haddad, team.morgan, StaffDuty.ADMIN_SUPPORT)
    await d.helper(riley, haddad, rania, yusuf)
    await d.hears(riley, haddad, rania, invoices=True, portal_access=True)
    await d.diagnose(
        riley,
        haddad,
        yusuf,
        "F90.0",
        "Attention-deficit hyperactivity disorder, predominantly inattentive type",
    )
