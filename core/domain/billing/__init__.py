"""Billing: codes (fees, charges and invoices come with their issue)."""
