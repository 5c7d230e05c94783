"""SQL persistence (SQLAlchemy 2 Core): the same schema on SQLite and PostgreSQL."""
