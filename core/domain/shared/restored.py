"""Entities as a store gives them back, without their constructor's checks.

What a store holds was checked when it was written (`__post_init__`); checking it again on
every load parsed every email address (email-validator) and phone number (phonenumbers) of
every person a screen showed. `restored` builds the dataclass from its stored values and the
fields' defaults only."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

_NONE = object()


Fields = tuple[tuple[str, Any, Callable[[], Any] | None], ...]
_FIELDS: dict[type, Fields] = {}


def _fields(cls: type) -> Fields:
    known = _FIELDS.get(cls)
    if known is not None:
        return known
    found = []
    for f in dataclasses.fields(cls):
        factory = None if f.default_factory is dataclasses.MISSING else f.default_factory
        default = _NONE if f.default is dataclasses.MISSING else f.default
        found.append((f.name, default, factory))
    known = _FIELDS[cls] = tuple(found)
    return known


def restored(cls: type[T], values: Mapping[str, Any]) -> T:
    """An instance of the dataclass `cls` with `values`, each other field at its default;
    `__post_init__` is not run. A field without a value or a default is a TypeError."""
    entity = object.__new__(cls)
    for name, default, factory in _fields(cls):
        if name in values:
            value = values[name]
        elif factory is not None:
            value = factory()
        elif default is not _NONE:
            value = default
        else:
            raise TypeError(f"{cls.__name__} restored without {name}")
        object.__setattr__(entity, name, value)
    return entity
