"""Notification adapters (memory, SMTP, SMS, console): they arrive with the communication issue."""
