"""The web screens of clinical documentation: notes, psychotherapy notes, needs attention."""
