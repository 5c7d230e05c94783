"""Migration 0014 keeps the diagnoses recorded before it: their code and wording as they were,
their version as the repository counted it (an end, an "entered in error"), and each
participant's earliest running diagnosis in a case made primary."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from adapters.persistence.sql.migrate import alembic_config


def test_diagnoses_before_the_code_list_keep_their_text_and_get_a_rank(tmp_path: Path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    case, ada, ben = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rows = [  # (position, person, code, wording, ended, entered in error)
        (0, ada, "F43.2", "adjustment, free text", True, False),
        (1, ada, "F41.1", "anxious", False, False),
        (2, ada, "Z63.0", "couple problems", False, False),
        (3, ben, "F32.1", "low mood", False, True),
        (4, ben, "F33.1", "recurrent", False, False),
    ]
    with engine.begin() as conn:  # SQLite checks no foreign key here: the rows alone
        command.upgrade(alembic_config(connection=conn), "0012")
        for position, person, code, text, ended, error in rows:
            conn.execute(
                sa.text(
                    "INSERT INTO case_diagnoses (id, case_id, position, person_id, code,"
                    " description, start_on, end_on, error_reason, error_at)"
                    " VALUES (:id, :case, :pos, :person, :code, :text, :start, :end, :why, :at)"
                ),
                {
                    "id": uuid.uuid4().hex,
                    "case": case.hex,
                    "pos": position,
                    "person": person.hex,
                    "code": code,
                    "text": text,
                    "start": date(2025, 1, 1),
                    "end": date(2025, 6, 1) if ended else None,
                    "why": "wrong person" if error else None,
                    "at": datetime(2025, 2, 1, tzinfo=UTC).replace(tzinfo=None) if error else None,
                },
            )
    with engine.begin() as conn:
        command.upgrade(alembic_config(connection=conn), "0014")
        found = conn.execute(
            sa.text(
                "SELECT position, code, description, is_primary, version FROM case_diagnoses"
                " ORDER BY position"
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in found] == [
        (0, "F43.2", "adjustment, free text", 0, 1),
        (1, "F41.1", "anxious", 1, 0),
        (2, "Z63.0", "couple problems", 0, 0),
        (3, "F32.1", "low mood", 0, 1),
        (4, "F33.1", "recurrent", 1, 0),
    ]
