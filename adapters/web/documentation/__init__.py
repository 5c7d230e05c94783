"""The clinical record's screens: diagnoses with the ICD-10-CM picker, treatment plans."""
