"""Communication's "needs attention" section for the owner and administrators: how many
messages the worker gave up on, as one row that opens the Undelivered list (who, channel, when,
why are there). The count is `undelivered_count`: one count for the owner; for an administrator
the undelivered messages of the cases they manage."""

from __future__ import annotations

from core.domain.cases.access import StaffActor
from core.domain.directory.parties import StaffRole
from core.services.communication.undelivered import undelivered_count
from core.services.shared.attention import AttentionRow, AttentionSection
from core.services.shared.use_case import Deps


async def undelivered_sections(
    deps: Deps, actor: StaffActor, *, counting: bool = False
) -> list[AttentionSection]:
    if not (actor.is_owner or actor.has(StaffRole.ADMINISTRATOR)):
        return []
    count = await undelivered_count(deps, actor)
    if not count:
        return []
    what = "1 message" if count == 1 else f"{count} messages"
    return [
        AttentionSection(
            key="communication.undelivered",
            title="Undelivered messages",
            rows=[
                AttentionRow(
                    label=f"{what} could not be delivered",
                    detail="try again or mark handled",
                    target="undelivered",
                )
            ],
            total=count,
        )
    ]
