"""A person's age, and whether they are a minor: staff need to know at a glance that a client is
15 before they book, write to or bill anyone (a representative signs, a parent often pays)."""

from __future__ import annotations

from datetime import date

AGE_OF_MAJORITY = 18  # the common US rule; a practice-wide setting when a state differs


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years on `day` (someone born on 29 February has their birthday on 1 March)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def minor_age(date_of_birth: date | None, day: date) -> int | None:
    """The age of someone who is a minor on `day`; None for an adult or an unknown birth date."""
    if date_of_birth is None or date_of_birth > day:
        return None
    age = age_on(date_of_birth, day)
    return age if age < AGE_OF_MAJORITY else None
