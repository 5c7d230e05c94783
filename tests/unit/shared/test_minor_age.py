"""The `minor_age` filter writes what the include it replaced wrote (directory/people/_age.html,
kept here as it was), byte for byte, for adults, minors and ages as text."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from jinja2 import DictLoader, Environment, select_autoescape

from adapters.web import templating

_OLD_INCLUDE = (
    "{# A minor's age next to their name, wherever they are listed: staff see at once that a\n"
    "   representative signs and who else should be in the room. `person.minor_age`: None for"
    " adults. #}\n"
    '{% if person.minor_age is not none %} <span class="age" title="a minor">'
    "{{ person.minor_age }} yrs</span>{% endif %}"
)


@dataclass
class Someone:
    minor_age: object


@pytest.mark.parametrize("age", [None, 0, 7, 17, "<b>&</b>"])
def test_the_filter_writes_what_the_include_wrote(age):
    env = Environment(
        loader=DictLoader(
            {
                "_age.html": _OLD_INCLUDE,
                "old.html": "<a>x</a>{% with person=p %}{% include '_age.html' %}{% endwith %}.",
                "new.html": "<a>x</a>{{ p | minor_age }}.",
            }
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templating.install(env)
    person = Someone(age)
    assert env.get_template("new.html").render(p=person) == env.get_template("old.html").render(
        p=person
    )
