"""Reading submitted forms into the values commands need.

Every parser raises the core's `InvalidInput` with the form field's name, so a bad date or a
missing choice is shown next to its field exactly like a rule of the domain."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import TypeVar
from uuid import UUID

from litestar.datastructures import FormMultiDict, MultiDict

from core.domain.shared.errors import InvalidInput

Fields = FormMultiDict | MultiDict

E = TypeVar("E", bound=StrEnum)

MAX_FIELD = 20_000  # longer than any field the core accepts; the core gives the clear message


def text(form: Fields, name: str) -> str:
    value = form.get(name) or ""
    return value[:MAX_FIELD] if isinstance(value, str) else ""


def optional_text(form: Fields, name: str) -> str | None:
    return text(form, name).strip() or None


def flag(form: Fields, name: str) -> bool:
    return text(form, name) in {"on", "true", "1", "yes"}


def optional_date(form: Fields, name: str) -> date | None:
    raw = text(form, name).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Enter a date as YYYY-MM-DD.", field=name) from None


_DIGITS = re.compile(r"[0-9]{1,9}")


def digits(raw: str) -> int | None:
    """`raw` as a number when it is ASCII digits, else None. (`str.isdigit` also accepts "²",
    which `int` refuses; the length bound keeps `int` away from its digit limit.)"""
    return int(raw) if _DIGITS.fullmatch(raw) else None


def optional_int(form: Fields, name: str, low: int, high: int) -> int | None:
    raw = text(form, name).strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InvalidInput("Enter a whole number.", field=name) from None
    if not low <= value <= high:
        raise InvalidInput(f"Enter a number from {low} to {high}.", field=name)
    return value


def optional_uuid(form: Fields, name: str, what: str) -> UUID | None:
    raw = text(form, name).strip()
    if not raw:
        return None
    return parse_uuid(raw, name, what)


def required_uuid(form: Fields, name: str, what: str) -> UUID:
    value = optional_uuid(form, name, what)
    if value is None:
        raise InvalidInput(f"Choose {what}.", field=name)
    return value


def parse_uuid(raw: str, name: str, what: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise InvalidInput(f"Choose {what} from the list.", field=name) from None


def choice(form: Fields, name: str, enum: type[E], what: str) -> E:
    value = optional_choice(form, name, enum, what)
    if value is None:
        raise InvalidInput(f"Choose {what}.", field=name)
    return value


def optional_choice(form: Fields, name: str, enum: type[E], what: str) -> E | None:
    raw = text(form, name).strip()
    if not raw:
        return None
    try:
        return enum(raw)
    except ValueError:
        raise InvalidInput(f"Choose {what} from the list.", field=name) from None


def choices(form: Fields, name: str, enum: type[E], what: str) -> frozenset[E]:
    try:
        return frozenset(enum(v) for v in form.getall(name, []) if isinstance(v, str))
    except ValueError:
        raise InvalidInput(f"Choose {what} from the list.", field=name) from None


def uuids(form: Fields, name: str, what: str) -> list[UUID]:
    return [parse_uuid(v, name, what) for v in form.getall(name, []) if isinstance(v, str) and v]


def values(form: Fields) -> dict[str, object]:
    """What the person typed, to put back into a re-rendered form (passwords never)."""
    kept: dict[str, object] = {}
    for key in form:
        if "password" in key or key == "_csrf_token":
            continue
        many = [v for v in form.getall(key, []) if isinstance(v, str)]
        kept[key] = many if len(many) > 1 else (many[0][:MAX_FIELD] if many else "")
    return kept
