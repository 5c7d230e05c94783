"""Money's currency code is checked on every amount made, remembered valid codes or not."""

from __future__ import annotations

import pytest

from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import Money


@pytest.mark.parametrize("code", ["usd", "US", "USDX", "", "U5D", "€"])
def test_a_code_that_is_not_three_capitals_is_refused_after_good_ones(code):
    assert Money(100, "USD") + Money(5, "USD") == Money(105, "USD")
    with pytest.raises(InvalidInput) as refused:
        Money(100, code)
    assert refused.value.field == "currency"
    with pytest.raises(InvalidInput):
        Money(100, code)  # a refused code is not remembered either
