"""Benchmarks run by hand against a real database (see each module's docstring)."""
