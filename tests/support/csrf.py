"""The CSRF token as a browser has it: from the rendered page (no script can read the cookie)."""

from __future__ import annotations

import re

_TOKEN = re.compile(r'name="_csrf_token" value="([^"]+)"')


def page_token(page: str) -> str:
    """The CSRF token of a rendered page's forms."""
    found = _TOKEN.search(page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)
