"""The audit log: append-only, hash-chained entries, and who may read them."""
