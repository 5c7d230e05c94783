"""The web screens of clinical documentation: notes, psychotherapy notes, needs attention; the
clinical record: diagnoses with the ICD-10-CM picker, treatment plans."""
