"""What one audit entry per read costs: appends of one entry, one after another, on the SQLite
audit file and on PostgreSQL. `python -m bench.audit_insert [postgresql+asyncpg://...]`."""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from uuid import uuid4

from adapters.persistence.sql.audit import (
    SqlAuditLog,
    audit_database_url,
    create_audit_engine,
)
from adapters.persistence.sql.migrate import migrate_url
from core.domain.shared.audit import AuditAction, AuditObject, AuditRecord

N = 2000


def _record() -> AuditRecord:
    case = uuid4()
    return AuditRecord(
        at=datetime.now(UTC),
        actor_id=uuid4(),
        action=AuditAction.READ,
        object_type=AuditObject.CASE,
        object_id=case,
        case_id=case,
        route="/cases/{case_id:str}",
        client_address="127.0.0.1",
    )


async def per_insert_ms(audit_url: str, n: int = N) -> float:
    engine = create_audit_engine(audit_url)
    log = SqlAuditLog(engine)
    try:
        for _ in range(50):  # warm the pool and the caches
            await log.record(_record())
        records = [_record() for _ in range(n)]
        started = time.perf_counter()
        for record in records:
            await log.record(record)
        return (time.perf_counter() - started) * 1000 / n
    finally:
        await engine.dispose()


async def main(postgres_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{directory}/bench.db"
        await migrate_url(url)
        ms = await per_insert_ms(audit_database_url(url))
        print(f"SQLite audit file (WAL, synchronous=NORMAL): {ms:.3f} ms per entry")
    if postgres_url:
        await migrate_url(postgres_url)
        ms = await per_insert_ms(postgres_url)
        print(
            f"PostgreSQL (one statement in autocommit, asynchronous commit): {ms:.3f} ms per entry"
        )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None))
