"""Shared test settings. Tiers that need a database or a browser skip when it is absent, and
fail instead when REQUIRE_DB=1 / REQUIRE_BROWSER=1 (as in CI)."""

from __future__ import annotations

import os

import pytest


def require_or_skip(flag: str, reason: str) -> None:
    """Skip with `reason`, or fail when the environment says this tier is required."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} (and {flag}=1)", pytrace=False)
    pytest.skip(reason)
