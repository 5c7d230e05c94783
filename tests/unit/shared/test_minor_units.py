"""The `minor_units` filter writes what the macro it replaced wrote (billing/_money.html, kept
here as it was), byte for byte, for credits, debts, whole and odd amounts."""

from __future__ import annotations

import pytest

from tests.support.templates import old_and_new

_OLD_MACRO = (
    "{% macro m(minor) %}{% if minor < 0 %}-{% endif %}{{ (minor|abs) // 100 }}."
    '{{ "%02d"|format((minor|abs) % 100) }}{% endmacro %}'
)


@pytest.mark.parametrize("amount", [0, 5, 99, 100, 105, 123456, -1, -5, -100, -123456, 10**12])
def test_the_filter_writes_what_the_macro_wrote(amount):
    old, new = old_and_new(
        {
            "_money.html": _OLD_MACRO,
            "old.html": '{% import "_money.html" as money %}<td>{{ money.m(a) }}</td>',
            "new.html": "<td>{{ a | minor_units }}</td>",
        }
    )
    assert new.render(a=amount) == old.render(a=amount)
