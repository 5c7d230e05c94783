"""The CSRF token is tied to the server-side session (a synchronizer token): a cookie planted
with a token that matches it opens nothing, the token is renewed at sign-in and sign-out, the
cookie that remains (the anonymous forms' nonce) is HttpOnly, and a malformed token — non-ASCII
among them, which made the framework's own check raise — is a 403 like any wrong one."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar.testing import TestClient

from tests.support.csrf import page_token
from tests.web.conftest import CSRF_COOKIE, Browser, World
from tests.web.route_table import post_routes

PLANTED = CSRF_COOKIE


def _planted_pair(app) -> tuple[str, str]:
    """What an attacker gets from a visit of their own: a nonce cookie and its valid token."""
    with TestClient(app) as attacker:
        page = attacker.get("/sign-in")
        return attacker.cookies[PLANTED], page_token(page.text)


def test_a_planted_cookie_and_its_matching_token_are_refused_on_every_route(
    app, signed_in, world: World
):
    nonce, token = _planted_pair(app)
    lee = signed_in("lee")
    lee.client.cookies.set(PLANTED, nonce, domain="testserver.local")
    routes = [r for r in post_routes(app, world) if not r.exempt_from_csrf]
    assert len(routes) >= 50  # the route table, not a list kept by hand
    answers = {}
    for route in routes:
        for how in ("form", "header"):
            if how == "form":
                response = lee.client.post(
                    route.path, data={"_csrf_token": token}, follow_redirects=False
                )
            else:
                response = lee.client.post(
                    route.path,
                    data={},
                    headers={"x-csrftoken": token, "HX-Request": "true"},
                    follow_redirects=False,
                )
            answers[(route.template, how)] = response.status_code
    assert set(answers.values()) == {403}, {k: v for k, v in answers.items() if v != 403}
    assert "Maya &amp; Sam" in lee.get(f"/cases/{world.cases['couple']}").text  # unchanged


def test_the_token_is_the_session_s_and_renewed_at_sign_in_and_sign_out(app, world: World):
    with TestClient(app) as client:
        browser = Browser(client)
        anonymous = browser.token
        assert browser.sign_in(world.email("lee")).status_code == 303
        assert PLANTED not in client.cookies  # the anonymous nonce is dropped at sign-in
        lee_token = browser.token
        assert lee_token != anonymous
        # The anonymous token no longer works once signed in.
        url = f"/cases/{world.cases['couple']}/name"
        stale = client.post(url, data={"name": "x", "_csrf_token": anonymous})
        assert stale.status_code == 403
        assert browser.sign_in(world.email("kim")).status_code == 303
        kim_token = browser.token
        assert kim_token not in (lee_token, anonymous)
        assert browser.post("/sign-out").status_code == 303
        after = browser.token
        assert after not in (kim_token, lee_token, anonymous)
        # Kim's token does not outlive her session.
        refused = client.post("/sign-in", data={"email": "x", "_csrf_token": kim_token})
        assert refused.status_code == 403


def test_the_csrf_cookie_is_httponly_and_pages_carry_the_token(browser: Browser, signed_in):
    response = browser.get("/sign-in")
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(PLANTED))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie.replace("strict", "Strict")
    page = signed_in("lee").get("/cases").text
    token = page_token(page)
    assert f'"x-csrftoken": "{token}"' in page  # htmx reads it from the page, not a cookie
    # Cookieless feed polls and files get no cookie at all.
    assert not browser.get("/static/hearth.css").headers.get_list("set-cookie")
    assert not browser.get("/calendar/nothing.ics").headers.get_list("set-cookie")


def test_a_non_ascii_or_malformed_token_is_a_403_not_a_500(app, browser: Browser, signed_in):
    lee = signed_in("lee")
    good_anon, good_lee = browser.token, lee.token
    for who, good in ((browser, good_anon), (lee, good_lee)):
        for bad in ("é", good[:-1] + "é", good + "\u2028", "\udcff", "x" * 5000, ""):
            raw = bad.encode("utf-8", "surrogateescape")  # "\udcff" is the byte 0xFF
            form = who.client.post(
                "/sign-in",
                content=urlencode({"email": "a@b.c", "password": "p", "_csrf_token": raw}),
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert form.status_code == 403, (bad, form.status_code)
            if bad != "\udcff":  # as a browser's form sends it
                sent = who.client.post("/sign-in", data={"email": "a", "_csrf_token": bad})
                assert sent.status_code == 403, (bad, sent.status_code)
            header = who.client.post(
                "/sign-out",
                headers={"x-csrftoken": raw},
                follow_redirects=False,
            )
            assert header.status_code == 403
    # A non-ASCII nonce cookie is a fresh start, not an error.
    with TestClient(app) as client:
        cookie = f"{PLANTED}=".encode() + "é".encode()
        assert client.get("/sign-in", headers={"cookie": cookie}).status_code == 200


def test_a_non_ascii_token_on_a_fresh_client_is_a_403(app):
    with TestClient(app) as client:
        token = page_token(client.get("/sign-in").text)
        for bad in (token[:-1] + "é", "é" * 200):
            sent = client.post("/sign-in", data={"email": "a", "_csrf_token": bad})
            assert sent.status_code == 403
            headed = client.post(
                "/sign-in", data={"email": "a"}, headers={"x-csrftoken": bad.encode()}
            )
            assert headed.status_code == 403
