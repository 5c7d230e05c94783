"""Entities, value objects, invariants and domain errors. No I/O, no framework."""
