"""The `minor_units` filter writes what the macro it replaced wrote (billing/_money.html, kept
here as it was), byte for byte, for credits, debts, whole and odd amounts."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment, select_autoescape

from adapters.web import templating

_OLD_MACRO = (
    "{% macro m(minor) %}{% if minor < 0 %}-{% endif %}{{ (minor|abs) // 100 }}."
    '{{ "%02d"|format((minor|abs) % 100) }}{% endmacro %}'
)


@pytest.mark.parametrize("amount", [0, 5, 99, 100, 105, 123456, -1, -5, -100, -123456, 10**12])
def test_the_filter_writes_what_the_macro_wrote(amount):
    env = Environment(
        loader=DictLoader(
            {
                "_money.html": _OLD_MACRO,
                "old.html": '{% import "_money.html" as money %}<td>{{ money.m(a) }}</td>',
                "new.html": "<td>{{ a | minor_units }}</td>",
            }
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    templating.install(env)
    old = env.get_template("old.html").render(a=amount)
    assert env.get_template("new.html").render(a=amount) == old
