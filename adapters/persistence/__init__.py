"""Persistence adapters: the in-memory unit of work, and SQL (SQLite, PostgreSQL)."""
