"""Staff sign-in beyond the password: second factors, recovery codes, the practice's choice to
require them, and the per-address request counters every worker shares."""

import sqlalchemy as sa

from adapters.persistence.sql.tables.columns import UtcDateTime, metadata

second_factors = sa.Table(
    "second_factors",
    metadata,
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("secret", sa.String(64), nullable=False),
    sa.Column("enrolled_at", UtcDateTime, nullable=False),
    sa.Column("last_step", sa.BigInteger, nullable=False),
)

# Only the SHA-256 of each code; the primary key finds one in a single lookup.
recovery_codes = sa.Table(
    "recovery_codes",
    metadata,
    sa.Column("staff_id", sa.Uuid, sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("used_at", UtcDateTime),
)

# One row (id: core.domain.directory.practice.PRACTICE_ID); no row: not chosen yet.
account_policy = sa.Table(
    "account_policy",
    metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("require_second_factor", sa.Boolean, nullable=False),
)

# Fixed-window counters: one row per key (scope and client address) per window.
rate_limits = sa.Table(
    "rate_limits",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("window_start", UtcDateTime, primary_key=True),
    sa.Column("hits", sa.Integer, nullable=False),
    sa.Index(None, "window_start"),
)
