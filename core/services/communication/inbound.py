"""Texts people send back. STOP and the other opt-out words end SMS for that number at once —
consent is withdrawn on every person with the number, their pending texts are dropped — and are
confirmed once; START gives consent back (DOMAIN.md: SMS only with consent). Anything else is
ignored here (secure messages live in the portal, not in SMS)."""

from __future__ import annotations

import re

from core.domain.communication.messages import OutboundMessage
from core.domain.directory.parties import Channel
from core.domain.shared.audit import AuditAction, AuditRecord, Origin
from core.services.communication import accounts
from core.services.shared.bus import commit
from core.services.shared.use_case import Deps

# The opt-out and opt-in words carriers and Twilio honour (CTIA), in any case.
OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
OPT_IN = frozenset({"START", "UNSTOP", "YES"})


def keyword(body: str) -> str:
    """ "Stop." / " opt out " → "STOP" / "OPTOUT": the first word, letters only, upper case."""
    words = re.findall(r"[A-Za-z]+", body.upper())
    if words[:2] == ["OPT", "OUT"]:
        return "OPTOUT"
    return words[0] if words else ""


async def text_received(
    deps: Deps, sender: str, body: str, practice_name: str, origin: Origin | None = None
) -> str:
    # `practice_name`: what the confirmation is signed with until the practice saves its own.
    """Act on an inbound text from `sender` (E.164). Returns what it was: "opt_out", "opt_in"
    or "ignored"."""
    word = keyword(body)
    if word not in OPT_OUT | OPT_IN:
        return "ignored"
    opting_out = word in OPT_OUT
    now = deps.clock.now()
    async with deps.uow() as uow:
        people = await uow.people.with_mobile(sender)
        changed = [p for p in people if p.sms_consent == opting_out]
        for person in changed:
            person.sms_consent = not opting_out
            person.sms_consent_at = now
            person.sms_consent_source = f"SMS {word.upper()}"[:100]
            await uow.people.update(person)
        if changed and opting_out:
            await uow.outbox.drop_to(Channel.SMS, sender)
        if changed:
            # One confirmation per change of mind: a second STOP changes nothing and says nothing.
            name = (await accounts.practice_name(uow, practice_name))[:60]
            text = (
                f"{name}: you will get no more texts from us. Reply START to get them again."
                if opting_out
                else f"{name}: texts are back on. Reply STOP to end them."
            )
            purpose = "sms_opt_out" if opting_out else "sms_opt_in"
            await uow.outbox.queue(
                OutboundMessage(
                    id=deps.ids.new(),
                    delivery_key=f"{purpose}:{sender}:{int(now.timestamp())}",
                    channel=Channel.SMS,
                    to=sender,
                    subject="",
                    body=text,
                    due_at=now,
                    created_at=now,
                    person_id=changed[0].id,
                )
            )
        await commit(deps, uow, None)
    where = origin or Origin()
    await deps.audit.record_many(
        [
            AuditRecord(
                at=now,
                actor_id=None,
                action=AuditAction.CHANGE,
                object_type="sms_consent",
                object_id=person.id,
                route=where.route,
                client_address=where.client_address,
            )
            for person in changed
        ]
    )
    return "opt_out" if opting_out else "opt_in"
