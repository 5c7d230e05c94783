"""The documentation context: diagnoses (notes and plans come with their issue)."""
