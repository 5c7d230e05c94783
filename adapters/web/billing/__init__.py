"""Billing screens: payments (payer accounts, saved cards, the processor's webhook)."""
