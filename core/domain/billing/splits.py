"""Splitting one charge between payers, to the cent.

A share is a fixed amount, a percent, or "the remainder". The rule, applied in this order:

1. fixed amounts first, each capped at what is still left (a 50.00 share of a 30.00 late-cancel
   fee is 30.00), in the order given;
2. percents of what is left after the fixed amounts, each rounded down to the cent;
3. the remainder share(s) take everything still left, the odd cents included (several remainder
   shares divide it equally, the odd cents to the first ones);
4. without a remainder share the percents must add up to 100, and the cents that rounding down
   left over go to the largest percent share (the first of equals).

So the parts always add up to the charge exactly and none is negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import Money

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Share(Generic[P]):
    """One payer's share: `percent`, `fixed` (minor units) or neither (the remainder)."""

    payer: P
    percent: int | None = None
    fixed: int | None = None

    def __post_init__(self) -> None:
        if self.percent is not None and self.fixed is not None:
            raise InvalidInput("A share is a percent or an amount, not both.")
        if self.percent is not None and not 0 < self.percent <= 100:
            raise InvalidInput("A share is a percentage from 1 to 100.", field="share_percent")
        if self.fixed is not None and self.fixed <= 0:
            raise InvalidInput("A fixed share is more than zero.", field="share_amount")

    @property
    def is_remainder(self) -> bool:
        return self.percent is None and self.fixed is None


def check_split(shares: Sequence[Share[P]]) -> None:
    if not shares:
        raise InvalidInput("Nobody pays this charge.")
    percents = sum(s.percent or 0 for s in shares)
    if percents > 100:
        raise InvalidInput(f"The shares add up to {percents}%.", field="share_percent")
    if not any(s.is_remainder for s in shares) and percents != 100:
        raise InvalidInput(
            "Without a payer of the remainder the percent shares must add up to 100%.",
            field="share_percent",
        )


def split(amount: Money, shares: Sequence[Share[P]]) -> list[tuple[P, Money]]:
    """Each share's part of `amount` (not negative), in the order of `shares`; the parts add
    up to `amount`. Shares whose part is zero are listed with zero."""
    if amount.amount_minor < 0:
        raise InvalidInput("Only a charge of zero or more is split.")
    check_split(shares)
    parts = [0] * len(shares)
    left = amount.amount_minor
    for i, s in enumerate(shares):
        if s.fixed is not None:
            parts[i] = min(s.fixed, left)
            left -= parts[i]
    base = left
    for i, s in enumerate(shares):
        if s.percent is not None:
            parts[i] = base * s.percent // 100
            left -= parts[i]
    rest = [i for i, s in enumerate(shares) if s.is_remainder]
    if rest:
        each, odd = divmod(left, len(rest))
        for n, i in enumerate(rest):
            parts[i] = each + (1 if n < odd else 0)
    elif left:
        largest = max(
            (i for i, s in enumerate(shares) if s.percent is not None),
            key=lambda i: (shares[i].percent or 0, -i),
        )
        parts[largest] += left
    return [(s.payer, Money(p, amount.currency)) for s, p in zip(shares, parts, strict=True)]
