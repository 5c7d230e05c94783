"""Clinical documentation: diagnoses (notes and plans come with their issue)."""
