"""The ICD-10-CM code list Hearth ships (`data/icd10cm.tsv.gz`, made by `scripts/icd10cm_data.py`
from the CDC's release; its first line names the release). A diagnosis takes its code from here:
a code that is not in the list, or a category that needs more characters, is refused.

The list is constant data of the package, read once on first use (about a second) and searched in
memory: by code prefix ("F41", "f411", "Z63.") and by the beginnings of words of the description
("gen anx"), every word having to match."""

from __future__ import annotations

import gzip
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from core.domain.shared.errors import InvalidInput

_WORD = re.compile(r"[a-z0-9]+")
_CODE_LIKE = re.compile(r"[A-Z][0-9][0-9A-Z]?\.?[0-9A-Z]{0,4}")
# A psychotherapy practice codes from these chapters: mental and behavioural disorders (F) and
# factors influencing health status (Z: relational problems, abuse, life circumstances). Search
# lists them before the rest of the classification.
_PRACTICE_CHAPTERS = ("F", "Z")
MIN_WORD = 2  # a one-letter word beginning matches too much of the list to be a search


@dataclass(frozen=True, slots=True)
class Icd10Code:
    code: str  # with its dot, as printed: F41.1
    description: str
    billable: bool  # a complete code; a category (F41) needs more characters


def code_key(code: str) -> str:
    """The code as the list sorts it: upper case without the dot (F41.1 → F411)."""
    return code.strip().upper().replace(".", "")


class Icd10Catalog:
    def __init__(self, release: str, codes: list[Icd10Code]) -> None:
        self.release = release
        self._codes = sorted(codes, key=lambda c: code_key(c.code))
        self._keys = [code_key(c.code) for c in self._codes]
        self._by_key = dict(zip(self._keys, self._codes, strict=True))
        postings: dict[str, list[int]] = {}
        for index, entry in enumerate(self._codes):
            for word in set(_WORD.findall(entry.description.lower())):
                postings.setdefault(word, []).append(index)
        self._words = sorted(postings)
        self._postings = postings
        rank = {letter: n for n, letter in enumerate(_PRACTICE_CHAPTERS)}
        self._rank = [
            (rank.get(c.code[0], len(rank)), not c.billable, i) for i, c in enumerate(self._codes)
        ]

    def __len__(self) -> int:
        return len(self._codes)

    def get(self, code: str) -> Icd10Code | None:
        return self._by_key.get(code_key(code))

    def require_billable(self, code: str, field: str = "code") -> Icd10Code:
        """The entry of a code a diagnosis may carry, or a message saying what is wrong."""
        typed = code.strip()
        if not typed:
            raise InvalidInput("Choose an ICD-10-CM code.", field=field)
        entry = self.get(typed)
        if entry is None:
            raise InvalidInput(
                f"'{typed[:20]}' is not a code of {self.release}. Search by code or by words "
                "of the description.",
                field=field,
            )
        if not entry.billable:
            more = [c.code for c in self._prefixed(code_key(entry.code)) if c.billable][:4]
            raise InvalidInput(
                f"{entry.code} ({entry.description}) is a category: choose a complete code"
                + (f", such as {', '.join(more)}." if more else "."),
                field=field,
            )
        return entry

    def _prefixed(self, key: str) -> list[Icd10Code]:
        start = bisect_left(self._keys, key)
        end = bisect_left(self._keys, key + "\uffff")
        return self._codes[start:end]

    def _word_matches(self, beginning: str) -> set[int]:
        start = bisect_left(self._words, beginning)
        found: set[int] = set()
        for word in self._words[start:]:
            if not word.startswith(beginning):
                break
            found.update(self._postings[word])
        return found

    def search(self, query: str, limit: int = 20) -> list[Icd10Code]:
        """Codes beginning with what was typed, else codes whose description has a word
        beginning with each typed word; F and Z chapters first, complete codes before
        categories, then in code order."""
        typed = query.strip()
        if not typed:
            return []
        if _CODE_LIKE.fullmatch(typed.upper()):
            by_code = self._prefixed(code_key(typed))
            if by_code:
                return by_code[:limit]
        words = [w for w in _WORD.findall(typed.lower()) if len(w) >= MIN_WORD]
        if not words:
            return []
        # The rarest word first keeps the intersection small.
        sets = sorted((self._word_matches(w) for w in words), key=len)
        matched = sets[0].intersection(*sets[1:])
        best = sorted(matched, key=self._rank.__getitem__)[:limit]
        return [self._codes[i] for i in best]


def parse(lines: list[str]) -> Icd10Catalog:
    release = lines[0].lstrip("# ").strip() if lines and lines[0].startswith("#") else "ICD-10-CM"
    codes = []
    for line in lines:
        if not line or line.startswith("#"):
            continue
        code, billable, description = line.split("\t", 2)
        codes.append(Icd10Code(code, description, billable == "1"))
    return Icd10Catalog(release, codes)


@cache
def catalog() -> Icd10Catalog:
    """The shipped list, read once (constant data of the package, like a table in the code)."""
    data = files("core.domain.documentation").joinpath("data/icd10cm.tsv.gz").read_bytes()
    return parse(gzip.decompress(data).decode().splitlines())
