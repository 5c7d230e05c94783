"""Read models of documentation."""
