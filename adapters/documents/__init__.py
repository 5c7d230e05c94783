"""Rendering documents (HTML with print CSS) to PDF."""
