"""Delivery adapters of communication's ports: memory (records), console (a line without
content), SMTP (aiosmtplib) and SMS (Twilio's SDK). `bootstrap.py` picks them from
`HEARTH_EMAIL` / `HEARTH_SMS`."""
