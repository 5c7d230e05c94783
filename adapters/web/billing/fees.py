"""A case's own fee (a sliding scale) from a date, for the whole case or one participant: the
form in the money box of the case page's head."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Response, post
from litestar.response import Redirect

from adapters.web.auth import StaffController
from adapters.web.cases.pages import case_panels
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId
from core.domain.scheduling.fees import parse_amount
from core.domain.shared.values import CaseId, PersonId
from core.services.billing import fees


class FeeForm(msgspec.Struct, kw_only=True):
    fee_from: date
    fee_amount: str
    fee_person: PersonId | None = None


class CaseFees(StaffController):
    path = "/billing/cases"

    @post("/{case_id:uuid}/fees")
    async def set_fee(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, case_id: PathId
    ) -> Response[Any]:
        form = await request.form()

        async def run() -> object:
            typed = forms.read(form, FeeForm)
            return await fees.set_fee(
                deps,
                actor,
                fees.SetFee(
                    case_id=CaseId(case_id),
                    starts_on=typed.fee_from,
                    fee_minor=parse_amount(typed.fee_amount, field="fee_amount"),
                    person_id=typed.fee_person,
                ),
            )

        async def again(refusal: Refusal) -> Response[Any]:
            return await case_panels(request, deps, actor, CaseId(case_id), "fee", refusal)

        return await form_action(
            form,
            run,
            done=lambda _: Redirect(path=f"/cases/{case_id}", status_code=303),
            again=again,
            sent=form,
            fields={"person_id": "fee_person", "starts_on": "fee_from", "fee": "fee_amount"},
        )
