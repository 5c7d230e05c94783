"""Notes' lines in the case history: that a note was signed, co-signed, returned, amended or
entered in error — clinical lines (hidden from non-clinical readers), and never the text.
Draft saves are audited but not narrated: autosave would bury the history."""

from __future__ import annotations

from core.domain.documentation.note_events import (
    NoteAddendumAdded,
    NoteCosigned,
    NoteEnteredInError,
    NoteEvent,
    NoteResubmitted,
    NoteReturned,
    NoteSigned,
)
from core.services.shared.bus import HandlerContext

_SUMMARIES: dict[type[NoteEvent], tuple[str, str]] = {
    NoteSigned: ("note_signed", "Session note signed."),
    NoteResubmitted: ("note_signed", "Session note signed again for co-signature."),
    NoteCosigned: ("note_cosigned", "Session note co-signed."),
    NoteReturned: ("note_returned", "Session note returned to its author."),
    NoteAddendumAdded: ("note_addendum", "Addendum added to a session note."),
    NoteEnteredInError: ("note_entered_in_error", "Session note marked as entered in error."),
}


async def narrate(event: NoteEvent, ctx: HandlerContext) -> None:
    told = _SUMMARIES.get(type(event))
    if told is not None:
        ctx.narrate(event, event.case_id, told[0], told[1], clinical=True)
