"""The in-memory practice: tables of copies, shared by every unit of work."""

from __future__ import annotations

import copy
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from core.domain.cases.history import HistoryRecord
from core.domain.directory.search import whole_email
from core.domain.shared.errors import ConcurrencyConflict, InvalidInput
from core.domain.shared.events import DomainEvent

E = TypeVar("E", bound=Any)


@dataclass
class MemoryStore:
    """What a database would hold. Shared by every unit of work of one application."""

    # Rows by key, per table; a table appears when a context's repository first uses it, so the
    # store knows no context.
    tables: defaultdict[str, dict[Any, Any]] = field(default_factory=lambda: defaultdict(dict))
    history: list[HistoryRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Table(Generic[E]):
    """One table as seen from one unit of work: the store overlaid with staged writes."""

    def __init__(self, store: MemoryStore, name: str, what: str) -> None:
        self._rows: dict[Any, E] = store.tables[name]
        self.what = what
        self.staged: dict[Any, E] = {}
        self.expected: dict[Any, int | None] = {}  # version read from the store; None: new row
        self.events: list[DomainEvent] = []  # of the aggregates staged, for the unit of work

    def _take_events(self, entity: E) -> None:
        log = getattr(entity, "events", None)
        if log is not None:
            self.events += log.pull()

    def visible(self) -> Iterator[E]:
        for key, row in self._rows.items():
            if key not in self.staged:
                yield row
        yield from self.staged.values()

    def get(self, key: Any) -> E | None:
        row = self.staged.get(key, self._rows.get(key))
        return copy.deepcopy(row)

    def add(self, entity: E) -> None:
        if entity.id in self._rows or entity.id in self.staged:
            raise InvalidInput(f"This {self.what} exists already.")
        self._take_events(entity)
        self.staged[entity.id] = copy.deepcopy(entity)
        self.expected[entity.id] = None

    def update(self, entity: E) -> None:
        current = self.staged.get(entity.id, self._rows.get(entity.id))
        if current is None or current.version != entity.version:
            raise ConcurrencyConflict(f"This {self.what}")
        self.expected.setdefault(entity.id, entity.version)
        entity.version += 1
        self._take_events(entity)
        self.staged[entity.id] = copy.deepcopy(entity)

    def check(self) -> None:
        for key, version in self.expected.items():
            stored = self._rows.get(key)
            if (version is None) != (stored is None) or (
                stored is not None and stored.version != version
            ):
                if version is None:
                    raise InvalidInput(f"This {self.what} exists already.")
                raise ConcurrencyConflict(f"This {self.what}")

    def apply(self) -> None:
        self._rows.update(self.staged)
        self.staged.clear()
        self.expected.clear()


class Repository(Generic[E]):
    def __init__(self, table: Table[E]) -> None:
        self._t = table

    async def get(self, key: Any) -> E | None:
        return self._t.get(key)

    async def get_many(self, ids: Iterable[Any]) -> dict[Any, E]:
        found = {key: self._t.get(key) for key in set(ids)}
        return {key: row for key, row in found.items() if row is not None}

    async def add(self, entity: E) -> None:
        self._t.add(entity)

    async def update(self, entity: E) -> None:
        self._t.update(entity)

    def _matching(
        self,
        text: str,
        limit: int,
        fields: Callable[[E], tuple[str | None, ...]],
        keep: Callable[[E], bool] | None = None,
        email: Callable[[E], str | None] | None = None,
    ) -> list[E]:
        """Rows where any of `fields` contains `text`, or whose `email` is `text` as a whole
        address (core.domain.directory.search), and `keep` holds; by the first field."""
        needle = text.strip().casefold()
        address = whole_email(text) if email is not None else None
        rows = [
            r
            for r in self._t.visible()
            if (
                any(needle in (f or "").casefold() for f in fields(r))
                or (address is not None and email is not None and email(r) == address)
            )
            and (keep is None or keep(r))
        ]
        rows.sort(key=lambda r: ((fields(r)[0] or "").casefold(), str(r.id)))
        return [copy.deepcopy(r) for r in rows[:limit]]
