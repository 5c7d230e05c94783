"""Hearth's pure core: the domain model, the ports it needs, and the use cases."""
