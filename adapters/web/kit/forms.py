"""Reading submitted forms (and query strings) into declared msgspec Structs.

`read(form, Shape)` is the one reader: it first turns HTML's conventions into values (a ticked
checkbox sends "on" and an unticked one nothing; an empty input sends ""; `datetime-local` sends
"2026-01-06T18:00"), then lets msgspec validate against the Struct's field types. Whatever is
refused becomes the core's `InvalidInput` with the form field's name, so a bad date or a missing
choice is shown next to its field exactly like a rule of the domain."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as mi
from litestar.datastructures import FormMultiDict, MultiDict

from adapters.web import edge
from core.domain.shared.errors import InvalidInput

Fields = FormMultiDict | MultiDict

S = TypeVar("S", bound=msgspec.Struct)
E = TypeVar("E", bound=StrEnum)

MAX_FIELD = 20_000  # longer than any field the core accepts; the core gives the clear message
TRUE = frozenset({"on", "true", "1", "yes"})


def text(form: Fields, name: str) -> str:
    value = form.get(name) or ""
    return value[:MAX_FIELD] if isinstance(value, str) else ""


def flag(form: Fields, name: str) -> bool:
    return text(form, name) in TRUE


_DIGITS = re.compile(r"[0-9]{1,9}")


def digits(raw: str) -> int | None:
    """`raw` as a number when it is ASCII digits, else None. (`str.isdigit` also accepts "²",
    which `int` refuses; the length bound keeps `int` away from its digit limit.)"""
    return int(raw) if _DIGITS.fullmatch(raw) else None


def optional_choice(form: Fields, name: str, enum: type[E], words: str) -> E | None:
    """One choice whose input's name is made per row (`role_<person id>`), so that no Struct
    can declare it."""
    raw = text(form, name).strip()
    if not raw:
        return None
    try:
        return enum(raw)
    except ValueError:
        raise InvalidInput(f"Choose {words} from the list.", field=name) from None


def what(words: str, missing: str | None = None) -> msgspec.Meta:
    """Words for a field's messages: `Annotated[StaffId, what("a staff member")]` says
    "Choose a staff member." when nothing was chosen and "... from the list." when the value is
    not one of the choices; `missing` replaces the first."""
    return msgspec.Meta(extra={"what": words, "missing": missing or f"Choose {words}."})


def read(
    form: Fields, shape: type[S], /, *, words: Mapping[str, str] | None = None, **known: Any
) -> S:
    """The form as a `shape` (a web form's Struct, or the core's command itself when the form
    posts its fields by their names). `known` are values the handler already has (the case id
    of the path, a person just registered...), which the form cannot override; `words` name
    the choices of a shape that does not say them itself (`{"status": "a status"}`)."""
    raw: dict[str, Any] = {}
    # By the input's name (a field renamed for Python, `from_` for `from`, reads as `from`).
    fields = _fields(shape)
    for name, field in fields.items():
        if name in known:
            continue
        kind, extra, optional = _unwrap(field.type, (words or {}).get(name))
        value = _normalize(form, name, kind, extra, optional, field.required)
        if value is not _ABSENT:
            raw[name] = value
        elif field.required:  # said before any other refusal, as a form reads top down
            raise InvalidInput(
                extra.get("missing", f"Choose {extra.get('what', 'a value')}."), field=name
            )
    try:
        return msgspec.convert({**raw, **known}, shape, strict=False)
    except msgspec.ValidationError as exc:
        raise _invalid(exc, fields, words or {}) from None


@functools.cache
def _fields(shape: type[msgspec.Struct]) -> Mapping[str, Any]:
    """A shape's fields by input name: inspecting the type cost more than reading a query
    string, and a shape does not change while the process runs."""
    return MappingProxyType(
        {f.encode_name: f for f in mi.type_info(shape).fields}  # type: ignore[attr-defined]
    )


_ABSENT = object()
_COLLECTIONS = (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)


def _unwrap(kind: mi.Type, words: str | None = None) -> tuple[mi.Type, dict[str, Any], bool]:
    """(the type without None and metadata, the `what` words, whether None is allowed)."""
    extra: dict[str, Any] = dict(what(words).extra or {}) if words else {}
    optional = False
    while True:
        if isinstance(kind, mi.Metadata):
            extra = {**(kind.extra or {}), **extra}
            kind = kind.type
        elif isinstance(kind, mi.UnionType):
            rest = [t for t in kind.types if not isinstance(t, mi.NoneType)]
            optional = len(rest) < len(kind.types)
            if len(rest) != 1:
                return kind, extra, optional
            kind = rest[0]
        else:
            return kind, extra, optional


def _normalize(
    form: Fields,
    name: str,
    kind: mi.Type,
    extra: dict[str, Any],
    optional: bool,
    required: bool,
) -> Any:
    if isinstance(kind, _COLLECTIONS):
        return [v.strip() for v in form.getall(name, []) if isinstance(v, str) and v.strip()]
    if isinstance(kind, mi.BoolType):
        return flag(form, name)
    if isinstance(kind, mi.StrType):
        value = text(form, name)
        if optional:
            return value.strip() or None
        return value if (value or required) else _ABSENT
    value = text(form, name).strip()
    if not value:
        return None if optional else _ABSENT  # a default, or "missing" for a required field
    if isinstance(kind, mi.IntType):
        number = digits(value.removeprefix("-"))
        if number is None or (value.startswith("-") and kind.ge is None):
            raise InvalidInput("Enter a whole number.", field=name)  # no form counts below 0
        return -number if value.startswith("-") else number
    if isinstance(kind, mi.DateTimeType):
        try:  # a wall-clock time in the practice, to the minute
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput("Enter a date and time as YYYY-MM-DD HH:MM.", field=name) from None
        return moment.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(kind, mi.DateType):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidInput("Enter a date as YYYY-MM-DD.", field=name) from None
    return value


_PATH = re.compile(r"at `\$\.(\w+)")
_MISSING = re.compile(r"missing required field `(\w+)`")


def _invalid(
    exc: msgspec.ValidationError, fields: Mapping[str, mi.Field], words: Mapping[str, str]
) -> InvalidInput:
    """msgspec's message, said as the form would say it, next to the field it is about."""
    message = str(exc)
    missing = _MISSING.search(message)
    found = missing or _PATH.search(message)
    name = found.group(1) if found else None
    if name is None or name not in fields:
        return InvalidInput("Check the form and try again.")
    kind, extra, _ = _unwrap(fields[name].type, words.get(name))
    words = extra.get("what", "a value")
    if missing:
        return InvalidInput(extra.get("missing", f"Choose {words}."), field=name)
    if isinstance(kind, _COLLECTIONS):
        kind = kind.item_type
    if isinstance(kind, mi.IntType):
        low, high = kind.ge, kind.le
        return InvalidInput(f"Enter a number from {low} to {high}.", field=name)
    return InvalidInput(f"Choose {words} from the list.", field=name)


def values(form: Fields) -> dict[str, object]:
    """What the person typed, to put back into a re-rendered form (passwords never)."""
    typed: dict[str, object] = {}
    for key in form:
        if "password" in key or key == "_csrf_token":
            continue
        # A control character is shown as the replacement character, never sent back raw.
        many = [edge.replaced(v) for v in form.getall(key, []) if isinstance(v, str)]
        typed[key] = many if len(many) > 1 else (many[0][:MAX_FIELD] if many else "")
    return typed
