"""Per-client-address limits at the anonymous doors, counted in a store every worker shares
(tests/contract/directory/test_second_factors.py proves the SQL counter), and the directory
search's per-account limit: a clear "try again in N minutes", answered 429."""

from __future__ import annotations

import re
from datetime import timedelta

import bootstrap
from core.domain.shared.limits import INVITATION, PASSWORD_RESET, SEARCH, SIGN_IN
from tests.web.conftest import World

WAIT = re.compile(r"try again in (\d+) minutes?")


def test_failed_sign_ins_from_one_address_are_limited(world: World, container, browser) -> None:
    container.clock().advance(timedelta(minutes=15) - timedelta(seconds=1))  # a window's start
    for n in range(SIGN_IN.max_hits):
        # Different accounts and unknown emails: the per-account lockout never sees five.
        assert browser.sign_in(f"guess{n}@hearth.test", "wrong").status_code == 422
    refused = browser.sign_in(world.email("lee"))  # even the right password, for now
    assert refused.status_code == 429
    assert int(WAIT.search(refused.text).group(1)) >= 1
    container.clock().advance(SIGN_IN.window)
    assert browser.sign_in(world.email("lee")).status_code == 303


def test_successful_sign_ins_behind_one_address_are_not_limited(world: World, browser) -> None:
    for _ in range(SIGN_IN.max_hits + 2):
        browser.client.cookies.clear()
        assert browser.sign_in(world.email("kim")).status_code == 303


def test_reset_requests_and_invitation_links_are_limited(world: World, browser) -> None:
    for _ in range(PASSWORD_RESET.max_hits):
        assert browser.post("/password/forgot", {"email": "x@hearth.test"}).status_code == 200
    refused = browser.post("/password/forgot", {"email": world.email("lee")})
    assert refused.status_code == 429 and WAIT.search(refused.text)
    link = "/invitation/" + "a" * 43
    for _ in range(INVITATION.max_hits):
        tried = browser.post(
            link, {"password": "long enough 123", "password_again": "long enough 123"}
        )
        assert tried.status_code == 422
    limited = browser.post(
        link, {"password": "long enough 123", "password_again": "long enough 123"}
    )
    assert limited.status_code == 429 and WAIT.search(limited.text)


def test_the_directory_search_is_limited_per_account(signed_in, container) -> None:
    lee, kim = signed_in("lee"), signed_in("kim")
    for n in range(SEARCH.max_hits):
        assert lee.get(f"/people?q=m{n}", htmx=True).status_code == 200
    refused = lee.get("/people?q=maya", htmx=True)
    assert refused.status_code == 429 and WAIT.search(refused.text)
    assert lee.get("/people/options?q=maya", htmx=True).status_code == 429
    assert lee.get("/organizations?q=acme", htmx=True).status_code == 429  # no way around
    assert lee.get("/people").status_code == 200  # the listing without a search is not one
    assert kim.get("/people?q=maya").status_code == 200  # another account: its own count
    container.clock().advance(SEARCH.window)
    assert lee.get("/people?q=maya").status_code == 200


def test_production_requires_a_second_factor_until_the_owner_decides() -> None:
    production = bootstrap.Settings(
        database_url="memory", environment="production", secret_key="k" * 32, worker="off"
    )
    app = bootstrap.create_app(bootstrap.make_container(production))
    assert app.state.web.second_factor_default is True
    development = bootstrap.Settings(database_url="memory", worker="off")
    assert (
        bootstrap.create_app(bootstrap.make_container(development)).state.web.second_factor_default
        is False
    )


def test_failed_sign_ins_sent_all_at_once_are_limited_too(world: World, container, browser) -> None:
    """Checked before and counted after the password check, guesses sent at once all passed
    the check before any was counted: each attempt is counted before its check."""
    from concurrent.futures import ThreadPoolExecutor

    container.clock().advance(timedelta(minutes=15) - timedelta(seconds=1))  # a window's start
    browser.token  # noqa: B018 (the CSRF cookie, before the threads share the client)
    tries = 3 * SIGN_IN.max_hits
    with ThreadPoolExecutor(max_workers=tries) as pool:
        codes = list(
            pool.map(
                lambda n: browser.sign_in(f"guess{n}@hearth.test", "wrong").status_code,
                range(tries),
            )
        )
    assert codes.count(422) <= SIGN_IN.max_hits and codes.count(429) >= tries - SIGN_IN.max_hits
    assert browser.sign_in(world.email("lee")).status_code == 429
