"""A database error names the statement, never its parameters (client names, password hashes):
such errors end up in logs with their message."""

from __future__ import annotations

import traceback
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql import tables as t


@pytest.mark.parametrize("broken", ["duplicate key", "missing value"])
async def test_a_failed_statement_does_not_show_its_values(engine: AsyncEngine, broken: str):
    row = {
        "id": uuid.uuid4(),
        "legal_name": "Maya Rivera",
        "preferred_name": "",
        "legal_folded": "maya rivera",
        "preferred_folded": "",
        "pronouns": "",
        "address": "",
        "preferred_channel": "none",
        "sms_consent": False,
        "version": 0,
    }
    if broken == "missing value":  # PostgreSQL's DETAIL would show the whole failing row
        del row["pronouns"]
    with pytest.raises(IntegrityError) as caught:
        async with engine.begin() as conn:
            await conn.execute(sa.insert(t.people).values(row))
            await conn.execute(sa.insert(t.people).values(row))
    logged = "".join(traceback.format_exception(caught.value))  # as a log with exc_info
    assert "INSERT INTO people" in logged
    assert "rivera" not in logged.lower() and str(row["id"]) not in logged
