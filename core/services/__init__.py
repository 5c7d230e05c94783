"""Use cases (one function per user intent, taking an actor and a command) and read models."""
