"""A month as typed ("2026-11") for the monthly run and the unbilled list: ASCII digits, a year
and a month; anything else (the last month of the calendar, other digits) is a clear refusal."""

from __future__ import annotations

from datetime import date

import pytest

from core.domain.shared.errors import InvalidInput
from core.services.billing.invoicing import month_of


def test_a_month_is_its_first_and_last_day() -> None:
    assert month_of("2026-11") == (date(2026, 11, 1), date(2026, 11, 30))
    assert month_of(" 2028-02 ") == (date(2028, 2, 1), date(2028, 2, 29))


@pytest.mark.parametrize(
    "typed",
    [
        "9999-12",
        "\u0662\u0660\u0662\u0666-\u0661\u0661",
        "2026 - 11",
        "2026-+1",
        "2026-1_1",
        "0-1",
        "2026-13",
        "",
    ],
)
def test_anything_else_is_refused_at_the_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        month_of(typed)
    assert refused.value.field == "month"
