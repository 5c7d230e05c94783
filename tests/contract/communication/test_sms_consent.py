"""SMS consent is recorded with its date and source on the person, on every store: ticked on
a staff member's form ("staff: <name>"), withdrawn by an SMS STOP ("SMS STOP") and given again
by START; an edit that leaves the consent alone keeps its record; without consent no SMS is
queued for the person."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

from core.domain.communication.messages import DeliveryState
from core.domain.directory.parties import Channel
from core.domain.shared.secrets import hash_secret
from core.services import directory
from core.services.communication.inbound import text_received
from tests.contract.communication.test_reminders import clinic_with_couple, pending
from tests.support.scheduling_practice import at


async def _person(clinic, person_id):
    async with clinic.deps.uow() as u:
        return await u.people.get(person_id)


async def test_consent_is_recorded_with_its_date_and_source(uow) -> None:
    clinic, lee, case_id, sam, _ = await clinic_with_couple(uow)
    registered = await _person(clinic, sam)
    assert registered.sms_consent and registered.sms_consent_source.startswith("staff: ")
    assert registered.sms_consent_at is not None
    clinic.now(at(1, 5, 9))
    await text_received(clinic.deps, "+15555550100", "stop", "Riverside")
    stopped = await _person(clinic, sam)
    assert not stopped.sms_consent and stopped.sms_consent_source == "SMS STOP"
    assert stopped.sms_consent_at == clinic.clock.now()
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    assert not [m for m in await pending(clinic) if m.channel is Channel.SMS]
    clinic.clock.advance(timedelta(hours=1))
    await text_received(clinic.deps, "+15555550100", "START", "Riverside")
    again = await _person(clinic, sam)
    assert again.sms_consent and again.sms_consent_source == "SMS START"
    # A staff edit of something else keeps the record of the consent as it was.
    await directory.update_person(
        clinic.deps,
        clinic.practice.owner,
        directory.UpdatePerson(
            person_id=sam,
            version=again.version,
            legal_name="Sam Chen",
            pronouns="he/him",
            email=again.email,
            mobile=again.mobile,
            sms_consent=True,
        ),
    )
    edited = await _person(clinic, sam)
    assert (edited.sms_consent_at, edited.sms_consent_source) == (
        again.sms_consent_at,
        "SMS START",
    )


async def test_the_sweep_drops_links_never_used_once_their_session_began(uow) -> None:
    from bootstrap import Settings, message_bus, practice_policy
    from core.services.communication.reminders import queue_coming
    from tests.support.scheduling_practice import TZ

    clinic, lee, case_id, *_ = await clinic_with_couple(uow)
    policy_of = practice_policy(Settings(timezone=TZ, public_url="https://h.test"))
    clinic.deps = dataclasses.replace(clinic.deps, bus=message_bus(policy_of, TZ))
    clinic.now(at(1, 5, 9))
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    (body, *_) = [m.body for m in await pending(clinic) if "https://h.test/s/" in m.body]
    token_hash = hash_secret(re.search(r"/s/([A-Za-z0-9_-]+)", body).group(1))
    async with clinic.deps.uow() as u:
        assert await u.session_links.by_hash(token_hash) is not None
    clinic.now(at(1, 8, 19))  # the session has begun
    await queue_coming(clinic.deps.uow, policy_of, clinic.clock, clinic.deps.ids)
    async with clinic.deps.uow() as u:
        assert await u.session_links.by_hash(token_hash) is None
        assert await u.outbox.listing([DeliveryState.PENDING]) == []


async def test_a_link_used_in_a_change_rolled_back_can_be_used_again(uow) -> None:
    """`use` claims a link at once (two clicks cannot both win), but a rollback gives it back,
    on every store: a cancel that failed later in its transaction leaves the link working."""
    from bootstrap import Settings, message_bus, practice_policy
    from core.domain.communication.links import LinkUse
    from tests.support.scheduling_practice import TZ

    clinic, lee, case_id, *_ = await clinic_with_couple(uow)
    policy_of = practice_policy(Settings(timezone=TZ, public_url="https://h.test"))
    clinic.deps = dataclasses.replace(clinic.deps, bus=message_bus(policy_of, TZ))
    clinic.now(at(1, 5, 9))
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    (body, *_) = [m.body for m in await pending(clinic) if "https://h.test/s/" in m.body]
    token_hash = hash_secret(re.search(r"/s/([A-Za-z0-9_-]+)", body).group(1))
    async with clinic.deps.uow() as u:
        link = await u.session_links.by_hash(token_hash)
        assert await u.session_links.use(link.id, clinic.clock.now(), LinkUse.CANCEL)
        await u.rollback()
    async with clinic.deps.uow() as u:
        assert (await u.session_links.by_hash(token_hash)).used_at is None
        assert await u.session_links.use(link.id, clinic.clock.now(), LinkUse.CONFIRM)
        await u.commit()
    async with clinic.deps.uow() as u:
        assert (await u.session_links.by_hash(token_hash)).used_for is LinkUse.CONFIRM
        assert not await u.session_links.use(link.id, clinic.clock.now(), LinkUse.CANCEL)


async def _edit_sam(clinic, sam, **changes) -> None:
    person = await _person(clinic, sam)
    fields = {
        "legal_name": person.legal_name,
        "email": person.email,
        "mobile": person.mobile,
        "sms_consent": person.sms_consent,
    }
    await directory.update_person(
        clinic.deps,
        clinic.practice.owner,
        directory.UpdatePerson(person_id=sam, version=person.version, **{**fields, **changes}),
    )


async def test_consent_withdrawn_on_the_form_drops_the_texts_already_queued(uow) -> None:
    clinic, lee, case_id, sam, _ = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 9))
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    sms = [m for m in await pending(clinic) if m.channel is Channel.SMS]
    assert sms and all(m.to == "+15555550100" for m in sms)
    await _edit_sam(clinic, sam, sms_consent=False)
    assert not [m for m in await pending(clinic) if m.channel is Channel.SMS]


async def test_a_new_mobile_or_email_drops_what_was_queued_for_the_old_one(uow) -> None:
    clinic, lee, case_id, sam, _ = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 9))
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    before = await _person(clinic, sam)
    await _edit_sam(clinic, sam, mobile="+15555550177", email="sam.new@example.org")
    left = await pending(clinic)
    assert not [m for m in left if m.to in (before.mobile, before.email)]
