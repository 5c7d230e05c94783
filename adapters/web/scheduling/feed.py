"""The private calendar feed: the clinician's settings page (make a new secret address, choose
names or initials, revoke), and the feed itself at its secret address, without a session (the
request log writes its path as "/calendar/[secret]", adapters/web/request_log.py)."""

from __future__ import annotations

from litestar import Response, get, post
from litestar.response import Redirect, Template

from adapters.web.auth import StaffController
from adapters.web.ics import to_ics
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, AnyRequest, PathStr, SchedDepsParam
from adapters.web.kit.rendering import render
from adapters.web.request_log import FEED_PREFIX
from adapters.web.scheduling.forms import FeedForm
from core.services.scheduling import feeds


class FeedSettings(StaffController):
    path = "/schedule/feed"

    @get("")
    async def feed_settings(
        self, request: AnyRequest, scheduling_deps: SchedDepsParam, actor: ActorParam
    ) -> Template:
        status = await feeds.feed_status(scheduling_deps, actor)
        context = {"actor": actor, "status": status, "url": None}
        return render(request, "scheduling/feed.html", context)

    @post("")
    async def create_feed(
        self, request: AnyRequest, scheduling_deps: SchedDepsParam, actor: ActorParam
    ) -> Template:
        """The new address is shown on this page only: the practice keeps just its hash."""
        typed = forms.read(await request.form(), FeedForm)
        command = feeds.CreateFeed(include_names=typed.include_names)
        secret = await feeds.create_feed(scheduling_deps, actor, command)
        status = await feeds.feed_status(scheduling_deps, actor)
        # From HEARTH_PUBLIC_URL, never the Host header (a forged one would send the secret
        # address elsewhere).
        url = request.app.state.web.public_url.rstrip("/") + FEED_PREFIX + secret + ".ics"
        context = {"actor": actor, "status": status, "url": url}
        return render(request, "scheduling/feed.html", context)

    @post("/revoke")
    async def revoke_feed(self, scheduling_deps: SchedDepsParam, actor: ActorParam) -> Redirect:
        await feeds.revoke_feed(scheduling_deps, actor)
        return Redirect(path="/schedule/feed", status_code=303)


@get(FEED_PREFIX + "{secret:str}")
async def feed(scheduling_deps: SchedDepsParam, secret: PathStr) -> Response[bytes]:
    """Public by its secret: no session, no staff guard."""
    view = await feeds.feed_by_secret(scheduling_deps, secret.removesuffix(".ics"))
    return Response(
        content=to_ics(view),
        media_type="text/calendar; charset=utf-8",
        headers={"X-Robots-Tag": "noindex", "Content-Disposition": 'inline; filename="hearth.ics"'},
    )
