"""Notices follow the schedule on every store: a booking, a move and a cancellation each queue
one notice per recipient at once, by their channel; the email carries an .ics whose UID stays
the session's and whose SEQUENCE rises with each change (METHOD:REQUEST, then CANCEL); a handler
that runs again queues nothing more; a rolled-back booking queues nothing."""

from __future__ import annotations

from icalendar import Calendar

from core.domain.communication.messages import DeliveryState
from core.domain.communication.notices import session_uid
from core.domain.directory.parties import Channel
from core.services import scheduling as s
from tests.contract.communication.test_reminders import POLICY, clinic_with_couple
from tests.support.scheduling_practice import at


async def notices(clinic) -> list:
    async with clinic.deps.uow() as u:
        queued = await u.outbox.listing([DeliveryState.PENDING])
    return sorted(
        (m for m in queued if m.delivery_key.startswith("notice:")),
        key=lambda m: (m.created_at, m.delivery_key),
    )


def event_of(ics: str):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return str(calendar["method"]), event


async def test_booked_moved_cancelled_each_notify_with_a_calendar_that_updates(uow) -> None:
    clinic, lee, case_id, sam, maya = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 9))
    booked = await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    appointment_id = booked.appointment_ids[0]
    first = await notices(clinic)
    assert {(m.person_id, m.channel) for m in first} == {(sam, Channel.SMS), (maya, Channel.EMAIL)}
    assert all(m.due_at == clinic.clock.now() for m in first)  # 09:00: not the quiet hours
    (email,) = [m for m in first if m.channel is Channel.EMAIL]
    assert not next(m.calendar for m in first if m.channel is Channel.SMS)
    method, event = event_of(email.calendar)
    assert method == "REQUEST" and str(event["uid"]) == session_uid(appointment_id)
    assert str(event["attendee"]) == f"mailto:{email.to}"  # the recipient, and only them
    booked_sequence = int(event["sequence"])
    assert "Riverside Practice" in email.body and "18:00" in email.body

    a = await clinic.appointment(appointment_id)
    await s.change_appointment(
        clinic.deps,
        lee,
        s.ChangeAppointment(
            appointment_id=appointment_id,
            version=a.version,
            start=at(1, 9, 17),
            minutes=50,
            service_id=a.service_id,
            provider_ids=a.providers,
        ),
    )
    moved = [m for m in await notices(clinic) if m not in first]
    assert len(moved) == 2
    (email,) = [m for m in moved if m.channel is Channel.EMAIL]
    method, event = event_of(email.calendar)
    assert method == "REQUEST" and str(event["uid"]) == session_uid(appointment_id)
    assert int(event["sequence"]) > booked_sequence
    assert "moved" in email.subject.lower() and "17:00" in email.body
    moved_sequence = int(event["sequence"])

    a = await clinic.appointment(appointment_id)
    await s.cancel_appointment(
        clinic.deps, lee, s.CancelAppointment(appointment_id=appointment_id, version=a.version)
    )
    cancelled = [m for m in await notices(clinic) if m not in first and m not in moved]
    assert len(cancelled) == 2
    (email,) = [m for m in cancelled if m.channel is Channel.EMAIL]
    method, event = event_of(email.calendar)
    assert method == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == session_uid(appointment_id)
    assert int(event["sequence"]) > moved_sequence
    for m in (*first, *moved, *cancelled):  # nothing of the case, the service, the others
        text = f"{m.subject} {m.body} {m.calendar}".replace(f"mailto:{m.to}", "")
        for secret in ("couple", "Family 50", "90847", "Sam", "Maya", "Chen", "Rivera", "Lee"):
            assert secret.lower() not in text.lower(), (secret, text)


async def test_a_booking_rolled_back_sends_no_notice_and_a_night_sms_waits(uow) -> None:
    clinic, lee, case_id, *_ = await clinic_with_couple(uow)
    clinic.now(at(1, 5, 23))  # 23:00 in the practice's timezone
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    before = await notices(clinic)
    (sms,) = [m for m in before if m.channel is Channel.SMS]
    local = sms.due_at.astimezone(POLICY.tz)
    assert (local.day, local.hour) == (6, 8)  # held until the morning
    try:  # the same slot: refused at commit, after the handlers queued its notices
        await clinic.book(lee, case_id, at(1, 8, 18, 10), service="Family 50")
    except Exception as exc:
        assert type(exc).__name__ == "DoubleBooking"
    else:
        raise AssertionError("a double booking was accepted")
    assert await notices(clinic) == before
