"""Production's edge: links from HEARTH_PUBLIC_URL only and requests for other hosts refused;
HSTS on every response (and never in development); the API schema pages for signed-in staff."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

import bootstrap
from adapters.system.passwords import Argon2PasswordHasher
from adapters.web.security import HSTS
from core.services.directory import second_factor
from tests.support.csrf import page_token
from tests.support.practice import Practice
from tests.web.conftest import PASSWORD, Browser, World, _seed

PUBLIC = "https://hearth.example.org"
KEY = "k" * 40


@contextmanager
def _production(**more: str) -> Iterator[tuple[TestClient, World]]:
    """A production app over a seeded in-memory practice of its own."""
    env = {
        "HEARTH_ENVIRONMENT": "production",
        "HEARTH_SECRET_KEY": KEY,
        "HEARTH_PUBLIC_URL": PUBLIC,
        "HEARTH_DATABASE_URL": "memory",
        "HEARTH_WORKER": "off",
        **more,
    }
    container = bootstrap.make_container(bootstrap.Settings.from_env(env))
    hasher = Argon2PasswordHasher.fast()
    container.password_hasher.override(providers.Object(hasher))
    practice = Practice(container.uow_factory(), audit=container.audit_log())
    container.clock.override(providers.Object(practice.clock))
    world = asyncio.run(_seed(practice, hasher))
    # The owner chose sign-in without a second factor: these tests are about the edge (the
    # second step has its own, tests/web/directory/test_second_factor.py).
    asyncio.run(second_factor.set_factor_required(practice.deps, world.staff["owner"], False))
    with TestClient(bootstrap.create_app(container), base_url=PUBLIC) as client:
        yield client, world


def test_production_needs_a_public_https_address():
    with pytest.raises(SystemExit, match="HEARTH_PUBLIC_URL"):
        bootstrap.Settings.from_env({"HEARTH_ENVIRONMENT": "production", "HEARTH_SECRET_KEY": KEY})
    settings = bootstrap.Settings.from_env(
        {
            "HEARTH_ENVIRONMENT": "production",
            "HEARTH_SECRET_KEY": KEY,
            "HEARTH_PUBLIC_URL": PUBLIC,
            "HEARTH_ALLOWED_HOSTS": "hearth.internal, *.example.org",
        }
    )
    assert settings.host_names == ("hearth.example.org", "hearth.internal", "*.example.org")
    assert bootstrap.Settings().host_names == ()  # development: any host


def test_the_feed_address_follows_the_public_url_not_the_host_header(signed_in, world: World):
    lee = signed_in("lee")
    page = lee.client.post(
        "/schedule/feed",
        data={"_csrf_token": lee.token},
        headers={"Host": "evil.example"},
        follow_redirects=False,
    )
    assert page.status_code == 200
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page.text).group(1)
    assert url.startswith("http://127.0.0.1:8000/calendar/")  # the configured base
    assert "evil.example" not in page.text


def test_production_refuses_other_hosts_and_sends_hsts():
    with _production() as (client, world):
        browser = Browser(client)
        evil = client.get("/sign-in", headers={"Host": "evil.example"})
        assert evil.status_code == 400
        assert client.get("/sign-in").status_code == 200
        assert browser.sign_in(world.email("lee")).status_code == 303
        forged = client.post(
            "/schedule/feed",
            data={"_csrf_token": browser.token},
            headers={"Host": "evil.example"},
        )
        assert forged.status_code == 400 and "evil.example" not in forged.text
        page = browser.post("/schedule/feed", {})
        assert f'value="{PUBLIC}/calendar/' in page.text
        for response in (
            evil,
            forged,
            page,
            client.get("/cases"),
            client.get("/static/hearth.css"),
            client.get("/nowhere"),
        ):
            assert response.headers.get("Strict-Transport-Security") == HSTS


def test_no_hsts_in_development(browser: Browser):
    assert "Strict-Transport-Security" not in browser.get("/sign-in").headers


@pytest.mark.parametrize(
    "path", ["/schema", "/schema/openapi.json", "/schema/swagger", "/schema/redoc"]
)
def test_the_schema_pages_are_for_signed_in_staff(browser: Browser, signed_in, path):
    assert browser.get(path).status_code == 404
    assert signed_in("pat").get(path).status_code == 200


def test_the_schema_pages_can_be_turned_off_or_opened():
    for docs, anonymous, staff in (("staff", 404, 200), ("off", 404, 404), ("public", 200, 200)):
        with _production(HEARTH_API_DOCS=docs) as (client, world):
            assert client.get("/schema/openapi.json").status_code == anonymous
            assert Browser(client).sign_in(world.email("lee")).status_code == 303
            assert client.get("/schema/openapi.json").status_code == staff


def _set_cookie(response, name: str) -> dict[str, str]:
    """The attributes of the Set-Cookie header for `name`, lower-cased ({} if none)."""
    for header in response.headers.get_list("set-cookie"):
        first, *rest = (part.strip() for part in header.split(";"))
        if first.split("=", 1)[0] == name:
            pairs = (part.partition("=") for part in rest)
            return {"": first.split("=", 1)[1], **{k.lower(): v for k, _, v in pairs}}
    return {}


def test_production_s_csrf_nonce_is_a_host_cookie_a_sibling_cannot_plant():
    with _production() as (client, world):
        page = client.get("/sign-in")
        assert not _set_cookie(page, "hearth_csrf")
        cookie = _set_cookie(page, "__Host-hearth_csrf")
        # What browsers require of a __Host- cookie: Secure, Path=/ and no Domain.
        assert "secure" in cookie and cookie["path"] == "/" and "domain" not in cookie
        assert "httponly" in cookie
        nonce, token = cookie[""], page_token(page.text)
        # A sibling subdomain can set a plain-named cookie for the parent domain, with the
        # nonce and token of its own visit: that is no nonce of ours (no login CSRF).
        with TestClient(client.app, base_url=PUBLIC) as victim:
            victim.cookies.set("hearth_csrf", nonce, domain="hearth.example.org")
            planted = victim.post(
                "/sign-in",
                data={"email": world.email("lee"), "password": PASSWORD, "_csrf_token": token},
                follow_redirects=False,
            )
            assert planted.status_code == 403
            # The refusal drops the nonce the way browsers accept for a __Host- cookie.
            dropped = _set_cookie(planted, "__Host-hearth_csrf")
            assert dropped["max-age"] == "0" and "secure" in dropped and dropped["path"] == "/"
        assert Browser(client).sign_in(world.email("lee")).status_code == 303


def test_production_compares_hosts_without_case_and_the_default_port_as_none():
    with _production(HEARTH_ALLOWED_HOSTS="*.internal.example, other.example:8443") as (
        client,
        _,
    ):
        accepted = [
            "hearth.example.org",
            "HEARTH.Example.ORG",
            "hearth.example.org:443",
            "Hearth.Example.Org:443",
            "ward.INTERNAL.example:443",
            "other.example:8443",
            "OTHER.example:8443",
        ]
        refused = [
            "hearth.example.org:80",
            "hearth.example.org:8443",
            "hearth.example.org:0443x",
            "hearth.example.org:443:443",
            "evil.example",
            "evil.example:443",
            "hearth.example.org.evil.example",
            "xhearth.example.org",
            "internal.example",
            "other.example",
            "other.example:443",
            "[::1]:443",
        ]
        for host in accepted:
            assert client.get("/sign-in", headers={"Host": host}).status_code == 200, host
        for host in refused:
            assert client.get("/sign-in", headers={"Host": host}).status_code == 400, host
        # Behind a proxy that speaks plain HTTP to Hearth, the default port is 80.
        with TestClient(client.app, base_url="http://hearth.example.org") as plain:
            assert (
                plain.get("/sign-in", headers={"Host": "hearth.example.org:80"}).status_code == 200
            )
            assert plain.get("/sign-in", headers={"Host": "Hearth.example.org"}).status_code == 200
            assert (
                plain.get("/sign-in", headers={"Host": "hearth.example.org:443"}).status_code == 400
            )
