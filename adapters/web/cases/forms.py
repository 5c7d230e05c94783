"""The forms of the case page whose inputs are not the core command's fields one for one, and
the "pick a person from the directory or enter a new one" inputs several of them share."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import msgspec

from adapters.web.kit import forms
from adapters.web.kit.form_action import Kept
from adapters.web.kit.forms import what
from core.domain.cases.access import StaffActor
from core.domain.cases.kinds import MemberRole
from core.domain.cases.responsibilities import HelperKind, StaffDuty
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import PersonId, StaffId
from core.services import directory
from core.services.shared.use_case import Deps


class ReopenForm(msgspec.Struct, kw_only=True):
    reopened_on: date | None = None
    provider: Annotated[StaffId | None, what("the responsible provider")] = None


class MemberForm(msgspec.Struct, kw_only=True):
    """With the person picked or entered as `person_id` (see `person_or_new`)."""

    role: Annotated[MemberRole | None, what("a role")] = None
    joined_on: date | None = None


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


async def person_or_new(
    deps: Deps, actor: StaffActor, form: forms.Fields, kept: Kept, field: str, words: str
) -> PersonId:
    """A person picked from the search results (`field`), or registered from the "new person"
    inputs (`<field>_new_name`, `<field>_new_email`); once registered they stay picked if the
    change is then refused."""
    picked = forms.text(form, field).strip()
    if picked:
        try:
            return PersonId(UUID(picked))
        except ValueError:
            raise InvalidInput(f"Choose {words} from the list.", field=field) from None
    name = forms.text(form, f"{field}_new_name")
    if not name.strip():
        raise InvalidInput(f"Find {words} in the directory or enter a new name.", field=field)
    try:
        person_id = await directory.register_person(
            deps,
            actor,
            directory.RegisterPerson(
                legal_name=name, email=forms.text(form, f"{field}_new_email").strip() or None
            ),
        )
    except InvalidInput as exc:
        suffix = "_new_email" if exc.field == "email" else "_new_name"
        raise InvalidInput(exc.message, field=f"{field}{suffix}") from None
    kept.values |= {field: str(person_id), f"{field}_picked_name": " ".join(name.split())}
    kept.values |= {f"{field}_new_name": "", f"{field}_new_email": ""}
    return person_id
