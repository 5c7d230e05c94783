"""Interoperability: the JSON API, FHIR and exports. Declared here; built by its own issue."""
