"""People, organizations and staff: clear refusals for bad input, next to the field."""

from __future__ import annotations

import uuid

import pytest

from adapters.system.passwords import Argon2PasswordHasher
from core.domain.cases.kinds import CaseKind
from core.domain.directory.parties import Channel, Licensure, Person, StaffMember, StaffRole
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import PersonId, StaffId
from core.services import cases, directory
from core.services.cases import views as case_views
from tests.support.practice import Practice, day


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"legal_name": "   "}, "legal_name", "Legal name is required"),
        ({"legal_name": "x" * 10_000}, "legal_name", "at most 200 characters"),
        ({"email": "not-an-email"}, "email", "not an email address"),
        ({"mobile": "call me"}, "mobile", "phone number"),
        ({"preferred_channel": Channel.SMS, "mobile": "+15550100"}, "preferred_channel", "consent"),
    ],
)
def test_a_person_refuses_bad_details_with_the_field_named(fields, field, message):
    details = {"legal_name": "Ann One", "email": "ann@example.org"} | fields
    with pytest.raises(InvalidInput, match=message) as refused:
        Person(id=PersonId(uuid.uuid4()), **details)
    assert refused.value.field == field


def test_names_are_trimmed_and_markup_is_kept_as_text():
    person = Person(id=PersonId(uuid.uuid4()), legal_name="  <script>alert(1)</script>  Ann ")
    assert person.legal_name == "<script>alert(1)</script> Ann"  # escaping is the view's job


def test_staff_rules():
    with pytest.raises(InvalidInput, match="at least one role"):
        StaffMember(id=StaffId(uuid.uuid4()), name="X", email="x@h.test", roles=frozenset())
    own = StaffId(uuid.uuid4())
    with pytest.raises(InvalidInput, match="supervises themselves"):
        StaffMember(
            id=own,
            name="X",
            email="x@h.test",
            roles=frozenset({StaffRole.SUPERVISOR}),
            supervisor_id=own,
        )
    with pytest.raises(InvalidInput, match="Only administrators"):
        StaffMember(
            id=own,
            name="X",
            email="x@h.test",
            roles=frozenset({StaffRole.CLINICIAN}),
            supports=frozenset({StaffId(uuid.uuid4())}),
        )


async def test_an_associate_needs_a_supervisor_who_supervises(practice: Practice):
    kim = await practice.staff("Dr. Kim")
    with pytest.raises(InvalidInput, match="needs a default supervisor"):
        await practice.staff("Ari Associate", associate=True)
    with pytest.raises(InvalidInput, match="must be a supervisor"):
        await practice.staff("Ari Associate", associate=True, supervisor=kim)
    lee = await practice.staff("Dr. Lee", StaffRole.CLINICIAN, StaffRole.SUPERVISOR)
    ari = await practice.staff("Ari Associate", associate=True, supervisor=lee)
    assert (await practice.actor(lee.id)).supervisees == {ari.id}
    staff = {s.name: s for s in await directory.list_staff(practice.deps, lee)}
    assert staff["Ari Associate"].licensure is Licensure.ASSOCIATE


async def test_the_first_owner_is_made_once(practice: Practice):
    from core.domain.shared.errors import Forbidden

    with pytest.raises(Forbidden):
        await directory.create_first_owner(
            practice.deps,
            Argon2PasswordHasher.fast(),
            "Intruder",
            "evil@example.org",
            "a long enough password",
        )


async def test_who_was_in_the_case_on_a_date(practice: Practice):
    lee = await practice.staff("Dr. Lee")
    mother, teen, grandma = [
        await practice.person(n) for n in ("Ada Okafor", "Tobi Okafor", "Nne Okafor")
    ]
    case_id = await practice.open(lee, CaseKind.FAMILY, mother, name="Okafor family")
    await cases.add_member(
        practice.deps, lee, cases.AddMember(case_id=case_id, person_id=teen, joined_on=day(1, 12))
    )
    await cases.add_member(
        practice.deps, lee, cases.AddMember(case_id=case_id, person_id=grandma, joined_on=day(3, 2))
    )

    async def names(d):
        return sorted(m.name for m in await case_views.members_on(practice.deps, lee, case_id, d))

    assert await names(day(1, 5)) == ["Ada Okafor"]
    assert await names(day(2, 1)) == ["Ada Okafor", "Tobi Okafor"]
    assert await names(day(3, 2)) == ["Ada Okafor", "Nne Okafor", "Tobi Okafor"]
    assert await names(day(1, 4)) == []


def test_phones_are_kept_in_e164_and_emails_checked_by_email_validator() -> None:
    import pytest

    from core.domain.shared.errors import InvalidInput
    from core.domain.shared.values import clean_email, clean_phone

    assert clean_phone("(202) 555-0100") == "+12025550100"  # no country code: PHONE_REGION's
    assert clean_phone("+44 20 7946 0958") == "+442079460958"
    assert clean_email(" Sam.Chen@Example.ORG ") == "sam.chen@example.org"
    for bad in ("call me", "+1 2", "12"):
        with pytest.raises(InvalidInput) as refused:
            clean_phone(bad)
        assert refused.value.field == "mobile"
    for bad in ("sam@", "a b@c.org", "x@@y.org", "me@localhost"):
        with pytest.raises(InvalidInput) as refused:
            clean_email(bad)
        assert refused.value.field == "email" and "not an email address" in refused.value.message


def test_a_stored_person_is_cleaned_as_new_once_per_value(monkeypatch):
    """`Person.restored` puts a stored email and mobile through their cleaners, as a new
    person's would be (one stored before the cleaner was as strict comes out clean), and
    remembers the result: loading the same person again parses nothing."""
    import core.domain.directory.parties as parties

    def refuse(*_a, **_k):
        raise AssertionError("parsed again")

    stored = {
        "id": PersonId(uuid.uuid4()),
        "legal_name": "Ann One",
        "preferred_name": "",
        "pronouns": "",
        "date_of_birth": None,
        "email": "ann@example.test",
        "mobile": "+12025550100",
        "address": "",
        "preferred_channel": "email",
        "sms_consent": False,
        "sms_consent_at": None,
        "sms_consent_source": "",
        "version": 3,
    }
    first = Person.restored(**stored)
    with monkeypatch.context() as m:
        m.setattr(parties, "clean_email", refuse)
        m.setattr(parties, "clean_phone", refuse)
        again = Person.restored(**stored)
    assert first == again == Person(**stored)  # as the checked constructor gives it
    assert again.preferred_channel is Channel.EMAIL and not again.events.pull()
    older = Person.restored(**(stored | {"email": " Ann@Example.TEST", "mobile": "+4402071234567"}))
    assert (older.email, older.mobile) == ("ann@example.test", "+442071234567")
    assert Person.restored(**(stored | {"email": ""})).email is None
