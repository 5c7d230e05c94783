"""The form pieces of `_macros.html` written in Python (adapters/web/form_html.py) write what
the Jinja macros they replaced wrote, byte for byte, called from a template as before."""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path
from typing import Any

import pytest
from jinja2 import DictLoader, Environment, pass_context, select_autoescape
from markupsafe import Markup, escape

from adapters.web import templating
from adapters.web.form_html import text

TEMPLATES = Path(__file__).parents[3] / "adapters" / "web" / "templates"
# The macros as they were, up to `search` (the macros from there on are still Jinja's).
OLD = (Path(__file__).parent / "form_macros_before.html").read_text()
NOW = (TEMPLATES / "_macros.html").read_text()
KEPT = NOW[NOW.index("{% macro search(") :]
HOSTILE = "<b>&\"'</b>"


@pass_context
def csrf_token(context: Any) -> str:
    return 'tok<&>"' + context["who"]


def environment(macros: str) -> Environment:
    """As the app's (adapters/web/app.py): autoescape, trim_blocks and lstrip_blocks."""
    env = Environment(
        loader=DictLoader({"_macros.html": macros}),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templating.install(env)
    env.globals["csrf_token"] = csrf_token
    return env


ENVIRONMENTS = (environment(OLD + KEPT), environment(NOW))


def both(source: str, **context: Any) -> tuple[str, str]:
    page = '{% import "_macros.html" as f with context %}' + source
    old, new = (env.from_string(page).render(context) for env in ENVIRONMENTS)
    return old, new


def check(source: str, **context: Any) -> str:
    old, new = both(source, **context)
    assert new == old
    return new


VALUES = [
    {},
    {"n": "plain"},
    {"n": HOSTILE},
    {"n": Markup("<i>kept</i>")},
    {"n": 5},
    {"n": None},
    {"n": ["a", "b"]},
    {"n": ""},
]
ERRORS = [{}, {"n": "Wrong " + HOSTILE}, {"n": ""}, {"other": "x"}, {"n": Markup("<i>m</i>")}]
INPUT_OPTIONS = [
    {},
    {"type": "password"},
    {"type": "date", "prefix": "left-1-", "hint": "Left empty: today."},
    {"type": "number", "min": 1, "max": 500},
    {"type": "number", "min": 0, "max": 0},
    {"required": True, "maxlength": 200},
    {"required": "yes", "maxlength": 0, "autocomplete": ""},
    {"type": "email", "autocomplete": "email", "prefix": HOSTILE},
    {"hint": HOSTILE, "maxlength": HOSTILE, "autocomplete": HOSTILE, "min": HOSTILE},
    {"type": HOSTILE, "max": HOSTILE, "hint": Markup("<em>why</em>")},
    {"type": "password", "required": True, "autocomplete": "new-password", "prefix": "p-"},
]


@pytest.mark.parametrize("options", INPUT_OPTIONS)
@pytest.mark.parametrize("label", ["Name", HOSTILE, Markup("<i>Day</i>")])
def test_input(options: dict[str, Any], label: Any):
    for values, errors in itertools.product(VALUES, ERRORS):
        given = {"values": values, "errors": errors, "label": label, "kw": options}
        check('{{ f.input("n", label, values, errors, **kw) }}', **given)
    # Positionally, as a few call sites pass them.
    check('{{ f.input("n", "N", {"n": "v"}, {}, "date", "x-", true, "h", 3, "off", 1, 2) }}')


@pytest.mark.parametrize("errors", ERRORS)
@pytest.mark.parametrize("prefix", [None, "", "p-", HOSTILE])
def test_error_invalid_and_form_error(errors: dict[str, Any], prefix: str | None):
    pre = "" if prefix is None else ", prefix"
    form = {**errors, "_form": errors["n"]} if "n" in errors else errors
    html = check(
        f"[{{{{ f.error('n', errors{pre}) }}}}][{{{{ f.invalid('n', errors{pre}) }}}}]"
        "[{{ f.form_error(form) }}][{{ f.error('other', errors) }}]",
        errors=errors,
        prefix=prefix,
        form=form,
    )
    assert "<b>" not in html


SELECT_OPTIONS = [
    [],
    [("a", "A")],
    [("a", "A"), ("b", HOSTILE), (3, 4), ("m", Markup("<i>kept</i>")), (HOSTILE, "h")],
]


@pytest.mark.parametrize("options", SELECT_OPTIONS)
@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"required": True},
        {"blank": "Choose…"},
        {"blank": ""},
        {"blank": HOSTILE, "prefix": "s-"},
    ],
)
def test_select(options: list[tuple[Any, Any]], kw: dict[str, Any]):
    picks = [None, *VALUES, {"n": "b"}, {"n": ["a", "m"]}, {"n": 3}, {"n": HOSTILE}]
    for values, errors in itertools.product(picks, ERRORS):
        given = {"options": options, "values": values, "errors": errors, "kw": kw}
        check('{{ f.select("n", "Label " ~ "&", options, values, errors, **kw) }}', **given)


@pytest.mark.parametrize(
    "kw", [{}, {"prefix": "comm-"}, {"value": "yes"}, {"value": HOSTILE}, {"value": 1}]
)
def test_checkbox(kw: dict[str, Any]):
    picks = [None, *VALUES, {"n": "on"}, {"n": ["on", "yes"]}, {"n": 1}, {"n": HOSTILE}]
    for values, errors in itertools.product(picks, ERRORS):
        given = {"values": values, "errors": errors, "kw": kw, "label": HOSTILE}
        check('{{ f.checkbox("n", label, values, errors, **kw) }}', **given)


@pytest.mark.parametrize("open_", [False, True, "", "yes", None])
@pytest.mark.parametrize("label", ["End…", HOSTILE, Markup("<i>End</i>")])
def test_row_action(open_: Any, label: Any):
    html = check(
        "<td>\n  {% call f.row_action(label, 'membership of ' ~ who, open=open_) %}\n"
        "  <form>{{ f.csrf() }}{{ who }}</form>\n  {% endcall %}\n</td>"
        "{% call f.row_action(label, who) %}{% endcall %}",
        label=label,
        who=HOSTILE,
        open_=open_,
    )
    assert "tok&lt;&amp;&gt;&#34;&lt;b&gt;" in html


def test_a_fetched_row_action_carries_its_address_and_renders_no_form():
    """Folded with `fetch`, the form is not rendered (its caller never runs); open (refused)
    it is, as without `fetch`; `bare` gives the form alone, as its address answers htmx."""
    env = ENVIRONMENTS[1]
    page = (
        '{% import "_macros.html" as f with context %}'
        "{% call f.row_action('End…', who, open=open_, fetch=url, form_label=who, bare=bare) %}"
        "<form>{{ ran.append(1) or '' }}</form>{% endcall %}"
    )

    def render(open_: bool = False, bare: bool = False) -> tuple[str, list[int]]:
        ran: list[int] = []
        html = env.from_string(page).render(
            who=HOSTILE, url="/cases/1/members/2/end?x=<", open_=open_, bare=bare, ran=ran
        )
        return html, ran

    folded, ran = render()
    assert ran == [] and "<form>" not in folded
    assert 'hx-get="/cases/1/members/2/end?x=&lt;"' in folded
    link = '<a href="/cases/1/members/2/end?x=&lt;">Show the form<span class="visually-hidden">'
    assert link in folded
    assert f'data-form-label="{escape(HOSTILE)}"' in folded
    opened, ran = render(open_=True)
    assert ran == [1] and '<details class="row-action" open>' in opened and "<form>" in opened
    bare, ran = render(bare=True)
    assert ran == [1] and bare == "<form></form>"


def test_a_fetched_fold_of_the_page_is_a_plain_details_with_its_summary():
    """`fetched_fold` ("Change the team") folds as a fetched row action does, under a plain
    <details> with its summary alone (no row styling, no hidden completion)."""
    env = ENVIRONMENTS[1]
    page = (
        '{% import "_macros.html" as f with context %}'
        "{% call f.fetched_fold(who, open=open_, fetch='/cases/1/staff', form_label=who) %}"
        "<form>{{ ran.append(1) or '' }}</form>{% endcall %}"
    )
    for open_ in (False, True):
        ran: list[int] = []
        html = env.from_string(page).render(who=HOSTILE, open_=open_, ran=ran)
        opening = "<details open>" if open_ else "<details>"
        assert html.startswith(f"{opening}\n  <summary>{escape(HOSTILE)}</summary>\n")
        assert (ran == [1]) is open_ and ("<form>" in html) is open_
        assert ('hx-get="/cases/1/staff"' in html) is not open_


def test_csrf_search_and_person_or_new():
    """The macros left in Jinja call the Python ones as they called the macros."""
    for v, e in itertools.product(
        [{}, {"p_picked_name": HOSTILE, "p": "id", "p_new_name": HOSTILE}], ERRORS
    ):
        check(
            "{{ f.csrf() }}{{ f.person_or_new('p', 'member', 'm', 'Find', 'person', v, e) }}"
            "{{ f.search('t', 'payer', 'Find', 'x', kind='org') }}",
            v=v,
            e={**e, "p": "None picked"} if e else e,
            who="w",
        )


@pytest.mark.parametrize(
    "value",
    [
        HOSTILE,
        "",
        "&&<<>>''\"\"&amp;",
        "Zoë",
        5,
        1.5,
        None,
        True,
        Markup("<i>kept</i>"),
        uuid.UUID(int=7),
    ],
)
def test_text_is_what_autoescape_writes(value: Any):
    assert text(value) == str(escape(value))
