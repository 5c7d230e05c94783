"""The private calendar feed: the clinician's settings page (make a new secret address, choose
names or initials, revoke), and the feed itself at its secret address, without a session."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect, Template

from adapters.web.ics import to_ics
from adapters.web.kit import forms
from adapters.web.kit.params import ActorParam, PathStr, SchedDepsParam
from adapters.web.kit.rendering import render
from core.services.scheduling import feeds

FEED_PATH = "/calendar/"


@get("/schedule/feed")
async def feed_settings(
    request: Request[Any, Any, Any], scheduling_deps: SchedDepsParam, actor: ActorParam
) -> Template:
    status = await feeds.feed_status(scheduling_deps, actor)
    return render(request, "scheduling/feed.html", {"actor": actor, "status": status, "url": None})


@post("/schedule/feed")
async def create_feed(
    request: Request[Any, Any, Any], scheduling_deps: SchedDepsParam, actor: ActorParam
) -> Template:
    """The new address is shown on this page only: the practice keeps just its hash."""
    form = await request.form()
    secret = await feeds.create_feed(
        scheduling_deps,
        actor,
        feeds.CreateFeed(include_names=forms.flag(form, "include_names")),
    )
    status = await feeds.feed_status(scheduling_deps, actor)
    url = str(request.base_url).rstrip("/") + FEED_PATH + secret + ".ics"
    return render(request, "scheduling/feed.html", {"actor": actor, "status": status, "url": url})


@post("/schedule/feed/revoke")
async def revoke_feed(scheduling_deps: SchedDepsParam, actor: ActorParam) -> Redirect:
    await feeds.revoke_feed(scheduling_deps, actor)
    return Redirect(path="/schedule/feed", status_code=303)


@get(FEED_PATH + "{secret:str}")
async def feed(scheduling_deps: SchedDepsParam, secret: PathStr) -> Response[bytes]:
    view = await feeds.feed_by_secret(scheduling_deps, secret.removesuffix(".ics"))
    return Response(
        content=to_ics(view),
        media_type="text/calendar; charset=utf-8",
        headers={"X-Robots-Tag": "noindex", "Content-Disposition": 'inline; filename="hearth.ics"'},
    )


ROUTES = [feed_settings, create_feed, revoke_feed, feed]
