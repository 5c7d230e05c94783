"""No message says what it must not: every reminder and notice the practice sends — booked,
moved, cancelled, a series, by email (with its .ics) and SMS, with the real renderer and links
— is scanned for the case's name, the diagnosis codes and descriptions, the service's name
and code, the clinician and the other participants' names: none is found. With the practice's
opt-in (and a template that asks for it) the case's name appears, and only then."""

from __future__ import annotations

import dataclasses
import re

import pytest

from adapters.notify.templates import SandboxRenderer
from bootstrap import Settings, message_bus, practice_policy
from core.domain.communication.messages import DeliveryState
from core.domain.communication.templates import DEFAULTS, TemplateKind
from core.domain.shared.errors import InvalidInput
from core.services import scheduling as s
from core.services.communication.templates import ChangeTemplates, change_templates
from core.services.documentation import diagnoses as documentation
from tests.contract.communication.test_reminders import clinic_with_couple
from tests.support.scheduling_practice import TZ, at

DIAGNOSES = (("F41.1", "Generalized anxiety disorder"), ("F43.23", "Adjustment disorder"))


async def _all_messages(clinic) -> list:
    async with clinic.deps.uow() as u:
        return await u.outbox.listing([DeliveryState.PENDING, DeliveryState.SENT], limit=1000)


async def _exercise(clinic, lee, case_id) -> None:
    clinic.now(at(1, 5, 9))
    one = await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    await clinic.book(
        lee, case_id, at(1, 6, 12), service="Family 50", repeat=s.Repeat(every_weeks=1, count=4)
    )
    a = await clinic.appointment(one.appointment_ids[0])
    await s.change_appointment(
        clinic.deps,
        lee,
        s.ChangeAppointment(
            appointment_id=a.id,
            version=a.version,
            start=at(1, 9, 17),
            minutes=50,
            service_id=a.service_id,
            provider_ids=a.providers,
        ),
    )
    a = await clinic.appointment(a.id)
    await s.cancel_appointment(
        clinic.deps, lee, s.CancelAppointment(appointment_id=a.id, version=a.version)
    )


async def _setup(uow):
    clinic, lee, case_id, sam, _maya = await clinic_with_couple(uow)
    settings = Settings(
        timezone=TZ, practice_name="Riverside Practice", public_url="https://h.test"
    )
    clinic.deps = dataclasses.replace(clinic.deps, bus=message_bus(practice_policy(settings), TZ))
    clinic.practice.deps = dataclasses.replace(clinic.practice.deps, bus=clinic.deps.bus)
    for code, description in DIAGNOSES:
        await documentation.add_diagnosis(
            clinic.deps,
            lee,
            documentation.AddDiagnosis(
                case_id=case_id, person_id=sam, code=code, description=description
            ),
        )
    return clinic, lee, case_id


async def test_no_reminder_or_notice_names_the_case_the_diagnosis_the_service_or_others(
    uow,
) -> None:
    clinic, lee, case_id = await _setup(uow)
    await _exercise(clinic, lee, case_id)
    messages = await _all_messages(clinic)
    kinds = {m.delivery_key.split(":")[0] for m in messages}
    assert kinds == {"reminder", "notice"} and len(messages) >= 8
    assert any(m.calendar for m in messages) and any(not m.subject for m in messages)  # SMS
    async with clinic.deps.uow() as u:
        case = await u.cases.get(case_id)
        people = await u.people.get_many({m.person_id for m in messages})
    forbidden = [
        case.name,
        "Family 50",
        "90847",
        "Grace Lee",
        *[c for c, _ in DIAGNOSES],
        *[d for _, d in DIAGNOSES],
    ]
    found = []
    for m in messages:
        person = people[m.person_id]
        others = {"Sam", "Chen", "Maya", "Rivera"} - set(person.legal_name.split())
        # The links' random secrets are left out: "sam" may be a part of one by chance.
        text = re.sub(r"https?://\S+", "<link>", f"{m.subject}\n{m.body}\n{m.calendar}").lower()
        found += [
            (m.delivery_key, w)
            for w in (*forbidden, *others)
            if re.search(rf"\b{re.escape(w.lower())}\b", text)  # "Sam", not "same"
        ]
    assert found == []


async def test_the_case_name_appears_only_with_the_practices_opt_in(uow) -> None:
    clinic, lee, case_id = await _setup(uow)
    asks = DEFAULTS[TemplateKind.NOTICE_EMAIL] + " About: {{ case_name }}."
    owner, renderer = clinic.practice.owner, SandboxRenderer()
    texts = {TemplateKind.NOTICE_EMAIL.value: asks}
    refused = ChangeTemplates(version=0, texts=texts)
    with pytest.raises(InvalidInput):  # the case's name asked for without the opt-in
        await change_templates(clinic.deps, owner, renderer, refused)
    clinic.now(at(1, 5, 9))
    await clinic.book(lee, case_id, at(1, 8, 18), service="Family 50")
    async with clinic.deps.uow() as u:
        case = await u.cases.get(case_id)
    assert not any(case.name in m.body for m in await _all_messages(clinic))
    opted_in = ChangeTemplates(version=0, texts=texts, show_case_name=True)
    await change_templates(clinic.deps, owner, renderer, opted_in)
    await clinic.book(lee, case_id, at(1, 9, 18), service="Family 50")
    assert any(case.name in m.body for m in await _all_messages(clinic))
