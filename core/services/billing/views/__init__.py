"""Read models of billing."""
