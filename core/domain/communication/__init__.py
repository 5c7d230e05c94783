"""Communication: reminders, notices and their delivery (an outbox). Declared here; built by its
own issue.
"""
