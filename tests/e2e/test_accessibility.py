"""Accessibility: axe-core (through axe-playwright-python, offline) on every main screen of the
demo practice, as the owner and as a clinician, with no serious or critical violation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.e2e.conftest import LEE, OWNER, PASSWORD
from tests.e2e.flows import open_case, sign_in

AXE = Axe()
BLOCKING = {"serious", "critical"}


def _problems(page: Page) -> list[str]:
    """The serious and critical violations on the page as shown now, one line each."""
    results = AXE.run(page).response
    return [
        f"{page.url} · {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def _open(path: str) -> Callable[[Page], None]:
    return lambda page: page.goto(path) and None


def _case(name: str) -> Callable[[Page], None]:
    return lambda page: open_case(page, name)


def _first_link(path: str, selector: str) -> Callable[[Page], None]:
    """A screen reached from a list: the first link that `selector` finds on `path`."""

    def go(page: Page) -> None:
        page.goto(path)
        page.locator(selector).first.click()
        page.wait_for_load_state()

    return go


SCREENS: dict[str, list[tuple[str, Callable[[Page], None]]]] = {
    OWNER: [
        ("case list", _open("/cases")),
        ("new case", _open("/cases/new")),
        ("group case", _case("Tuesday DBT skills")),
        ("people", _open("/people")),
        ("person", _first_link("/people", "main li a[href^='/people/']:not([href='/people/new'])")),
        ("new person", _open("/people/new")),
        ("organizations", _open("/organizations")),
        ("staff", _open("/staff")),
        ("staff member", _first_link("/staff", "main td a[href^='/staff/']")),
        ("two-step sign-in set-up", _open("/account/second-factor")),
        ("practice calendar", _open("/schedule?scope=practice")),
        ("audit log", _open("/audit")),
        ("settings: practice", _open("/settings/practice")),
        ("settings: services", _open("/settings/services")),
        (
            "settings: a service",
            _first_link("/settings/services", "a[href^='/settings/services/']"),
        ),
        ("settings: locations", _open("/settings/locations")),
        ("settings: hours", _open("/settings/hours")),
        ("settings: reminders", _open("/settings/reminders")),
    ],
    LEE: [
        ("case list", _open("/cases")),
        ("couple case", _case("Maya & Sam")),
        (
            "clinical record",
            lambda page: (_case("Maya & Sam")(page), page.goto(page.url + "/clinical"))[0],
        ),
        (
            "case history",
            lambda page: (_case("Maya & Sam")(page), page.goto(page.url + "/history"))[0],
        ),
        ("own calendar", _open("/schedule")),
        ("appointment", _first_link("/schedule", "a[href^='/appointments/']")),
        ("calendar feed", _open("/schedule/feed")),
    ],
}


@pytest.mark.parametrize("who", [OWNER, LEE], ids=["owner", "clinician"])
def test_main_screens_have_no_serious_accessibility_violation(page: Page, who: str):
    sign_in(page, who, PASSWORD)
    problems: list[str] = []
    for name, go in SCREENS[who]:
        go(page)
        problems += [f"{name}: {line}" for line in _problems(page)]
    assert not problems, "\n".join(problems)


def test_the_sign_in_screen_has_no_serious_accessibility_violation(page: Page):
    page.goto("/sign-in")
    assert not _problems(page)
