"""A database error names the statement, never its parameters (client names, password hashes):
such errors end up in logs with their message."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql import tables as t


async def test_a_failed_statement_does_not_show_its_parameters(engine: AsyncEngine):
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
    with pytest.raises(IntegrityError) as caught:
        async with engine.begin() as conn:
            await conn.execute(sa.insert(t.people).values(row))
            await conn.execute(sa.insert(t.people).values(row))
    assert "INSERT INTO people" in str(caught.value)
    assert "Rivera" not in str(caught.value) and "rivera" not in str(caught.value)
