"""Settings · Messages: only the owner edits the texts; the preview fills them in as typed and
says what is wrong next to the text (an unknown name, a broken tag, an SMS over 160, the case's
name without the practice's opt-in); a saved text is what the next reminder says."""

from __future__ import annotations

import asyncio

from core.domain.communication.messages import DeliveryState
from core.domain.communication.templates import DEFAULTS, TemplateKind
from tests.web.communication.test_session_links import _prepare
from tests.web.scheduling.test_schedule import book_couple, services  # noqa: F401


def _form(**changed: str) -> dict[str, str]:
    return {"version": "0", **{k.value: DEFAULTS[k] for k in TemplateKind}, **changed}


def test_only_the_owner_edits_and_the_preview_says_what_is_wrong(signed_in) -> None:
    assert signed_in("lee").get("/settings/messages/").status_code == 403
    owner = signed_in("owner")
    page = owner.get("/settings/messages/")
    assert page.status_code == 200 and "Wednesday 30 September" in page.text
    assert 'hx-post="/settings/messages/preview"' in page.text
    shown = owner.post(
        "/settings/messages/preview", _form(reminder_email="See you {{ date }} {{ diagnosis }}")
    )
    assert "Unknown name {{ diagnosis }}" in shown.text
    shown = owner.post("/settings/messages/preview", _form(reminder_sms="x" * 170))
    assert "This SMS is 170 characters" in shown.text
    shown = owner.post("/settings/messages/preview", _form(reminder_subject="{% if %}"))
    assert "mistake" in shown.text
    shown = owner.post("/settings/messages/preview", _form(reminder_sms="Hi {{ case_name }}"))
    assert "not shown in messages" in shown.text
    hostile = owner.post(
        "/settings/messages/preview", _form(reminder_email="{{ date.__class__.__mro__ }}")
    )
    assert hostile.status_code == 200 and "unsafe" in hostile.text


def test_a_bad_text_is_refused_at_its_field_and_a_good_one_is_used(
    container,
    world,
    signed_in,
    services,  # noqa: F811
) -> None:
    owner = signed_in("owner")
    refused = owner.post("/settings/messages/", _form(reminder_sms="y" * 200))
    assert refused.status_code == 422
    assert 'id="reminder_sms-error"' in refused.text and "y" * 200 in refused.text
    saved = owner.post(
        "/settings/messages/",
        _form(reminder_email="Dear client, {{ practice_name }} expects you on {{ date }}."),
    )
    assert saved.status_code == 303
    _prepare(container, world)
    assert (
        book_couple(signed_in("lee"), world, services, start="2026-01-09T10:00").status_code == 303
    )

    async def pending() -> list:
        async with container.uow_factory()() as uow:
            return await uow.outbox.listing([DeliveryState.PENDING])

    (reminder,) = [m for m in asyncio.run(pending()) if m.delivery_key.startswith("reminder:")]
    assert reminder.body.startswith("Dear client, ") and "Friday 9 January" in reminder.body
