"""Hostile values posted to every POST route the app has — read from its route table, so a new
route is fuzzed without editing this — signed in as the owner and anonymously, with a valid
CSRF token: NUL bytes, invalid UTF-8, 100k strings, huge and negative numbers, malformed dates,
wrong choices, duplicated fields, JSON and multipart bodies. Not one answer may be a 500, on
SQLite and on PostgreSQL. A few bodies per route (not every combination) keep it well under a
minute per store. The field names come from the site's own forms (crawled) and a few common
ones for a route whose form the crawl did not reach."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest

from tests.web.conftest import Browser
from tests.web.crawl import crawl
from tests.web.route_table import PostRoute, post_routes
from tests.web.stores import web_world

COMMON = ["name", "email", "password", "q", "status", "version", "start", "date", "kind", "id"]
LONG = "x" * 100_000
Body = tuple[bytes, str]  # (body, content type)


def _form(pairs: list[tuple[str, bytes | str]]) -> Body:
    def enc(v: bytes | str) -> str:
        return quote_from_bytes(v if isinstance(v, bytes) else v.encode("utf-8"))

    return "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs).encode(), (
        "application/x-www-form-urlencoded"
    )


def _multipart(pairs: list[tuple[str, bytes]]) -> Body:
    boundary = "hearthfuzz"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'.encode() + v + b"\r\n"
        for k, v in pairs
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + b"\x00\xff" * 10
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


def bodies(fields: list[str]) -> dict[str, Body]:
    """The hostile bodies for a form with `fields`: each a value every field gets at once."""

    def same(v: bytes | str) -> list[tuple[str, bytes | str]]:
        return [(f, v) for f in fields]

    return {
        "nul": _form(same("a\x00b")),
        "invalid utf-8": _form(same(b"\xff\xfe\xc3(")),
        "100k": _form([(f, LONG) for f in fields[:8]]),
        "huge number": _form(same("9" * 40)),
        "negative": _form(same("-1")),
        "float": _form(same("1e308")),
        "bad date": _form(same("2026-13-45T25:61")),
        "wrong choice": _form(same("overlord")),
        "uuid-ish": _form(same("00000000-0000-0000-0000-00000000000z")),
        "duplicated": _form([*same("first"), *same("2026-01-01"), *same("-7")]),
        "empty": _form([]),
        "json": (
            json.dumps({f: ["\u0000", {"x": 1e308}] for f in fields}).encode(),
            "application/json",
        ),
        "bad json": (b'{"name": "\xff', "application/json"),
        "multipart": _multipart([(f, b"\xff\x00" + b"y" * 50) for f in fields]),
        "bad multipart": (b"--nope\r\n\r\n", "multipart/form-data"),
    }


def _fields_by_route(browser: Browser, routes: list[PostRoute]) -> dict[str, list[str]]:
    found: dict[str, set[str]] = {r.template: set(COMMON) for r in routes}
    patterns = {
        r.template: re.compile("^" + re.sub(r"\{\w+:\w+\}", "[^/]+", r.template) + "$")
        for r in routes
    }
    for form in crawl(
        browser,
        [
            "/cases",
            "/people",
            "/staff",
            "/schedule",
            "/settings",
            "/schedule/new",
            "/schedule/feed",
            "/organizations",
        ],
    ):
        for template, pattern in patterns.items():
            if pattern.match(form.action):
                found[template] |= {k for k, _ in form.values if k != "_csrf_token"}
    return {t: sorted(names) for t, names in found.items()}


def _fuzz(
    browser: Browser,
    routes: list[PostRoute],
    fields: dict[str, list[str]],
    seen: Counter[int],
    reached: dict[str, set[int]] | None = None,
) -> list:
    failures = []
    for route in routes:
        for index, (what, (content, kind)) in enumerate(bodies(fields[route.template]).items()):
            headers = {"content-type": kind, "x-csrftoken": browser.token}
            htmx = index % 2 == 1  # every other body as htmx sends it (fragments, HX-Redirect)
            if htmx:
                headers["HX-Request"] = "true"
            response = browser.client.post(
                route.path, content=content, headers=headers, follow_redirects=False
            )
            seen[response.status_code] += 1
            if reached is not None:
                reached.setdefault(route.template, set()).add(response.status_code)
            if response.status_code >= 500:
                failures.append((route.template, what, htmx, response.status_code))
    return failures


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_no_hostile_post_is_a_500(store: str, request: pytest.FixtureRequest, tmp_path: Path):
    with web_world(store, request, tmp_path) as site:
        routes = post_routes(site.app, site.world)
        assert len(routes) >= 50
        # Signing out would end the owner's run: it goes last.
        routes.sort(key=lambda r: r.template == "/sign-out")
        owner = site.signed_in("owner")
        fields = _fields_by_route(owner, routes)
        owners: Counter[int] = Counter()
        reached: dict[str, set[int]] = {}
        failures = _fuzz(owner, routes, fields, owners, reached)
        failures += _fuzz(site.browser, routes, fields, Counter())
        # The routes the owner may not use (the clinical record unless she sees clinical data;
        # Dr. Kim's own email and password, the route table's staff member) are fuzzed as the
        # staff who may, so every route's handler reads the bodies.
        theirs = [r for r in routes if reached[r.template] <= {403}]
        for who in ("lee", "kim"):
            statuses: dict[str, set[int]] = {}
            failures += _fuzz(site.signed_in(who), theirs, fields, Counter(), statuses)
            theirs = [r for r in theirs if statuses[r.template] <= {403}]
        assert not failures, failures
        # The bodies reached the handlers (not all stopped at the CSRF check or the guard).
        assert owners[422] > sum(owners.values()) / 3, owners
        assert not theirs, [r.template for r in theirs]
