"""The `minor_age` filter writes what the include it replaced wrote (directory/people/_age.html,
kept here as it was), byte for byte, for adults, minors and ages as text."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.templates import old_and_new

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
    old, new = old_and_new(
        {
            "_age.html": _OLD_INCLUDE,
            "old.html": "<a>x</a>{% with person=p %}{% include '_age.html' %}{% endwith %}.",
            "new.html": "<a>x</a>{{ p | minor_age }}.",
        }
    )
    person = Someone(age)
    assert new.render(p=person) == old.render(p=person)
