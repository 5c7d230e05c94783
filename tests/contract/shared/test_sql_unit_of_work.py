"""The SQL unit of work makes a repository when it is first used, on its own connection."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.persistence.sql.unit_of_work import SqlUnitOfWork
from core.domain.directory.events import PersonRegistered
from core.domain.directory.parties import Person
from core.domain.shared.values import PersonId


async def test_only_the_repositories_used_are_made_and_each_once(engine: AsyncEngine | None):
    if engine is None:
        pytest.skip("the SQL unit of work")
    uow = SqlUnitOfWork(engine)
    async with uow:
        assert await uow.people.get_many([]) == {}
        assert uow.people is uow.people
        assert uow._made("people") and not uow._made("notes") and not uow._made("cases")
        ann = Person(id=PersonId(uuid.uuid4()), legal_name="Ann One")
        ann.events.record(PersonRegistered(person_id=ann.id))
        await uow.people.add(ann)
        with pytest.raises(RuntimeError, match="message bus"):
            await uow.commit()  # the events of a repository made on the way are seen
        assert uow.collect_events() == [PersonRegistered(person_id=ann.id)]
    async with uow:  # entered again: new repositories, on the new connection
        assert not uow._made("people")
        assert await uow.people.get_many([]) == {}
    with pytest.raises(RuntimeError, match="not open"):
        uow.cases  # noqa: B018 - a repository needs an open unit of work
