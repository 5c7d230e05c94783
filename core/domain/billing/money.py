"""Money for billing: the shared `Money` value (integer minor units + ISO currency) and the few
operations the ledger needs, each refusing to mix currencies.

A practice bills in one currency; a `Money` of another currency reaching the ledger is a
mistake somewhere upstream, so it is refused loudly instead of converted.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import Money

__all__ = [
    "CurrencyMismatch",
    "Money",
    "negate",
    "require_currency",
    "show",
    "subtract",
    "total",
    "zero",
]


class CurrencyMismatch(InvalidInput):
    code = "currency_mismatch"

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"Amounts in {got} cannot be mixed with amounts in {expected}.")


def zero(currency: str) -> Money:
    return Money(0, currency)


def require_currency(amount: Money, currency: str) -> Money:
    if amount.currency != currency:
        raise CurrencyMismatch(currency, amount.currency)
    return amount


def negate(amount: Money) -> Money:
    return Money(-amount.amount_minor, amount.currency)


def subtract(a: Money, b: Money) -> Money:
    require_currency(b, a.currency)
    return Money(a.amount_minor - b.amount_minor, a.currency)


def total(amounts: Iterable[Money], currency: str) -> Money:
    """The sum, in `currency` (the sum of nothing is zero of it)."""
    minor = 0
    for amount in amounts:
        minor += require_currency(amount, currency).amount_minor
    return Money(minor, currency)


def show(amount: Money) -> str:
    """ "1234.50", "-12.05": two decimals, as invoices print it (the currency beside it)."""
    return show_minor(amount.amount_minor)


def show_minor(minor: int) -> str:
    """`show` of an amount in minor units whose currency is printed elsewhere."""
    whole, cents = divmod(abs(minor), 100)
    return f"{'-' if minor < 0 else ''}{whole}.{cents:02d}"
