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
from tests.support.practice import Practice
from tests.web.conftest import Browser, World, _seed

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
