"""Documentation's sections of "needs attention": for a clinician, sessions held without a
signed note (oldest first, with their age), drafts left for more than a day, notes returned to
them; for a supervisor, notes awaiting their co-signature; for the owner, the practice's totals
per clinician. One query per list (`NoteAttention`). The rows name the case and the day, never
any clinical text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

from core.domain.cases.access import StaffActor
from core.domain.directory.parties import StaffRole
from core.ports.notes import SessionRow
from core.services.shared.attention import AttentionRow, AttentionSection
from core.services.shared.use_case import Deps

LIMIT = 50
STALE_DRAFT = timedelta(days=1)


def _age(now: datetime, then: datetime, tz: tzinfo) -> str:
    """In calendar days of the practice: a session of Tuesday is "1 day ago" all Wednesday."""
    days = (now.astimezone(tz).date() - then.astimezone(tz).date()).days
    return "today" if days <= 0 else "1 day ago" if days == 1 else f"{days} days ago"


def _section(
    key: str,
    title: str,
    rows: list[SessionRow],
    now: datetime,
    what: str,
    target: str,
    tz: tzinfo = UTC,
) -> AttentionSection:
    return AttentionSection(
        key=key,
        title=title,
        rows=[
            AttentionRow(
                label=r.case_name,
                detail=f"session of {r.start.astimezone(tz):%d %b %Y}, "
                f"{what} {_age(now, r.at or r.start, tz)}",
                target=target if r.note_id or target == "appointment" else "appointment",
                target_id=(r.note_id if target == "note" else r.appointment_id),
                at=r.at or r.start,
            )
            for r in rows
        ],
        total=len(rows),
    )


async def note_sections(
    deps: Deps, actor: StaffActor, *, counting: bool = False
) -> list[AttentionSection]:
    now = deps.clock.now()
    tz: tzinfo = getattr(deps, "tz", UTC)  # the practice's, when the deps know it
    sections: list[AttentionSection] = []
    async with deps.uow() as uow:
        a = uow.note_attention
        if actor.has(StaffRole.CLINICIAN):
            unsigned = await a.without_signed_note(actor.id, now, LIMIT)
            drafts = await a.drafts(actor.id, now - STALE_DRAFT, LIMIT)
            returned = await a.returned(actor.id, LIMIT)
            sections += [
                _section(
                    "notes.unsigned",
                    "Sessions held without a signed note",
                    unsigned,
                    now,
                    "held",
                    "appointment",
                    tz,
                ),
                _section(
                    "notes.drafts", "Drafts older than a day", drafts, now, "last saved", "note"
                ),
                _section(
                    "notes.returned", "Notes returned to you", returned, now, "returned", "note"
                ),
            ]
        if actor.has(StaffRole.SUPERVISOR) or actor.supervisees:
            awaiting = await a.awaiting(actor.id, LIMIT)
            sections.append(
                _section(
                    "notes.awaiting",
                    "Notes awaiting your co-signature",
                    awaiting,
                    now,
                    "signed",
                    "note",
                    tz,
                )
            )
        # The practice-wide totals count nothing the owner must do: for the page, not the
        # header's count after every page (6 ms at the large tier since migration 0021).
        if actor.is_owner and not counting:
            totals = await a.totals(now)
            staff = {s.id: s for s in await uow.staff.list_all()}  # the cached directory
            sections.append(
                AttentionSection(
                    key="notes.totals",
                    title="Notes across the practice",
                    rows=[
                        AttentionRow(
                            label=staff[t.staff_id].name if t.staff_id in staff else "",
                            detail=f"{t.without_signed_note} held without a signed note · "
                            f"{t.awaiting_cosignature} awaiting co-signature · "
                            f"{t.returned} returned",
                            target="staff",
                            target_id=t.staff_id,
                        )
                        for t in totals
                    ],
                    total=len(totals),
                    counts=False,
                )
            )
    return sections
