"""The tamper-evident chain of audit entries.

Each entry has a position (`seq`, 1, 2, 3, ... without gaps) and stores the SHA-256 of its own
canonical form, which includes the hash of the entry before it (`prev_hash`; the first entry
follows `GENESIS`). Changing any field of an entry changes its hash; deleting one leaves a gap;
changing an entry and re-hashing it breaks the link of the next one. `verify` walks the chain
and names the first entry where any of that shows.

The canonical form (version 1) is the UTF-8 of the compact JSON array

    [1, seq, at, actor_id, on_behalf_of, action, object_type, object_id, case_id,
     route, client_address, prev_hash]

with `at` as UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ", ids as lowercase hyphenated UUIDs or null,
strings as given, `json.dumps(..., separators=(",", ":"), ensure_ascii=True)`. Anyone can
recompute it from an export of the log with a dozen lines of any language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass
from datetime import UTC
from uuid import UUID

from core.domain.shared.audit import AuditRecord

GENESIS = "0" * 64
FORMAT = 1


def _id(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def canonical_parts(record: AuditRecord) -> tuple[str, str, str]:
    """The canonical form around its two chain fields, so that a database can hash an entry
    where it learns its place: canonical(r, seq, prev) is (a + str(seq) + b + prev + c)."""
    at = record.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    middle = [
        at,
        _id(record.actor_id),
        _id(record.on_behalf_of),
        str(record.action),
        record.object_type,
        _id(record.object_id),
        _id(record.case_id),
        record.route,
        record.client_address,
    ]
    inner = json.dumps(middle, separators=(",", ":"), ensure_ascii=True)[1:-1]
    return f"[{FORMAT},", f',{inner},"', '"]'


def canonical(record: AuditRecord, seq: int, prev_hash: str) -> bytes:
    # prev_hash is lowercase hex (or GENESIS): JSON needs no escaping inside its quotes.
    a, b, c = canonical_parts(record)
    return f"{a}{seq}{b}{prev_hash}{c}".encode()


def entry_hash(record: AuditRecord, seq: int, prev_hash: str) -> str:
    return hashlib.sha256(canonical(record, seq, prev_hash)).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """An entry as stored: the record, its place in the chain and the two hashes."""

    seq: int
    record: AuditRecord
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last entry's position and hash (0 and GENESIS before the first)."""

    seq: int = 0
    hash: str = GENESIS


def chain(head: ChainHead, records: Iterable[AuditRecord]) -> list[AuditEntry]:
    """The entries that append `records` after `head`, in order."""
    entries = []
    seq, prev = head.seq, head.hash
    for record in records:
        seq += 1
        digest = entry_hash(record, seq, prev)
        entries.append(AuditEntry(seq=seq, record=record, prev_hash=prev, hash=digest))
        prev = digest
    return entries


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What `verify` found: how many entries it checked and, if any, the first broken one."""

    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def check_link(entry: AuditEntry, previous: ChainHead) -> str:
    """Why `entry` does not follow `previous`, or "" when it does."""
    if entry.seq != previous.seq + 1:
        return f"entry {previous.seq + 1} is missing (the next one is {entry.seq})"
    if entry.prev_hash != previous.hash:
        return "it does not point to the entry before it (that entry was changed or replaced)"
    if entry_hash(entry.record, entry.seq, entry.prev_hash) != entry.hash:
        return "its content does not match its hash (the entry was changed)"
    return ""


async def verify(entries: AsyncIterable[AuditEntry], head: ChainHead | None = None) -> ChainReport:
    """Walk the entries in order from the first; with the stored `head`, also check that the
    chain ends where the head says (entries removed from the end)."""
    previous = ChainHead()
    checked = 0
    async for entry in entries:
        reason = check_link(entry, previous)
        if reason:
            return ChainReport(checked=checked, broken_seq=entry.seq, reason=reason)
        previous = ChainHead(entry.seq, entry.hash)
        checked += 1
    if head is not None and head != previous:
        return ChainReport(
            checked=checked,
            broken_seq=previous.seq + 1,
            reason=f"the log ends at entry {previous.seq} but its head says {head.seq}",
        )
    return ChainReport(checked=checked)
