"""The Litestar + HTMX web UI."""
