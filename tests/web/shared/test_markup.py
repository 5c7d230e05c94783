"""Markup every screen keeps: unique ids, a label for every field, one <main> and one <h1>.
Checked on the busiest pages, as a screen reader or keyboard user depends on them."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest

from tests.web.conftest import World


class Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.labelled: set[str] = set()
        self.fields: list[dict[str, str | None]] = []
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags[tag] += 1
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "label" and a.get("for"):
            self.labelled.add(a["for"] or "")
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.fields.append(a)


PAGES = [
    "/cases",
    "/cases/new/couple",
    "/cases/new/group",
    "/cases/{couple}",
    "/cases/{consultation}",
    "/cases/{couple}/clinical",
    "/people",
    "/people/new",
    "/organizations",
    "/people/{maya}",
    "/organizations/new",
    "/staff",
    "/staff/{owner}",
]


@pytest.mark.parametrize("path", PAGES)
def test_ids_unique_fields_labelled_one_main_one_h1(signed_in, world: World, path):
    url = path.format(
        couple=world.cases["couple"],
        consultation=world.cases["consultation"],
        maya=world.people["maya"],
        owner=world.staff["owner"].id,
    )
    who = "owner" if path.startswith("/staff") else "lee"
    page = signed_in(who).get(url)
    assert page.status_code == 200
    markup = Markup()
    markup.feed(page.text)
    duplicated = [i for i, n in Counter(markup.ids).items() if n > 1]
    assert duplicated == []
    unlabelled = [
        f.get("name")
        for f in markup.fields
        if f.get("id") not in markup.labelled and not f.get("aria-label")
    ]
    assert unlabelled == []
    assert markup.tags["main"] == 1 and markup.tags["h1"] == 1
