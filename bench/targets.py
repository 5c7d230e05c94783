"""What the load runner signs in as and looks at, found in the generated database by role (so
a database kept from an earlier run needs nothing else): the screens and their addresses."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from bench.generate import PASSWORD


@dataclass(frozen=True)
class Screen:
    name: str
    role: str  # whose sign-in: owner, clinician, supervisor, administrator, associate
    path: str
    # Counted against a per-account limit kept in the database (rate_limits): the runner
    # clears the count while it loads the screen, or it would measure the refusal page.
    limited: bool = False


# One staff member per role: the first by email of those who have it (and, for a supervisor
# or an administrator, someone to supervise or support).
_ROLES = {
    "owner": "EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id AND r.role = 'owner')",
    "clinician": """EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id
                            AND r.role = 'clinician') AND s.licensure = 'licensed'
                    AND NOT EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id
                                    AND r.role = 'supervisor')""",
    "associate": "s.licensure = 'associate'",
    "supervisor": """EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id
                             AND r.role = 'supervisor')
                     AND EXISTS (SELECT 1 FROM staff x WHERE x.supervisor_id = s.id)""",
    "administrator": "EXISTS (SELECT 1 FROM staff_supports x WHERE x.staff_id = s.id)",
}


async def signins(conn: asyncpg.Connection) -> dict[str, tuple[str, str]]:
    """role -> (email, staff id) for the roles this practice has; a solo practice's owner is
    also its clinician."""
    found: dict[str, tuple[str, str]] = {}
    for role, where in _ROLES.items():
        row = await conn.fetchrow(
            f"SELECT s.email, s.id::text FROM staff s WHERE s.active AND {where} "
            "ORDER BY s.email LIMIT 1"
        )
        if row:
            found[role] = (row[0], row[1])
    if "clinician" not in found:
        row = await conn.fetchrow(
            """SELECT s.email, s.id::text FROM staff s JOIN staff_roles r ON r.staff_id = s.id
               WHERE r.role = 'clinician' ORDER BY s.email LIMIT 1"""
        )
        found["clinician"] = (row[0], row[1])
    return found


async def screens(conn: asyncpg.Connection) -> tuple[list[Screen], dict[str, str]]:
    """The screens, and role -> email of the sign-ins they use."""
    who = await signins(conn)
    clinician = who["clinician"][1]
    case_id = await conn.fetchval(
        """SELECT c.id::text FROM cases c
           JOIN case_staff s ON s.case_id = c.id AND s.duty = 'responsible_provider'
                AND s.end_on IS NULL AND s.staff_id = $1::uuid
           WHERE c.status <> 'closed' AND c.kind IN ('couple', 'family')
           -- A case at work now (a session within a fortnight either way), booked as a
           -- series if one is, then the one with the longest history: an open case's last
           -- session may be a year ago.
           ORDER BY NOT EXISTS (SELECT 1 FROM appointments a WHERE a.case_id = c.id
                                AND a.start_at BETWEEN now() - interval '14 days'
                                                   AND now() + interval '14 days'),
                    NOT EXISTS (SELECT 1 FROM series x WHERE x.case_id = c.id),
                    (SELECT count(*) FROM appointments a WHERE a.case_id = c.id) DESC, c.id
           LIMIT 1""",
        clinician,
    ) or await conn.fetchval(
        """SELECT c.id::text FROM cases c JOIN case_staff s ON s.case_id = c.id
           WHERE s.staff_id = $1::uuid AND c.status <> 'closed' ORDER BY c.id LIMIT 1""",
        clinician,
    )
    person_id = await conn.fetchval(
        "SELECT person_id::text FROM case_memberships WHERE case_id = $1::uuid "
        "ORDER BY position LIMIT 1",
        case_id,
    )
    # The session nearest now, of the case's series when it has one: the page then lists the
    # series' sessions too (`series_slots`), as it does for most running weekly cases.
    appointment_id = await conn.fetchval(
        "SELECT id::text FROM appointments WHERE case_id = $1::uuid "
        "ORDER BY series_id IS NULL, abs(extract(epoch FROM start_at - now())) LIMIT 1",
        case_id,
    )
    word = await conn.fetchval(
        "SELECT split_part(legal_name, ' ', 2) FROM people ORDER BY legal_folded LIMIT 1"
    )
    found = [
        Screen("case list (clinician)", "clinician", "/cases"),
        Screen("case list (supervisor)", "supervisor", "/cases"),
        Screen("case list (administrator)", "administrator", "/cases"),
        Screen("case list (text search)", "owner", f"/cases?q={word.lower()}"),
        Screen("case page", "clinician", f"/cases/{case_id}"),
        Screen("person page", "clinician", f"/people/{person_id}"),
        Screen("appointment page", "clinician", f"/appointments/{appointment_id}"),
        Screen("attendance grid", "clinician", f"/cases/{case_id}/schedule"),
        Screen("own week", "clinician", "/schedule?view=week"),
        Screen("practice day", "owner", "/schedule?view=day&who=all"),
        Screen("practice week", "owner", "/schedule?view=week&who=all"),
        Screen("people search", "owner", f"/people?q={word[:4].lower()}", limited=True),
        # Documentation's "needs attention" (issue 11): each list one query; the header's
        # count runs after every page.
        Screen("needs attention (clinician)", "clinician", "/attention"),
        Screen("needs attention (supervisor)", "supervisor", "/attention"),
        Screen("needs attention (owner)", "owner", "/attention"),
        Screen("attention count (clinician)", "clinician", "/attention/count"),
    ]
    found += await billing_screens(conn)
    roles = {role: email for role, (email, _) in who.items()}
    return [s for s in found if s.role in roles], roles


async def billing_screens(conn: asyncpg.Connection) -> list[Screen]:
    """Billing's screens (the owner's and the administrators'): the invoice list, aging, the
    unbilled charges of the month with the latest charges (this month, or last month before
    the 1st's run), the busiest payer's account and their latest invoice (a health plan's
    monthly invoice, a few hundred lines at the large tier)."""
    latest = await conn.fetchval(
        "SELECT max(occurred_on) FROM ledger_entries WHERE kind = 'charge'"
    )
    if latest is None:
        return []
    payer = await conn.fetchrow(
        """SELECT payer_kind, payer_id::text FROM invoices
           GROUP BY payer_kind, payer_id ORDER BY sum(total_minor) DESC, payer_id LIMIT 1"""
    )
    invoice_id = await conn.fetchval(
        """SELECT id::text FROM invoices WHERE payer_kind = $1 AND payer_id = $2::uuid
           AND status <> 'void' ORDER BY number DESC LIMIT 1""",
        payer[0],
        payer[1],
    )
    return [
        Screen("invoice list", "owner", "/billing/invoices"),
        Screen("invoice list (open)", "administrator", "/billing/invoices?status=issued"),
        Screen("invoice page", "owner", f"/billing/invoices/{invoice_id}"),
        Screen("aging", "owner", "/billing/aging"),
        Screen("unbilled", "administrator", f"/billing/unbilled?month={latest:%Y-%m}"),
        Screen("payer account", "administrator", f"/billing/payers/{payer[0]}/{payer[1]}"),
        Screen(
            "payer statement", "administrator", f"/billing/payers/{payer[0]}/{payer[1]}/statement"
        ),
    ]


__all__ = ["PASSWORD", "Screen", "billing_screens", "screens", "signins"]
