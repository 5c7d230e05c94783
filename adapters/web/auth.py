"""Who is signed in: the session's staff id, checked against the idle timeout and the absolute
lifetime, turned into the core's `StaffActor` on every request."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from litestar import Controller, Request
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler

from adapters.web.config import WebConfig
from adapters.web.kit.params import DepsParam, WebParam
from adapters.web.sessions import (
    LAST_SEEN,
    PASSWORD_GENERATION,
    SIGNED_IN_AT,
    STAFF_ID,
    renew_session_id,
)
from core.domain.cases.access import StaffActor
from core.domain.shared.audit import Origin
from core.domain.shared.errors import NotFound
from core.domain.shared.values import StaffId
from core.services import directory
from core.services.directory import auth


class NotSignedIn(HTTPException):
    """No valid session: the exception handler sends the browser to the sign-in page."""

    status_code = 401
    detail = "Please sign in."


def request_origin(request: Request[Any, Any, Any]) -> Origin:
    """Where a request came from, for the audit log: the route's template ("/cases/{case_id}"),
    never the query string, and the client's address."""
    route = request.scope.get("path_template") or request.url.path
    return Origin(route=route, client_address=request.client.host if request.client else "")


def start_session(
    request: Request[Any, Any, Any], signed_in: auth.SignedIn, web: WebConfig
) -> None:
    now = web.now()
    request.set_session(
        {
            STAFF_ID: str(signed_in.staff_id),
            PASSWORD_GENERATION: signed_in.generation,
            SIGNED_IN_AT: now,
            LAST_SEEN: now,
        }
    )
    renew_session_id(request)


def keep_session(request: Request[Any, Any, Any], generation: int) -> None:
    """After changing one's own password: this session goes on, the others end."""
    request.session[PASSWORD_GENERATION] = generation


def end_session(request: Request[Any, Any, Any]) -> None:
    request.clear_session()


def signed_in_staff(request: Request[Any, Any, Any], web: WebConfig) -> StaffId:
    session = request.session if "session" in request.scope else {}
    raw = session.get(STAFF_ID) if isinstance(session, dict) else None
    if not raw:
        raise NotSignedIn()
    now = web.now()
    since = float(session.get(SIGNED_IN_AT, 0))
    seen = float(session.get(LAST_SEEN, 0))
    if now - since > web.absolute_lifetime or now - seen > web.idle_timeout:
        end_session(request)
        raise NotSignedIn("Your session has ended. Please sign in again.")
    session[LAST_SEEN] = now
    return StaffId(UUID(raw))


async def provide_actor(
    request: Request[Any, Any, Any], deps: DepsParam, web: WebParam
) -> StaffActor:
    """The `actor` dependency of every signed-in route."""
    staff_id = signed_in_staff(request, web)
    generation = request.session.get(PASSWORD_GENERATION)
    if not isinstance(generation, int) or not await auth.session_is_current(
        deps, staff_id, generation
    ):  # the password was changed or reset since signing in
        end_session(request)
        raise NotSignedIn("Your session has ended. Please sign in again.")
    try:
        actor = await directory.load_actor(
            deps, staff_id, owner_sees_clinical=web.owner_sees_clinical
        )
    except NotFound:  # deactivated or removed since signing in
        end_session(request)
        raise NotSignedIn() from None
    actor = replace(actor, origin=request_origin(request))
    # Kept for the error pages, whose (synchronous) handlers cannot load it: a refusal or a
    # missing record still shows the signed-in layout with its navigation.
    request.state.actor = actor
    return actor


def staff_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """The guard of every controller for signed-in staff: without a live session nothing of
    the handler runs (not even reading the form). The `actor` dependency then checks that the
    session is still current and loads who it is."""
    signed_in_staff(connection, connection.app.state.web)  # type: ignore[arg-type]


class StaffController(Controller):
    """A controller whose routes are for signed-in staff only (`staff_only`)."""

    guards = [staff_only]
