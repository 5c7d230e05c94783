"""A NUL byte (or any control character but tab and newline) in any text input is refused at the
edge, the same on every store: a 422 with the message next to the field for a form, a 422 for a
query string, a 404 for a path. PostgreSQL refuses 0x00 outright, so it is the store that shows
whether anything slipped through to the database."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, Response, post
from litestar.testing import TestClient

from adapters.web.edge import FORM_MESSAGE, MESSAGE, HearthRequest, has_control, printable
from core.domain.shared.errors import InvalidInput
from tests.web.crawl import Form, crawl
from tests.web.stores import web_world

NUL = "a\x00b"
OWNER_START = ["/cases", "/people", "/organizations", "/staff", "/schedule", "/settings"]
OWNER_START += ["/schedule/new", "/schedule/feed", "/audit", "/cases/new/couple"]


def _post_with(browser, form: Form, name: str, value: str):
    data: dict[str, list[str] | str] = {}
    for key, current in form.values:
        if key == "_csrf_token":
            continue
        data.setdefault(key, [])
        data[key].append(value if key == name else current)  # type: ignore[union-attr]
    return browser.post(form.action, data, htmx=form.htmx)


def test_what_counts_as_a_control_character():
    assert has_control("a\x00b") and has_control("\x1b[31m") and has_control("a\rb")
    assert has_control("\x85") and has_control("\x7f")
    assert not has_control("tab\tnew\nline\r\nend é ü 中")
    assert printable("a\x00b\nc") == "a\\x00b\\nc" or printable("a\x00b\nc") == "a\\x00b\nc"


@pytest.mark.parametrize("store", ["memory", "sqlite", "postgres"])
def test_a_nul_in_every_text_field_of_every_form_is_a_422_next_to_it(
    store: str, request: pytest.FixtureRequest, tmp_path: Path
):
    with web_world(store, request, tmp_path) as site:
        owner = site.signed_in("owner")
        forms = crawl(owner, OWNER_START)
        anonymous = crawl(site.browser, ["/sign-in", "/password/forgot"])
        assert len(forms) >= 20 and len(anonymous) >= 2  # the crawl found the site's forms
        assert any(f.action == "/sign-in" and "email" in f.text_fields for f in anonymous)
        tried, failures = 0, []
        for browser, found in ((owner, forms), (site.browser, anonymous)):
            for form in found:
                for name in form.text_fields:
                    response = _post_with(browser, form, name, NUL)
                    tried += 1
                    if response.status_code != 422 or (
                        MESSAGE not in response.text and FORM_MESSAGE not in response.text
                    ):
                        failures.append((form.action, name, response.status_code))
        assert tried >= 40
        assert not failures, sorted(
            {(re.sub("[0-9a-f-]{36}", "ID", a), n, s) for a, n, s in failures}
        )
        # The anonymous sign-in of the report: the form again, the message by the email.
        page = site.browser.post("/sign-in", {"email": NUL, "password": "x"})
        assert page.status_code == 422
        assert MESSAGE in page.text and 'name="password"' in page.text
        assert "\x00" not in page.text


@pytest.mark.parametrize("store", ["memory", "sqlite", "postgres"])
def test_paths_and_query_strings_with_control_characters(
    store: str, request: pytest.FixtureRequest, tmp_path: Path
):
    with web_world(store, request, tmp_path) as site:
        _check_paths(site.browser)


def _check_paths(anonymous) -> None:
    assert anonymous.get("/static/hearth.css%00.py").status_code == 404
    assert anonymous.get("/static/hearth.css").status_code == 200
    assert anonymous.get("/sign-in%00").status_code == 404
    assert anonymous.get("/nowhere%0aFORGED").status_code == 404
    refused = anonymous.get("/sign-in?next=%2Fcases%00")
    assert refused.status_code == 422 and "“next” holds an invisible control" in refused.text
    assert anonymous.get("/sign-in?next=%ff%fe").status_code == 422  # not UTF-8
    assert anonymous.get("/sign-in?next=/cases%09").status_code == 200  # a tab is text


def test_a_json_body_with_a_control_character_is_a_422_naming_the_member():
    """No route takes JSON yet (the interop issue brings the API): the request class checks it
    for the first one that does."""

    @post("/echo")
    async def echo(request: HearthRequest) -> Any:
        return await request.json()

    def refused(_: object, exc: InvalidInput) -> Response[str]:  # the app's page, in short
        return Response(exc.message, status_code=422)

    app = Litestar([echo], request_class=HearthRequest, exception_handlers={InvalidInput: refused})
    with TestClient(app) as client:
        assert client.post("/echo", json={"a": ["ok", {"b": "fine\n"}]}).status_code == 201
        refused = client.post("/echo", json={"a": ["ok", {"b": "x\u0000"}]})
        assert refused.status_code == 422 and "a[1].b" in refused.text
        assert client.post("/echo", json={"k\u001b": 1}).status_code == 422
