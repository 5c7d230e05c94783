"""Sign-in, sessions, CSRF and the headers every response carries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from litestar.testing import TestClient

import bootstrap
from adapters.web.security import SECURITY_HEADERS
from tests.web.conftest import CSRF_COOKIE, PASSWORD, Browser, World


def _assert_secured(response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


def test_security_headers_on_every_kind_of_response(browser: Browser, signed_in, world: World):
    lee = signed_in("lee")
    kim = signed_in("kim")
    couple = f"/cases/{world.cases['couple']}"
    responses = {
        "page": lee.get("/cases"),
        "fragment": lee.get("/cases", htmx=True),
        "redirect": browser.get("/cases"),
        "sign-in": browser.get("/sign-in"),
        "static": browser.get("/static/hearth.css"),
        "no route": lee.get("/nowhere"),
        "404 from the core": kim.get(couple),
        "403 from the core": signed_in("pat").get(couple + "/clinical"),
        "csrf refusal": lee.post(couple + "/name", {"name": "x"}, csrf=False),
        "422 form": lee.post(couple + "/name", {"name": ""}),
        "405": lee.client.put("/cases"),
    }
    expected = {"no route": 404, "404 from the core": 404, "403 from the core": 403}
    for what, response in responses.items():
        _assert_secured(response)
        if what in expected:
            assert response.status_code == expected[what], what
    assert responses["page"].headers["Cache-Control"] == "no-store"
    assert "no-store" not in responses["static"].headers.get("Cache-Control", "")


def test_an_unexpected_error_is_a_calm_500_with_headers(app, world: World, signed_in):
    from adapters.web.cases import pages as case_controllers

    lee = signed_in("lee")
    original = case_controllers.case_views.case_page

    async def broken(*args, **kwargs):
        raise RuntimeError("Maya's secret note")

    case_controllers.case_views.case_page = broken
    try:
        response = lee.get(f"/cases/{world.cases['couple']}/history")
    finally:
        case_controllers.case_views.case_page = original
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret" not in response.text
    _assert_secured(response)


def test_state_changes_without_the_csrf_token_are_refused(signed_in, world: World):
    lee = signed_in("lee")
    url = f"/cases/{world.cases['couple']}/name"
    for htmx in (False, True):
        refused = lee.post(url, {"name": "Hijacked"}, htmx=htmx, csrf=False)
        assert refused.status_code == 403
    forged = lee.client.post(
        url, data={"name": "Hijacked", "_csrf_token": "forged"}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert "Hijacked" not in lee.get(f"/cases/{world.cases['couple']}").text
    assert lee.post(url, {"name": "Renamed"}, htmx=True).status_code == 200
    assert lee.post("/sign-out", csrf=False).status_code == 403


def test_pages_carry_the_token_for_forms_and_htmx(signed_in, world: World):
    page = signed_in("lee").get(f"/cases/{world.cases['couple']}").text
    assert 'hx-headers=\'{"x-csrftoken": "' in page
    assert 'name="_csrf_token"' in page
    assert "<script>" not in page and " on" not in page.split("<body", 1)[1].split(">")[0]


def test_not_signed_in_goes_to_sign_in_and_back(browser: Browser, world: World):
    url = f"/cases/{world.cases['couple']}"
    response = browser.get(url)
    assert response.status_code == 303
    assert response.headers["location"] == f"/sign-in?next={url}"
    fragment = browser.get(url, htmx=True)
    assert fragment.status_code == 401 and fragment.headers["HX-Redirect"].startswith("/sign-in")
    assert browser.post(url + "/name", {"name": "x"}).status_code == 303
    signed = browser.post(
        "/sign-in", {"email": world.email("lee"), "password": PASSWORD, "next": url}
    )
    assert signed.headers["location"] == url
    assert browser.get(url).status_code == 200


def test_sign_in_never_redirects_off_site(browser: Browser, world: World):
    signed = browser.post(
        "/sign-in",
        {"email": world.email("lee"), "password": PASSWORD, "next": "//evil.example/x"},
    )
    assert signed.headers["location"] == "/cases"


def test_sign_in_never_redirects_off_site_by_a_backslash():
    """Browsers read `/\\evil.example` as `//evil.example` (the WHATWG URL parser treats a
    backslash as a slash in an http URL), and a tab or newline inside is dropped."""
    from adapters.web.errors import safe_next

    for sneaky in ("/\\evil.example/x", "/\t/evil.example", "/\n/evil.example", "\\evil"):
        assert safe_next(sneaky) == "/cases", sneaky
    assert safe_next("/cases/1?tab=notes") == "/cases/1?tab=notes"


def test_wrong_password_and_unknown_email_read_the_same(browser: Browser, world: World):
    wrong = browser.post("/sign-in", {"email": world.email("lee"), "password": "nope nope"})
    unknown = browser.post("/sign-in", {"email": "who@nowhere.test", "password": "nope nope"})
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "That email and password do not match." in response.text
        assert "nope nope" not in response.text  # the password is never echoed
    assert world.email("lee") in wrong.text  # the email is kept in the form


def test_five_failures_lock_the_account(browser: Browser, world: World):
    for _ in range(5):
        browser.post("/sign-in", {"email": world.email("kim"), "password": "wrong password"})
    locked = browser.post("/sign-in", {"email": world.email("kim"), "password": PASSWORD})
    assert locked.status_code == 422 and "locked" in locked.text
    world.practice.clock.advance(timedelta(minutes=16))
    assert (
        browser.post("/sign-in", {"email": world.email("kim"), "password": PASSWORD}).status_code
        == 303
    )


def test_session_id_is_renewed_at_sign_in_and_dropped_at_sign_out(app, world: World):
    with TestClient(app) as client:
        browser = Browser(client)
        browser.sign_in(world.email("lee"))
        first = client.cookies["hearth_session"]
        browser.sign_in(world.email("kim"))
        second = client.cookies["hearth_session"]
        assert first != second
        # The old id no longer opens anything.
        with TestClient(app) as thief:
            thief.cookies.set("hearth_session", first)
            assert thief.get("/cases", follow_redirects=False).status_code == 303
        assert browser.post("/sign-out").status_code == 303
        assert browser.get("/cases").status_code == 303
        with TestClient(app) as thief:
            thief.cookies.set("hearth_session", second)
            assert thief.get("/cases", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("steps", "signed_in_after"),
    [
        ([timedelta(minutes=20), timedelta(minutes=20)], True),  # active: idle never reached
        ([timedelta(minutes=31)], False),  # idle timeout
        ([timedelta(minutes=25)] * 28 + [timedelta(minutes=25)], False),  # absolute: 12 h
    ],
)
def test_idle_timeout_and_absolute_lifetime(signed_in, world: World, steps, signed_in_after):
    lee = signed_in("lee")
    for step in steps[:-1]:
        world.practice.clock.advance(step)
        assert lee.get("/cases").status_code == 200
    world.practice.clock.advance(steps[-1])
    assert (lee.get("/cases").status_code == 200) is signed_in_after


def test_a_deactivated_staff_member_is_signed_out(signed_in, world: World):
    import asyncio

    from core.services import directory

    kim = signed_in("kim")
    assert kim.get("/cases").status_code == 200
    asyncio.run(
        directory.update_staff(
            world.practice.deps,
            world.staff["owner"],
            directory.UpdateStaff(
                staff_id=world.staff["kim"].id,
                name="Dr. Kim",
                email=world.email("kim"),
                roles=world.staff["kim"].roles,
                version=0,
                active=False,
            ),
        )
    )
    assert kim.get("/cases").status_code == 303


def test_first_run_setup_page(container):
    with TestClient(bootstrap.create_app(container)) as client:  # a practice with no staff
        browser = Browser(client)
        assert browser.get("/sign-in").headers["location"] == "/setup"
        weak = browser.post(
            "/setup",
            {"name": "Ana", "email": "ana@x.org", "password": "short", "password_again": "short"},
        )
        assert weak.status_code == 422 and "at least 10 characters" in weak.text
        made = browser.post(
            "/setup",
            {"name": "Ana", "email": "ana@x.org", "password": PASSWORD, "password_again": PASSWORD},
        )
        assert made.status_code == 303
        assert browser.get("/cases").status_code == 200
        assert browser.get("/setup").headers["location"] == "/sign-in"
        again = browser.post(
            "/setup",
            {"name": "Eve", "email": "eve@x.org", "password": PASSWORD, "password_again": PASSWORD},
        )
        assert again.status_code == 403


def test_a_token_from_an_old_secret_heals_after_one_reload(app, world: World):
    with TestClient(app) as client:
        browser = Browser(client)
        old = "a-token-signed-with-a-secret-of-yesterday"
        client.cookies.clear()
        browser.sign_in(world.email("lee"))
        session = client.cookies["hearth_session"]
        client.cookies.clear()
        client.cookies.set("hearth_session", session)
        client.cookies.set(CSRF_COOKIE, old)
        url = f"/cases/{world.cases['couple']}/name"
        refused = client.post(
            url, data={"name": "Renamed", "_csrf_token": old}, follow_redirects=False
        )
        assert refused.status_code == 403
        assert "Reload the page" in refused.text
        dropped = [c for c in refused.headers.get_list("set-cookie") if f"{CSRF_COOKIE}=" in c]
        assert dropped and ("Max-Age=0" in dropped[0] or "expires=" in dropped[0].lower())
        client.cookies.delete(CSRF_COOKIE)  # what the browser does with that header
        client.get(f"/cases/{world.cases['couple']}")
        assert browser.post(url, {"name": "Renamed"}).status_code == 303
