"""The owner's message templates and the confirm / cancel links of messages, on SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.persistence.sql import tables as t
from adapters.persistence.sql.practice import SingleRow
from core.domain.communication.links import LinkUse, SessionLink
from core.domain.communication.templates import MessageTemplates, TemplateKind
from core.domain.shared.values import PersonId

_l = t.session_links
KINDS = {k.value for k in TemplateKind}  # a text of a kind no longer known is left out


class SqlMessageTemplateRepository(SingleRow):
    table = t.message_templates
    what = "set of message texts"

    async def get(self) -> MessageTemplates | None:
        row = await self._one()
        if row is None:
            return None
        texts = {TemplateKind(k): v for k, v in row.texts.items() if k in KINDS}
        return MessageTemplates(texts, row.show_case_name, version=row.version)

    async def save(self, templates: MessageTemplates) -> None:
        values = {
            "id": templates.id,
            "texts": {k.value: v for k, v in templates.texts.items()},
            "show_case_name": templates.show_case_name,
        }
        await self._save(templates, values)


def _link(row: Any) -> SessionLink:
    return SessionLink(
        id=row.id,
        appointment_id=row.appointment_id,
        person_id=PersonId(row.person_id),
        start=row.start,
        token_hash=row.token_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
        used_for=LinkUse(row.used_for) if row.used_for else None,
    )


class SqlSessionLinkRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add_many(self, links: Iterable[SessionLink]) -> None:
        rows = [
            {
                "id": link.id,
                "appointment_id": link.appointment_id,
                "person_id": link.person_id,
                "start": link.start,
                "token_hash": link.token_hash,
                "created_at": link.created_at,
                "expires_at": link.expires_at,
                "used_at": None,
                "used_for": None,
            }
            for link in links
        ]
        if rows:
            await self._conn.execute(sa.insert(_l), rows)

    async def by_hash(self, token_hash: str) -> SessionLink | None:
        row = (await self._conn.execute(sa.select(_l).where(_l.c.token_hash == token_hash))).first()
        return None if row is None else _link(row)

    async def drop_expired(self, now: datetime) -> int:
        statement = sa.delete(_l).where(_l.c.used_at.is_(None), _l.c.expires_at <= now)
        return (await self._conn.execute(statement)).rowcount

    async def use(self, link_id: UUID, at: datetime, use: LinkUse) -> bool:
        statement = (
            sa.update(_l)
            .where(_l.c.id == link_id, _l.c.used_at.is_(None))
            .values(used_at=at, used_for=use.value)
        )
        return (await self._conn.execute(statement)).rowcount == 1

    async def confirmed(self, appointment_ids: Collection[UUID]) -> dict[UUID, list[SessionLink]]:
        found: dict[UUID, list[SessionLink]] = defaultdict(list)
        if not appointment_ids:
            return found
        query = (
            sa.select(_l)
            .where(
                _l.c.appointment_id.in_(list(appointment_ids)),
                _l.c.used_for == LinkUse.CONFIRM.value,
            )
            .order_by(_l.c.used_at)
        )
        for row in await self._conn.execute(query):
            found[row.appointment_id].append(_link(row))
        return dict(found)
