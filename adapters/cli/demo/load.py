"""Loading the demo: one story, told in order (the staff, then each scenario on the days it
happened, then the month's schedule), and what `hearth demo` prints afterwards."""

from __future__ import annotations

from adapters.cli.demo import families, groups, individuals
from adapters.cli.demo.billing import bill_past_months
from adapters.cli.demo.loader import DEMO_DOMAIN, DEMO_PASSWORD, DemoPractice, Loader
from adapters.cli.demo.messages import upcoming_session
from adapters.cli.demo.notes import write_notes
from adapters.cli.demo.payments import cards_on_file, payments_received
from adapters.cli.demo.practice import set_up_practice
from adapters.cli.demo.schedule import schedule_month
from adapters.cli.demo.staff import hire_staff
from core.domain.shared.errors import Forbidden
from core.ports import PasswordHasher
from core.ports.payments import PaymentGateway
from core.services.shared.use_case import Deps

# In the order they happen in: each winds the clock to its own days, and the later ones meet
# people of the earlier (Claire of the teen's case at the workshop, Sam of the couple alone).
SCENARIOS = (
    groups.dbt_group,
    groups.consultation_group,
    families.okafor_family,
    individuals.teen,
    families.couple,
    families.haddad_family,
    groups.workshop,
    individuals.sam_individual,
    individuals.closed_case,
)


async def load_demo(
    deps: Deps,
    hasher: PasswordHasher,
    *,
    if_empty: bool = False,
    gateway: PaymentGateway | None = None,
) -> DemoPractice | None:
    """Load the demo practice into an empty practice. With `if_empty`, a practice that already
    has staff is left alone and None is returned; without it, that is refused (Forbidden)."""
    d = Loader(deps, hasher)
    d.ago(200)
    try:
        await d.first_owner(
            "Dr. Ana Owner",
            f"ana@{DEMO_DOMAIN}",
            "owner; clinician and supervisor; runs the sponsored consultation group",
        )
    except Forbidden:
        if if_empty:
            return None
        raise
    await _build(d, gateway)
    return DemoPractice(sign_ins=d.sign_ins, cases=d.cases)


async def _build(d: Loader, gateway: PaymentGateway | None) -> None:
    await set_up_practice(d)
    team = await hire_staff(d)
    for scenario in SCENARIOS:
        await scenario(d, team)
    await schedule_month(d, team)
    if gateway is not None:  # the payers' cards before the runs: autopay pays on issue
        await cards_on_file(d, team, gateway)
    await bill_past_months(d)
    if gateway is not None:
        await payments_received(d, team, gateway)
    await write_notes(d, team)
    d.clock.at(d.today)
    await upcoming_session(d, team)  # a notice sent and a reminder queued, for today


def print_sign_ins(practice: DemoPractice | None, url: str | None = None) -> None:
    """What `hearth demo` prints: where to go, and who to sign in as."""
    if practice is None:
        print("This practice already has staff: the demo was not loaded.")
        print(f"If it is the demo practice, sign in as ana@{DEMO_DOMAIN} / {DEMO_PASSWORD}.")
        return
    print(f"Demo practice loaded: {len(practice.cases)} cases.")
    if url:
        print(f"Open {url}")
    print(f"Demo sign-ins — password for everyone: {DEMO_PASSWORD}  (demo only)")
    width = max(len(s.email) for s in practice.sign_ins)
    for s in practice.sign_ins:
        print(f"  {s.email:<{width}}  {s.name}: {s.roles}")
