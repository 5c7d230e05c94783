"""Clock, identifiers and password hashing: small adapters every configuration uses."""
