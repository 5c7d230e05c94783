"""Settings: the practice's details (the owner's). The scheduling settings (services, locations,
hours, reminders) are scheduling's screens, under the same /settings address."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, redirect_to
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, QueryStr
from core.domain.cases.access import StaffActor
from core.domain.directory.practice import DETAILS, Practice, timezone_names
from core.services.directory.practice_settings import (
    ChangePractice,
    PracticeCache,
    change_practice,
    practice_settings,
)
from core.services.shared.use_case import Deps

CacheParam = NamedDependency[SkipValidation[PracticeCache]]
LABELS = {
    "name": "Name",
    "address": "Address",
    "phone": "Phone",
    "timezone": "Timezone",
    "currency": "Currency",
    "tax_id": "Tax id",
}


class PracticeForm(msgspec.Struct, kw_only=True):
    version: Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)] = 0
    name: str = ""
    address: str = ""
    phone: str | None = None
    timezone: str = ""
    currency: str = "USD"
    tax_id: str = ""


def values_of(practice: Practice) -> dict[str, Any]:
    return {f: str(getattr(practice, f) or "") for f in DETAILS} | {
        "version": str(practice.version)
    }


def conflict_rows(
    stored: dict[str, Any], typed: dict[str, Any], labels: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(label, saved by someone else, what you typed) for each field where they differ: what a
    stale form shows, so that nothing typed is lost and nothing saved is overwritten blindly."""
    rows = []
    for name, label in labels.items():
        theirs, yours = str(stored.get(name) or ""), typed.get(name) or ""
        if isinstance(yours, list):
            yours = ", ".join(yours)
        if theirs.strip() != str(yours).strip():
            rows.append((label, theirs or "—", str(yours) or "—"))
    return rows


def _page(
    actor: StaffActor,
    practice: Practice,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status: int = 200,
    conflict: list[tuple[str, str, str]] | None = None,
    saved: bool = False,
) -> Template:
    context = {
        "actor": actor,
        "practice": practice,
        "values": values,
        "errors": errors,
        "zones": timezone_names(),
        "conflict": conflict,
        "saved": saved,
        "section": "practice",
    }
    return Template("directory/settings/practice.html", context=context, status_code=status)


class PracticeSettings(StaffController):
    path = "/settings"

    @get("")
    async def settings_home(self, actor: ActorParam) -> Redirect:
        # The owner starts with the practice; administrators keep the scheduling settings only.
        where = "/settings/practice" if actor.is_owner else "/settings/services"
        return Redirect(path=where, status_code=303)

    @get("/practice")
    async def practice_page(
        self, deps: DepsParam, actor: ActorParam, practice_cache: CacheParam, saved: QueryStr = ""
    ) -> Template:
        practice = await practice_settings(deps, actor, practice_cache)
        return _page(actor, practice, values_of(practice), {}, saved=saved == "1")

    @post("/practice")
    async def change_practice(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, practice_cache: CacheParam
    ) -> Response[Any]:
        form = await request.form()

        async def run() -> Practice:
            typed = forms.read(form, PracticeForm)
            command = ChangePractice(**msgspec.structs.asdict(typed))
            return await change_practice(deps, actor, practice_cache, command)

        async def again(refusal: Refusal) -> Response[Any]:
            return await _again(deps, actor, practice_cache, refusal)

        done = redirect_to("/settings/practice?saved=1")
        return await form_action(form, run, done=done, again=again, conflict_status=422)


async def _again(deps: Deps, actor: StaffActor, cache: PracticeCache, refusal: Refusal) -> Template:
    practice = await practice_settings(deps, actor, cache)
    if not refusal.conflict:
        return _page(actor, practice, refusal.values, refusal.errors, status=422)
    # Stale: the form now carries the stored version, and still what this person typed.
    rows = conflict_rows(values_of(practice), refusal.values, LABELS)
    values = {**refusal.values, "version": str(practice.version)}
    return _page(actor, practice, values, refusal.errors, status=422, conflict=rows)
