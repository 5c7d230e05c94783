"""The forms of the site as a browser finds them: pages are crawled from a few starting points by
their same-site links, and every `<form method="post">` read with its fields and their values.
So a new form (or a new field) is covered by the tests that use this without editing them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from tests.web.conftest import Browser

TEXT_TYPES = {"text", "email", "search", "tel", "url", "password", "number", "date", "time"}
TEXT_TYPES |= {"datetime-local", ""}
_SKIP = re.compile(r"^/(static|sign-out|calendar/)|\.ics$|/export")


@dataclass
class Form:
    action: str
    htmx: bool
    values: list[tuple[str, str]] = field(default_factory=list)  # as the page would post it
    text_fields: list[str] = field(default_factory=list)  # where a person types

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        return self.action, tuple(sorted(self.text_fields))


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(action=a.get("action", ""), htmx="hx-post" in a)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            self._form.values.append((a["name"], a.get("value", "")))
            if kind in TEXT_TYPES and a["name"] != "_csrf_token":
                self._form.text_fields.append(a["name"])
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.values.append((a["name"], ""))
            self._form.text_fields.append(a["name"])
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and ("selected" in a or not self._chosen()):
            self._form.values = [(k, v) for k, v in self._form.values if k != self._select]
            self._form.values.append((self._select, a.get("value", "")))

    def _chosen(self) -> bool:
        return self._form is not None and any(k == self._select for k, _ in self._form.values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def crawl(browser: Browser, start: list[str], limit: int = 80) -> list[Form]:
    """The distinct post forms of up to `limit` pages reached from `start` by links."""
    seen: set[str] = set()
    queue = list(start)
    forms: dict[tuple[str, tuple[str, ...]], Form] = {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or _SKIP.search(path):
            continue
        seen.add(url)
        response = browser.get(url)
        if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
            continue
        page = _Page()
        page.feed(response.text)
        for form in page.forms:
            if form.action.startswith("/"):
                forms.setdefault(form.key, form)
        # A new kind of page first (/cases/<id> once, not each case): breadth over depth.
        queue.extend(link for link in page.links if link not in seen)
    return list(forms.values())
