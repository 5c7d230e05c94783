"""`staff_option_tags` writes what the template loop it replaced wrote, byte for byte."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from jinja2 import Environment, select_autoescape

from adapters.web.templating import chosen, staff_option_tags


@dataclass
class Ref:
    id: uuid.UUID
    name: str


STAFF = [
    Ref(uuid.uuid4(), "O'Brien <script>&amp;"),
    Ref(uuid.uuid4(), "Dr. Ana <Owner>"),
    Ref(uuid.uuid4(), 'Lee & "Co"'),
    Ref(uuid.uuid4(), "Zoë"),
]
LOOP = (
    '{% for s in staff %}<option value="{{ s.id }}"{% if chosen(values, "provider_ids", s.id) %}'
    " selected{% endif %}>{{ s.name }}</option>{% endfor %}"
)


@pytest.mark.parametrize(
    "values",
    [
        None,
        {},
        {"provider_ids": []},
        {"provider_ids": [str(STAFF[0].id), str(STAFF[2].id)]},
        {"provider_ids": str(STAFF[1].id)},  # one value, not a list
        {"provider_ids": STAFF[1].id},
        {"other": [str(STAFF[0].id)]},
    ],
)
def test_the_options_are_the_loops(values: dict[str, Any] | None):
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals["chosen"] = chosen
    looped = env.from_string(LOOP).render(staff=STAFF, values=values)
    assert str(staff_option_tags(STAFF, values, "provider_ids")) == looped
    assert "&lt;Owner&gt;" in looped and "&amp;amp;" in looped and "&#39;" in looped


OLD_SELECT = (
    "<select>\n"
    '    {% if blank is not none %}<option value="">{{ blank }}</option>{% endif %}\n'
    "    {% for value, text in options %}\n"
    '    <option value="{{ value }}"{% if chosen(values, name, value) %} selected{% endif %}>'
    "{{ text }}</option>\n"
    "    {% endfor %}\n"
    "  </select>"
)
NEW_SELECT = """<select>
    {% if blank is not none %}<option value="">{{ blank }}</option>{% endif %}
{{ option_tags(options, values, name) }}  </select>"""


@pytest.mark.parametrize("blank", [None, "Choose…"])
@pytest.mark.parametrize(
    "values",
    [None, {}, {"who": str(STAFF[2].id)}, {"who": [str(STAFF[0].id), "x"]}, {"who": "nobody"}],
)
@pytest.mark.parametrize("count", [0, 1, 4])
def test_the_select_macros_options_are_its_loops(
    values: dict[str, Any] | None, blank: str | None, count: int
):
    """The `select` macro writes its options in one call (`option_tags`), as its loop did."""
    from markupsafe import Markup

    from adapters.web.templating import option_tags

    env = Environment(
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals |= {"chosen": chosen, "option_tags": option_tags}
    options = [*[(str(s.id), s.name) for s in STAFF][:count], ("m", Markup("<b>kept</b>"))]
    given = {"options": options, "values": values, "name": "who", "blank": blank}
    assert env.from_string(NEW_SELECT).render(given) == env.from_string(OLD_SELECT).render(given)
