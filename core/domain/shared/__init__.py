"""Values, errors and ids every context shares."""
