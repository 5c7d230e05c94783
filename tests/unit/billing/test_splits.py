"""Splitting one charge between payers: the parts add up to the charge to the cent, none is
negative, and the remainder payer gets the odd cent (DOMAIN.md "Who pays")."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.billing.money import CurrencyMismatch, Money, total
from core.domain.billing.splits import Share, split
from core.domain.shared.errors import InvalidInput


def test_sixty_percent_and_the_remainder_of_180() -> None:
    parts = split(Money(18000, "USD"), [Share("father", percent=60), Share("mother")])
    assert parts == [("father", Money(10800, "USD")), ("mother", Money(7200, "USD"))]


def test_the_remainder_payer_gets_the_odd_cent() -> None:
    parts = split(Money(10001, "USD"), [Share("a", percent=50), Share("b")])
    assert parts == [("a", Money(5000, "USD")), ("b", Money(5001, "USD"))]


def test_without_a_remainder_the_largest_share_takes_the_rounding() -> None:
    parts = split(Money(100, "USD"), [Share("a", percent=33), Share("b", percent=67)])
    assert [p for _, p in parts] == [Money(33, "USD"), Money(67, "USD")]
    parts = split(Money(101, "USD"), [Share("a", percent=50), Share("b", percent=50)])
    assert [p for _, p in parts] == [Money(51, "USD"), Money(50, "USD")]


def test_a_fixed_share_is_capped_at_the_charge() -> None:
    parts = split(Money(3000, "USD"), [Share("employer", fixed=5000), Share("member")])
    assert [p for _, p in parts] == [Money(3000, "USD"), Money(0, "USD")]


def test_invalid_splits_are_refused() -> None:
    with pytest.raises(InvalidInput):
        split(Money(100, "USD"), [Share("a", percent=60)])  # 40 % paid by nobody
    with pytest.raises(InvalidInput):
        split(Money(100, "USD"), [Share("a", percent=60), Share("b", percent=50), Share("c")])
    with pytest.raises(InvalidInput):
        split(Money(100, "USD"), [])


def test_currencies_are_never_mixed() -> None:
    with pytest.raises(CurrencyMismatch):
        total([Money(1, "USD"), Money(1, "EUR")], "USD")
    with pytest.raises(InvalidInput):
        Money(1, "USD") + Money(1, "EUR")


@st.composite
def valid_splits(draw: st.DrawFn) -> list[Share[int]]:
    count = draw(st.integers(1, 6))
    shares: list[Share[int]] = []
    budget = 100
    for i in range(count):
        kind = draw(st.sampled_from(["percent", "fixed", "remainder"]))
        if kind == "percent" and budget > 0:
            p = draw(st.integers(1, budget))
            budget -= p
            shares.append(Share(i, percent=p))
        elif kind == "fixed":
            shares.append(Share(i, fixed=draw(st.integers(1, 10_000_00))))
        else:
            shares.append(Share(i))
    if not any(s.is_remainder for s in shares) and budget:
        if draw(st.booleans()):
            shares.append(Share(len(shares)))
        else:
            shares.append(Share(len(shares), percent=budget))
    return shares


@given(amount=st.integers(0, 100_000_00), shares=valid_splits())
def test_any_valid_split_sums_exactly_and_no_part_is_negative(
    amount: int, shares: list[Share[int]]
) -> None:
    parts = split(Money(amount, "USD"), shares)
    assert [payer for payer, _ in parts] == [s.payer for s in shares]
    assert sum(p.amount_minor for _, p in parts) == amount
    assert all(p.amount_minor >= 0 for _, p in parts)
    for s, (_, p) in zip(shares, parts, strict=True):
        if s.fixed is not None:
            assert p.amount_minor <= s.fixed
