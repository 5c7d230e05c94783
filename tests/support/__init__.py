"""Builders shared by tests and benchmarks: a practice made through the real use cases, the
scheduling practice, test databases, practices at scale, the scheduling store contract."""
