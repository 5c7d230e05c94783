"""The case page's folded row actions (templates/cases/_row_forms.html): the page carries a
fold with the form's address and accessible name, the form comes from a GET on that address."""

from __future__ import annotations

import re

FOLD = r'<div class="row-form" hx-get="([^"]+)"[^>]*data-form-label="{label}"'


def fold_address(page: str, label: str) -> str:
    """The address of the folded form named `label` ("End membership of Sam Chen")."""
    found = re.search(FOLD.format(label=re.escape(label)), page)
    assert found is not None, f"no folded form {label!r} on the page"
    return found.group(1)


def item_id(page: str, label: str) -> str:
    """The id of the item (a membership, a duty...) whose folded form is named `label`."""
    found = re.search(r"/([0-9a-f-]{36})/[a-z-]+$", fold_address(page, label))
    assert found is not None
    return found.group(1)


def fold_addresses(page: str) -> list[str]:
    return re.findall(r'<div class="row-form" hx-get="([^"]+)"', page)


def row_form(browser, page: str, label: str) -> str:
    """The folded form named `label`, as htmx fetches it when its row is opened."""
    fetched = browser.get(fold_address(page, label), htmx=True)
    assert fetched.status_code == 200, fetched.text[:300]
    return fetched.text
