"""The page of a reminder's confirm / cancel link: no sign-in (the link is the key), the
session's day, time and place, and one button for each; a cancellation inside the practice's
late window says first that the fee applies. The buttons post with the CSRF token."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import SkipValidation
from litestar.response import Template

from adapters.web.kit import forms
from adapters.web.kit.params import AnyRequest, DepsParam, PathStr, QueryStr, SchedDepsParam
from core.domain.communication.links import LinkUse
from core.services.communication import links
from core.services.communication.reminders import PolicySource

PolicyParam = NamedDependency[SkipValidation[PolicySource]]


def _answer(view: links.LinkView, secret: str, asked: str = "", done: str = "") -> Template:
    status = 410 if view.state is links.LinkState.GONE else 200
    context = {"view": view, "secret": secret, "asked": asked, "done": done}
    return Template("communication/session_link.html", context=context, status_code=status)


class SessionLinkPages(Controller):
    path = "/s"

    @get("/{secret:str}")
    async def page(
        self, deps: DepsParam, reminder_policy: PolicyParam, secret: PathStr, do: QueryStr = ""
    ) -> Template:
        view = await links.open_link(deps, reminder_policy, secret)
        return _answer(view, secret, asked=do if do in ("confirm", "cancel") else "")

    @post("/{secret:str}")
    async def use(
        self,
        request: AnyRequest,
        scheduling_deps: SchedDepsParam,  # a cancellation's handlers name times
        reminder_policy: PolicyParam,
        secret: PathStr,
    ) -> Response[Any]:
        deps = scheduling_deps
        wanted = forms.text(await request.form(), "do")
        if wanted not in ("confirm", "cancel"):
            view = await links.open_link(deps, reminder_policy, secret)
            return _answer(view, secret)
        view = await links.use_link(deps, reminder_policy, secret, LinkUse(wanted))
        return _answer(view, secret, done=wanted)
