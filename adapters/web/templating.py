"""Helpers the templates use: words for stored values, option lists, and the form pieces of
`_macros.html` (adapters/web/form_html.py)."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from adapters.web import form_html
from adapters.web.form_html import chosen, option_tags, staff_option_tags
from core.domain.billing.money import show_minor
from core.domain.cases.case import CaseStatus
from core.domain.cases.kinds import POLICIES, CaseKind
from core.domain.cases.responsibilities import HelperKind
from core.domain.directory.parties import Channel


def words(value: object) -> str:
    """`on_hold` → `on hold`."""
    return str(value or "").replace("_", " ")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def human_date(value: date | datetime | None) -> Markup:
    """A day (or moment) as people read it, "18 Sep 2026", in a <time> that keeps the ISO value
    for machines; `day` stays the ISO text that date inputs take."""
    if value is None:
        return Markup("")
    if isinstance(value, datetime):
        # Not cached: one instant in two timezones is equal (and hashes equal) but reads
        # differently.
        shown = f"{value.day} {value:%b %Y} {value:%H:%M}"
        return _time(value.isoformat(timespec="minutes"), shown)
    return _human_day(value)


# A page shows the same few days many times; Markup.format (a Python string.Formatter that
# escapes each argument) cost ~40 µs a call, nine calls to a case list.
@functools.lru_cache(maxsize=4096)
def _human_day(value: date) -> Markup:
    return _time(value.isoformat(), f"{value.day} {value:%b %Y}")


def _time(iso: str, shown: str) -> Markup:
    return Markup(f'<time datetime="{escape(iso)}">{escape(shown)}</time>')


def minor_age(person: Any) -> Markup:
    """A minor's age next to their name, wherever they are listed: staff see at once that a
    representative signs and who else should be in the room (`person.minor_age`: None for
    adults). A filter, not an include: an include per row built a context of the whole page's
    (a fifth of the people list's CPU at 50 rows)."""
    age = person.minor_age
    if age is None:
        return form_html.NOTHING
    return Markup(f' <span class="age" title="a minor">{form_html.text(age)} yrs</span>')


def minor_units(amount: int) -> str:
    """An amount in minor units as "-12.05" (`show_minor`): aging's and the invoice list's
    cells, a filter rather than the macro that each cell called before."""
    return show_minor(amount)


def staff_options(staff: list[Any]) -> list[tuple[str, str]]:
    return [(str(s.id), s.name) for s in staff]


def role_options(roles: list[Any]) -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in roles]


def member_options(members: list[Any]) -> list[tuple[str, str]]:
    return [(str(m.person_id), m.name) for m in members]


def person_options(people: list[Any]) -> list[tuple[str, str]]:
    return [(str(p.id), p.name) for p in people]


def install(env: Environment) -> None:
    env.filters["words"] = words
    env.filters["day"] = day
    env.filters["date"] = human_date
    env.filters["minor_age"] = minor_age
    env.filters["minor_units"] = minor_units
    env.globals["form_html"] = form_html  # the form pieces `_macros.html` binds
    env.globals["chosen"] = chosen
    env.globals["staff_options"] = staff_options
    env.globals["option_tags"] = option_tags
    env.globals["staff_option_tags"] = staff_option_tags
    env.globals["role_options"] = role_options
    env.globals["member_options"] = member_options
    env.globals["person_options"] = person_options
    env.globals["KINDS"] = [POLICIES[k] for k in CaseKind]
    env.globals["KIND_OPTIONS"] = [(k.value, POLICIES[k].label) for k in CaseKind]
    env.globals["STATUS_OPTIONS"] = [(s.value, s.label) for s in CaseStatus]
    env.globals["OPEN_STATUS_OPTIONS"] = [
        (s.value, s.label) for s in CaseStatus if s is not CaseStatus.CLOSED
    ]
    env.globals["HELPER_OPTIONS"] = [(h.value, h.label) for h in HelperKind]
    env.globals["CHANNEL_OPTIONS"] = [(c.value, c.value) for c in Channel]
