"""The "Undelivered" list: messages the worker gave up on, for the owner and administrators
(the core decides who sees which), with "try again" and "mark handled" per message."""

from __future__ import annotations

from litestar import get, post
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController
from adapters.web.kit.params import ActorParam, AnyRequest, DepsParam, PathId
from adapters.web.kit.rendering import render
from core.services.communication import undelivered


class UndeliveredPages(StaffController):
    path = "/messages/undelivered"

    @get("")
    async def listing(self, request: AnyRequest, deps: DepsParam, actor: ActorParam) -> Template:
        page = await undelivered.undelivered(deps, actor)
        return render(request, "communication/undelivered.html", {"actor": actor, "page": page})

    # Both actions are idempotent in the core: a double click, or two colleagues at once,
    # retries (or closes) a message once.
    @post("/{message_id:uuid}/retry")
    async def retry(self, deps: DepsParam, actor: ActorParam, message_id: PathId) -> Redirect:
        await undelivered.retry_message(deps, actor, message_id)
        return Redirect(path=self.path, status_code=303)

    @post("/{message_id:uuid}/handled")
    async def handled(self, deps: DepsParam, actor: ActorParam, message_id: PathId) -> Redirect:
        await undelivered.mark_handled(deps, actor, message_id)
        return Redirect(path=self.path, status_code=303)
