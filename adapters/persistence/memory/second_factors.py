"""Second factors in memory: staged and applied at commit; each use of a code takes effect at
once under the store's lock (as the SQL adapter's one conditional UPDATE)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.persistence.memory.store import MemoryStore
from core.domain.directory.second_factor import SecondFactor
from core.domain.shared.values import StaffId

_POLICY = "require_second_factor"


class MemorySecondFactorRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._factors: dict[StaffId, SecondFactor] = store.tables["second_factors"]
        # staff id -> {code hash: used at}
        self._codes: dict[StaffId, dict[str, datetime | None]] = store.tables["recovery_codes"]
        self._policy: dict[str, Any] = store.tables["account_policy"]
        self._staged: list[Any] = []  # operations replayed at commit

    def _factor(self, staff_id: StaffId) -> SecondFactor | None:
        view = {staff_id: self._factors[staff_id]} if staff_id in self._factors else {}
        codes: dict[StaffId, dict[str, datetime | None]] = {}
        policy: dict[str, Any] = {}
        for op in self._staged:
            op(view, codes, policy)
        return view.get(staff_id)

    async def get(self, staff_id: StaffId) -> SecondFactor | None:
        return self._factor(staff_id)

    async def enrol(self, factor: SecondFactor, recovery_hashes: Sequence[str]) -> None:
        codes = dict.fromkeys(recovery_hashes)

        def op(factors: dict, all_codes: dict, _: dict) -> None:
            factors[factor.staff_id] = factor
            all_codes[factor.staff_id] = dict(codes)

        self._staged.append(op)

    async def remove(self, staff_id: StaffId) -> None:
        def op(factors: dict, all_codes: dict, _: dict) -> None:
            factors.pop(staff_id, None)
            all_codes.pop(staff_id, None)

        self._staged.append(op)

    async def accept_step(self, staff_id: StaffId, step: int) -> bool:
        with self._store.lock:
            current = self._factors.get(staff_id)
            if current is None or current.last_step >= step:
                return False
            self._factors[staff_id] = dataclasses.replace(current, last_step=step)
        return True

    async def use_recovery_code(self, staff_id: StaffId, code_hash: str, at: datetime) -> bool:
        with self._store.lock:
            codes = self._codes.get(staff_id, {})
            if code_hash not in codes or codes[code_hash] is not None:
                return False
            codes[code_hash] = at
        return True

    async def replace_recovery_codes(self, staff_id: StaffId, hashes: Sequence[str]) -> None:
        codes = dict.fromkeys(hashes)

        def op(_: dict, all_codes: dict, __: dict) -> None:
            all_codes[staff_id] = dict(codes)

        self._staged.append(op)

    async def recovery_codes_left(self, staff_id: StaffId) -> int:
        view = {staff_id: dict(self._codes[staff_id])} if staff_id in self._codes else {}
        for op in self._staged:
            op({}, view, {})
        return sum(1 for used in view.get(staff_id, {}).values() if used is None)

    async def required(self) -> bool | None:
        policy = dict(self._policy)
        for op in self._staged:
            op({}, {}, policy)
        return policy.get(_POLICY)

    async def set_required(self, required: bool) -> None:
        def op(_: dict, __: dict, policy: dict) -> None:
            policy[_POLICY] = required

        self._staged.append(op)

    def apply(self) -> None:
        for op in self._staged:
            op(self._factors, self._codes, self._policy)
        self._staged.clear()

    def discard(self) -> None:
        self._staged.clear()
