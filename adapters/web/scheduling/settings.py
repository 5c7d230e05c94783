"""Settings · Locations and telehealth, Calendar hours, Reminders and cancellations: the
practice's scheduling settings (who may change which: core.services.scheduling.settings)."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any

import msgspec
from litestar import Response, get, post
from litestar.response import Template

from adapters.web.auth import StaffController
from adapters.web.directory.settings import conflict_rows
from adapters.web.kit import forms
from adapters.web.kit.form_action import Refusal, form_action, redirect_to
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId
from adapters.web.scheduling.settings_services import _require
from core.domain.cases.access import StaffActor
from core.domain.directory.parties import Channel
from core.domain.scheduling.settings import (
    MAX_REMINDERS,
    WEEKDAYS,
    Location,
    SchedulingPolicy,
)
from core.domain.shared.errors import Forbidden, InvalidInput
from core.services.scheduling import settings as s
from core.services.shared.use_case import Deps

Version = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000)]


class LocationForm(msgspec.Struct, kw_only=True):
    name: str = ""
    address: str = ""


class ChangeLocationForm(LocationForm, kw_only=True):
    version: Version = 0
    active: bool = False


class TelehealthForm(msgspec.Struct, kw_only=True):
    version: Version = 0
    telehealth_link: str | None = None


class VersionForm(msgspec.Struct, kw_only=True):
    version: Version = 0


class LateCancelForm(VersionForm, kw_only=True):
    late_cancel_hours: Annotated[int, msgspec.Meta(ge=0, le=168)] = 24


def _hours_values(policy: SchedulingPolicy) -> dict[str, Any]:
    values: dict[str, Any] = {"version": str(policy.version)}
    for i, day in enumerate(policy.hours):
        values[f"open_{i}"] = "on" if day else ""
        values[f"opens_{i}"] = day.opens.isoformat("minutes") if day else ""
        values[f"closes_{i}"] = day.closes.isoformat("minutes") if day else ""
    return values


def _reminder_values(policy: SchedulingPolicy) -> dict[str, Any]:
    values: dict[str, Any] = {
        "version": str(policy.version),
        "late_cancel_hours": str(policy.late_cancel_hours),
    }
    for i in range(MAX_REMINDERS):
        rule = policy.reminders[i] if i < len(policy.reminders) else None
        values[f"reminder_{i}"] = str(rule.hours_before) if rule else ""
        values[f"channel_{i}"] = rule.channel.value if rule else ""
    return values


def _time(form: forms.Fields, name: str) -> time:
    raw = forms.text(form, name).strip()
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Enter a time as HH:MM.", field=name) from None


def _read_hours(form: forms.Fields) -> s.ChangeHours:
    days: list[s.DayRange | None] = []
    for i in range(len(WEEKDAYS)):
        if not forms.flag(form, f"open_{i}"):
            days.append(None)
            continue
        days.append(s.DayRange(opens=_time(form, f"opens_{i}"), closes=_time(form, f"closes_{i}")))
    version = forms.read(form, VersionForm).version
    return s.ChangeHours(version=version, hours=tuple(days))


def _read_reminders(form: forms.Fields) -> s.ChangeReminders:
    typed = forms.read(form, LateCancelForm)
    reminders = []
    for i in range(MAX_REMINDERS):
        raw, channel = forms.text(form, f"reminder_{i}").strip(), forms.text(form, f"channel_{i}")
        if not raw and not channel:
            continue  # an empty row: no reminder
        hours = forms.digits(raw)
        if hours is None:
            raise InvalidInput(
                "Enter the hours before the session as a number.", field=f"reminder_{i}"
            )
        if channel not in {Channel.EMAIL.value, Channel.SMS.value}:
            raise InvalidInput("Choose email or SMS.", field=f"channel_{i}")
        reminders.append(s.Reminder(hours_before=hours, channel=channel))
    return s.ChangeReminders(
        version=typed.version,
        reminders=tuple(reminders),
        late_cancel_hours=typed.late_cancel_hours,
    )


async def _page(
    deps: Deps,
    actor: StaffActor,
    section: str,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status: int = 200,
    conflict: list[tuple[str, str, str]] | None = None,
    **more: Any,
) -> Template:
    policy = await s.scheduling_policy(deps, actor)
    context = {
        "actor": actor,
        "section": section,
        "policy": policy,
        "values": values,
        "errors": errors,
        "conflict": conflict,
        "weekdays": list(enumerate(WEEKDAYS)),
        "max_reminders": MAX_REMINDERS,
        **more,
    }
    template = f"scheduling/settings/{section}.html"
    return Template(template, context=context, status_code=status)


async def _locations(
    deps: Deps, actor: StaffActor, values: dict[str, Any], errors: dict[str, str], **more: Any
) -> dict[str, Any]:
    policy = await s.scheduling_policy(deps, actor)
    return {
        "locations": await s.list_locations(deps, actor, include_inactive=True),
        "telehealth": {
            "telehealth_link": policy.telehealth_link or "",
            "version": str(policy.version),
        },
        **more,
    }


class SchedulingSettings(StaffController):
    path = "/settings"

    # ----- locations and the telehealth link

    @get("/locations")
    async def locations(self, deps: DepsParam, actor: ActorParam) -> Template:
        _require(actor)
        more = await _locations(deps, actor, {}, {})
        return await _page(deps, actor, "locations", {}, {}, **more)

    async def _locations_again(
        self, deps: Deps, actor: StaffActor, refusal: Refusal, form_name: str
    ) -> Template:
        more = await _locations(deps, actor, {}, {})
        more[f"{form_name}_errors"] = refusal.errors
        more[f"{form_name}_values"] = refusal.values
        if refusal.conflict and form_name == "telehealth":
            stored = more["telehealth"]
            more["conflict"] = conflict_rows(
                stored, refusal.values, {"telehealth_link": "Telehealth link"}
            )
            more["telehealth_values"] = {**refusal.values, "version": stored["version"]}
        return await _page(deps, actor, "locations", {}, {}, status=422, **more)

    @post("/locations/new")
    async def add_location(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam
    ) -> Response[Any]:
        form = await request.form()

        async def run() -> object:
            typed = forms.read(form, LocationForm)
            return await s.add_location(
                deps, actor, s.LocationDetails(name=typed.name, address=typed.address)
            )

        async def again(refusal: Refusal) -> Response[Any]:
            return await self._locations_again(deps, actor, refusal, "new")

        return await form_action(form, run, done=redirect_to("/settings/locations"), again=again)

    @post("/locations/{location_id:uuid}")
    async def change_location(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam, location_id: PathId
    ) -> Response[Any]:
        form = await request.form()

        async def run() -> Location:
            typed = forms.read(form, ChangeLocationForm)
            command = s.ChangeLocation(
                location_id=location_id,
                version=typed.version,
                name=typed.name,
                address=typed.address,
                active=typed.active,
            )
            return await s.change_location(deps, actor, command)

        async def again(refusal: Refusal) -> Response[Any]:
            more = await _locations(deps, actor, {}, {})
            key, values = str(location_id), refusal.values
            more["row_errors"] = {key: {} if refusal.conflict else refusal.errors}
            if refusal.conflict:
                stored = next(x for x in more["locations"] if x.id == location_id)
                theirs = {
                    "name": stored.name,
                    "address": stored.address,
                    "active": "on" if stored.active else "",
                }
                more["row_conflicts"] = {key: conflict_rows(theirs, values, _LOCATION_LABELS)}
                values = {**values, "version": str(stored.version)}
            more["row_values"] = {key: values}
            return await _page(deps, actor, "locations", {}, {}, status=422, **more)

        done = redirect_to("/settings/locations")
        return await form_action(form, run, done=done, again=again, conflict_status=422)

    @post("/telehealth")
    async def change_telehealth(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam
    ) -> Response[Any]:
        form = await request.form()

        async def run() -> None:
            typed = forms.read(form, TelehealthForm)
            command = s.ChangeTelehealthLink(
                version=typed.version, telehealth_link=typed.telehealth_link
            )
            await s.change_telehealth_link(deps, actor, command)

        async def again(refusal: Refusal) -> Response[Any]:
            return await self._locations_again(deps, actor, refusal, "telehealth")

        done = redirect_to("/settings/locations")
        return await form_action(form, run, done=done, again=again, conflict_status=422)

    # ----- calendar hours

    @get("/hours")
    async def hours(self, deps: DepsParam, actor: ActorParam) -> Template:
        _require(actor)
        policy = await s.scheduling_policy(deps, actor)
        return await _page(deps, actor, "hours", _hours_values(policy), {})

    @post("/hours")
    async def change_hours(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam
    ) -> Response[Any]:
        form = await request.form()

        async def run() -> None:
            await s.change_hours(deps, actor, _read_hours(form))

        async def again(refusal: Refusal) -> Response[Any]:
            return await self._policy_again(
                deps, actor, refusal, "hours", _hours_values, _hour_labels()
            )

        return await form_action(
            form, run, done=redirect_to("/settings/hours"), again=again, conflict_status=422
        )

    # ----- reminders and the late-cancellation window

    @get("/reminders")
    async def reminders(self, deps: DepsParam, actor: ActorParam) -> Template:
        if not actor.is_owner:
            raise Forbidden(
                "Only the practice owner changes reminders and the cancellation policy."
            )
        policy = await s.scheduling_policy(deps, actor)
        return await _page(deps, actor, "reminders", _reminder_values(policy), {})

    @post("/reminders")
    async def change_reminders(
        self, request: AnyRequest, deps: DepsParam, actor: ActorParam
    ) -> Response[Any]:
        form = await request.form()

        async def run() -> None:
            await s.change_reminders(deps, actor, _read_reminders(form))

        async def again(refusal: Refusal) -> Response[Any]:
            return await self._policy_again(
                deps, actor, refusal, "reminders", _reminder_values, _reminder_labels()
            )

        done = redirect_to("/settings/reminders")
        return await form_action(form, run, done=done, again=again, conflict_status=422)

    async def _policy_again(
        self,
        deps: Deps,
        actor: StaffActor,
        refusal: Refusal,
        section: str,
        values_of: Any,
        labels: dict[str, str],
    ) -> Template:
        if not refusal.conflict:
            return await _page(deps, actor, section, refusal.values, refusal.errors, status=422)
        stored = values_of(await s.scheduling_policy(deps, actor))
        rows = conflict_rows(stored, refusal.values, labels)
        values = {**refusal.values, "version": stored["version"]}
        return await _page(deps, actor, section, values, refusal.errors, status=422, conflict=rows)


_LOCATION_LABELS = {"name": "Name", "address": "Address", "active": "In use"}


def _hour_labels() -> dict[str, str]:
    labels = {}
    for i, day in enumerate(WEEKDAYS):
        labels[f"opens_{i}"] = f"{day} from"
        labels[f"closes_{i}"] = f"{day} to"
    return labels


def _reminder_labels() -> dict[str, str]:
    labels = {"late_cancel_hours": "Late-cancellation window (hours)"}
    for i in range(MAX_REMINDERS):
        labels[f"reminder_{i}"] = f"Reminder {i + 1} (hours before)"
        labels[f"channel_{i}"] = f"Reminder {i + 1} by"
    return labels
