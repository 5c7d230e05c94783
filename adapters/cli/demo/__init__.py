"""The demo practice: the scenarios of DOMAIN.md as a practice a visitor can sign in to.

Everything is made through the core's use cases, by the staff member who would really do it, so
the demo obeys every rule the product does and its case history reads naturally. Dates are
relative to the practice's "today": the clock is wound back to the day each step happened, so
the demo always looks current (the group began about five months ago, the couple ten weeks ago).

One module per thing it builds: `staff`, `groups` (DBT group, consultation group, workshop),
`families` (the Okafor family, the couple, the Haddad family), `individuals` (the teen, Sam's own
case, a closed case), `schedule` (a month of sessions and attendance); `load` tells the story in
order. `loader` holds the replay clock and the small steps every scenario is written in.

The demo password is for the demo only: every demo staff member shares it, and it is printed on
the console. Never load the demo into a practice that holds real people.
"""

from __future__ import annotations

from adapters.cli.demo.load import load_demo, print_sign_ins
from adapters.cli.demo.loader import DEMO_DOMAIN, DEMO_PASSWORD, DemoPractice, DemoSignIn

__all__ = [
    "DEMO_DOMAIN",
    "DEMO_PASSWORD",
    "DemoPractice",
    "DemoSignIn",
    "load_demo",
    "print_sign_ins",
]
