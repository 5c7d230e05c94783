"""Helpers the templates use: words for stored values, and form state for re-rendered forms."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

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


def chosen(values: dict[str, Any] | None, name: str, option: object) -> bool:
    """Whether a re-rendered form had `option` selected or checked in field `name`."""
    if not values or name not in values:
        return False
    current = values[name]
    if isinstance(current, list):
        return str(option) in current
    return str(current) == str(option)


def staff_option_tags(staff: Iterable[Any], values: dict[str, Any] | None, name: str) -> Markup:
    """`<option value="{id}"[ selected]>{name}</option>` for each staff member, one after the
    other, selected as `chosen(values, name, id)` has it: what a template loop wrote option by
    option, in one call (at 230 staff the appointment page's providers loop was a fifth of its
    CPU, most of it Jinja's attribute lookups and escaping per option)."""
    return _options(((str(s.id), s.name) for s in staff), values, name, "", "")


def option_tags(
    options: Iterable[tuple[Any, Any]], values: dict[str, Any] | None, name: str
) -> Markup:
    """The `select` macro's options (value, text pairs), a line each, as its loop wrote them:
    one call however many (the case page's staff select lists every staff member)."""
    return _options(options, values, name, "    ", "\n")


def _options(
    options: Iterable[tuple[Any, Any]],
    values: dict[str, Any] | None,
    name: str,
    indent: str,
    end: str,
) -> Markup:
    picked: set[str] = set()
    if values and name in values:
        current = values[name]
        picked = {str(c) for c in current} if isinstance(current, list) else {str(current)}
    tags = []
    for value, text in options:
        on = " selected" if str(value) in picked else ""
        tags.append(f'{indent}<option value="{_text(value)}"{on}>{_text(text)}</option>{end}')
    return Markup("".join(tags))


# What markupsafe's `escape` (Jinja's autoescape) makes of a str, without a Markup per value.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def _escaped(text: str) -> str:
    return text.translate(_ESCAPES)


def _text(value: Any) -> str:
    """As `{{ value }}` writes it: markup as it is, anything else escaped."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else _escaped(str(value))


_NOTHING = Markup("")


def minor_age(person: Any) -> Markup:
    """A minor's age next to their name, wherever they are listed: staff see at once that a
    representative signs and who else should be in the room (`person.minor_age`: None for
    adults). A filter, not an include: an include per row built a context of the whole page's
    (a fifth of the people list's CPU at 50 rows)."""
    age = person.minor_age
    if age is None:
        return _NOTHING
    return Markup(f' <span class="age" title="a minor">{_text(age)} yrs</span>')


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
