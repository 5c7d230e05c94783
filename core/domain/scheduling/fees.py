"""Amounts as people type them ("120", "120.50") and the late-cancellation and no-show fees of a
service: an amount, or a percent of the service's fee."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import Money

MAX_AMOUNT_MINOR = 100_000_00  # 100,000.00: more for one session is a typing mistake
_AMOUNT = re.compile(r"([0-9]{1,6})(?:[.,]([0-9]{1,2}))?")
_PERCENT = re.compile(r"([0-9]{1,3})\s*%")


def parse_amount(text: str, *, field: str) -> int:
    """ "120" or "120.50" as minor units (cents). Two decimals: the currencies a practice bills
    in here (USD, EUR, GBP, CAD...) have them."""
    found = _AMOUNT.fullmatch(text.strip().replace(" ", ""))
    if found is None:
        raise InvalidInput("Enter an amount such as 150 or 150.00.", field=field)
    whole, cents = found.group(1), (found.group(2) or "0").ljust(2, "0")
    amount = int(whole) * 100 + int(cents)
    if amount > MAX_AMOUNT_MINOR:
        raise InvalidInput("An amount is at most 100000.00.", field=field)
    return amount


def show_amount(amount_minor: int) -> str:
    return f"{amount_minor // 100}.{amount_minor % 100:02d}"


@dataclass(frozen=True, slots=True)
class FeeRule:
    """What a late cancellation or a no-show costs: a fixed amount, or a percent of the
    session's fee (exactly one of them)."""

    amount: Money | None = None
    percent: int | None = None

    def __post_init__(self) -> None:
        if (self.amount is None) == (self.percent is None):
            raise InvalidInput("A fee is an amount or a percent.")
        if self.percent is not None and not 1 <= self.percent <= 100:
            raise InvalidInput("A percent is from 1 to 100.")
        if self.amount is not None and not 0 < self.amount.amount_minor <= MAX_AMOUNT_MINOR:
            raise InvalidInput("An amount is more than 0 and at most 100000.00.")

    @classmethod
    def parse(cls, text: str | None, currency: str, *, field: str) -> FeeRule | None:
        """ "" (none), "50%" or "75.00" as typed in a form."""
        raw = (text or "").strip()
        if not raw:
            return None
        percent = _PERCENT.fullmatch(raw)
        try:
            if percent is not None:
                return cls(percent=int(percent.group(1)))
            return cls(amount=Money(parse_amount(raw, field=field), currency))
        except InvalidInput as exc:
            raise InvalidInput(
                f"{exc.message} Enter an amount (75.00) or a percent (50%), or leave it empty.",
                field=field,
            ) from None

    def of(self, fee: Money) -> Money:
        """The amount this rule charges for a session whose fee is `fee` (a percent rounds
        half up to the cent)."""
        if self.amount is not None:
            return self.amount
        assert self.percent is not None
        return Money((fee.amount_minor * self.percent + 50) // 100, fee.currency)

    def __str__(self) -> str:
        if self.amount is not None:
            return show_amount(self.amount.amount_minor)
        return f"{self.percent}%"
