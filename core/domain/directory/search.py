"""What a directory search matches. Names by any part of them (folded); an email address only
whole: a part of an address finds nobody, so that a search cannot be used to rebuild someone's
address a character at a time, nor to learn who uses an address of a given domain."""

from __future__ import annotations

from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import clean_email


def whole_email(text: str) -> str | None:
    """`text` as stored emails are kept (trimmed, lower case) when it is a whole address, to be
    compared for equality; None when it is not an address (then no email is searched)."""
    try:
        return clean_email(text)
    except InvalidInput:
        return None
