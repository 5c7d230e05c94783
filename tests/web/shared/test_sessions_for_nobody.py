"""Requests without a session (the sign-in page, feed polls, files, failed sign-ins, a cookie
for no session) store no session row: only a sign-in has something to keep. On SQLite and
PostgreSQL, counting the rows of the `sessions` table."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.persistence.sql.tables.sessions import sessions
from tests.web.stores import WebWorld, web_world


def _rows(site: WebWorld) -> int:
    async def count() -> int:
        async with site.container.engine().connect() as conn:
            return int(
                (await conn.execute(sa.select(sa.func.count()).select_from(sessions))).scalar_one()
            )

    return site.client.blocking_portal.call(count)


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_nobody_gets_a_stored_session(store: str, request: pytest.FixtureRequest, tmp_path: Path):
    with web_world(store, request, tmp_path) as site:
        client, browser = site.client, site.browser
        before = _rows(site)
        for _ in range(3):
            client.cookies.clear()
            for path in (
                "/sign-in",
                "/static/hearth.css",
                "/calendar/not-a-feed.ics",
                "/cases",
                "/password/forgot",
                "/nowhere",
                "/schema",
            ):
                assert client.get(path, follow_redirects=False).status_code < 500
            client.head("/sign-in")
            client.get("/cases", headers={"HX-Request": "true"})
        assert (
            browser.post(
                "/sign-in", {"email": "nobody@x.org", "password": "wrong wrong"}
            ).status_code
            == 422
        )
        assert browser.post("/password/forgot", {"email": "nobody@x.org"}).status_code == 200
        client.cookies.set("hearth_session", "no-such-session", domain="testserver.local")
        assert client.get("/sign-in").status_code == 200
        client.cookies.set("hearth_session", "a" * 5000, domain="testserver.local")
        assert client.get("/cases", follow_redirects=False).status_code == 303
        assert _rows(site) == before
        lee = site.signed_in("lee")
        assert _rows(site) == before + 1  # a sign-in has something to keep
        assert lee.post("/sign-out").status_code == 303
        assert _rows(site) == before
        ended = [c for c in lee.client.cookies.jar if c.name == "hearth_session"]
        assert not ended  # the browser drops the cookie (Max-Age=0), not keeps "null"
