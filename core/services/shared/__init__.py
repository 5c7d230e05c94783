"""What every context's use cases share."""
