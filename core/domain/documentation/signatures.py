"""Signatures of notes: who signed, when, and a SHA-256 of the note's canonical content, so that
the note page can show that what it displays is what was signed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from core.domain.shared.values import StaffId


class SignatureRole(StrEnum):
    AUTHOR = "author"  # the clinician who wrote the note (again after a return)
    COSIGNER = "cosigner"  # the supervisor who reviewed an associate's note


@dataclass(frozen=True, slots=True)
class Signature:
    """`addenda` is how many addenda the hash covers: a re-signature after a return covers the
    addendum that answered it; later addenda are shown as added after it."""

    role: SignatureRole
    by: StaffId
    at: datetime
    sha256: str
    addenda: int = 0


def canonical(content: dict[str, Any]) -> bytes:
    """One byte string per content: sorted keys, no whitespace, UTF-8 (not ASCII escapes), so
    that any store or language recomputes the same hash."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()
