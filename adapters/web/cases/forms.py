"""The forms of the case page whose inputs are not the core command's fields one for one, and
the "pick a person from the directory or enter a new one" inputs several of them share."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import msgspec

from adapters.web.kit import forms
from adapters.web.kit.forms import what
from core.domain.cases.kinds import MemberRole
from core.domain.cases.responsibilities import HelperKind, StaffDuty
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import PersonId, StaffId
from core.services import directory


class ReopenForm(msgspec.Struct, kw_only=True):
    reopened_on: date | None = None
    provider: Annotated[StaffId | None, what("the responsible provider")] = None


class MemberForm(msgspec.Struct, kw_only=True):
    """With the person picked or entered as `person_id` (see `person_or_new`). `pays`: ""
    nobody yet, "self", "new" (entered as `paid_by`), or an existing payer "person:<id>" /
    "organization:<id>"."""

    role: Annotated[MemberRole | None, what("a role")] = None
    joined_on: date | None = None
    pays: str = ""
    reminders: bool = False


class AssignForm(msgspec.Struct, kw_only=True):
    duty: Annotated[StaffDuty, what("a responsibility")]
    staff_id: Annotated[StaffId, what("a staff member")]
    from_day: date | None = None


class PayerForm(msgspec.Struct, kw_only=True):
    """`payer` is "person:<id>" or "organization:<id>" picked from the directory; empty, the
    payer is picked or entered as a person (see `person_or_new`)."""

    covers: Annotated[PersonId | None, what("whom the payer covers")] = None
    share_percent: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None
    from_day: date | None = None
    payer: str = ""


class HelperForm(msgspec.Struct, kw_only=True):
    """With the helper picked or entered as `helper_id` (see `person_or_new`)."""

    kind: Annotated[HelperKind, what("a kind of help")]
    for_person_id: Annotated[PersonId, what("the participant")]
    from_day: date | None = None


class PersonChoice(msgspec.Struct, frozen=True, kw_only=True):
    """A person picked from the directory, or a new one the change registers (in its own unit
    of work: a refused change leaves nobody new)."""

    picked: PersonId | None = None
    new: directory.RegisterPerson | None = None


def person_or_new(form: forms.Fields, field: str, words: str) -> PersonChoice:
    """A person picked from the search results (`field`), or entered in the "new person"
    inputs (`<field>_new_name`, `<field>_new_email`)."""
    picked = forms.text(form, field).strip()
    if picked:
        try:
            return PersonChoice(picked=PersonId(UUID(picked)))
        except ValueError:
            raise InvalidInput(f"Choose {words} from the list.", field=field) from None
    name = forms.text(form, f"{field}_new_name")
    if not name.strip():
        raise InvalidInput(f"Find {words} in the directory or enter a new name.", field=field)
    email = forms.text(form, f"{field}_new_email").strip() or None
    return PersonChoice(new=directory.RegisterPerson(legal_name=name, email=email))


def new_person_fields(field: str) -> dict[str, str]:
    """Where the core's refusal of a new person's details goes on the form."""
    return {"email": f"{field}_new_email", "legal_name": f"{field}_new_name"}
