"""Who is signed in: the session's staff id, checked against the idle timeout and the absolute
lifetime, turned into the core's `StaffActor` on every request. A signed-in request costs two
statements before its handler runs: the session (the session middleware) and the staff member
with their password generation and the directory's version (`staff_only`, one statement); a
request that changes nothing in the session writes nothing (see sessions.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from uuid import UUID

from litestar import Controller, Request
from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler

from adapters.web.config import WebConfig
from adapters.web.kit.params import WebParam
from adapters.web.sessions import (
    LAST_SEEN,
    PASSWORD_GENERATION,
    SIGNED_IN_AT,
    STAFF_ID,
    renew_session_id,
)
from core.domain.cases.access import StaffActor
from core.domain.shared.audit import Origin
from core.domain.shared.values import StaffId
from core.services.directory import auth

AnyConnection = ASGIConnection[Any, Any, Any, Any]
SEEN_PRECISION = 60  # seconds: the last-seen time is kept to the minute, so it changes (and the
# session is written) at most once a minute, not on every request


class NotSignedIn(HTTPException):
    """No valid session: the exception handler sends the browser to the sign-in page."""

    status_code = 401
    detail = "Please sign in."


def request_origin(request: AnyConnection) -> Origin:
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


def end_session(request: AnyConnection) -> None:
    request.clear_session()


def signed_in_staff(request: AnyConnection, web: WebConfig) -> StaffId:
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
    # Rounded down: the idle timeout counts from the start of the minute last seen, so it
    # never runs longer than configured.
    session[LAST_SEEN] = now - now % SEEN_PRECISION
    return StaffId(UUID(raw))


async def _resume(connection: AnyConnection, web: WebConfig) -> StaffActor:
    """The actor of this request's session, or `NotSignedIn` (and the session ended) when it
    timed out, its password was changed or reset since, or its staff member was deactivated."""
    cached = connection.state.get("actor")
    if isinstance(cached, StaffActor):
        return cached
    staff_id = signed_in_staff(connection, web)
    generation = connection.session.get(PASSWORD_GENERATION)
    actor = await auth.signed_in_actor(
        connection.app.state.deps(),
        staff_id,
        generation if isinstance(generation, int) else None,
        owner_sees_clinical=web.owner_sees_clinical,
    )
    if actor is None:
        end_session(connection)
        raise NotSignedIn("Your session has ended. Please sign in again.")
    actor = replace(actor, origin=request_origin(connection))
    # Kept for the `actor` dependency and for the error pages, whose (synchronous) handlers
    # cannot load it: a refusal or a missing record still shows the signed-in layout.
    connection.state.actor = actor
    return actor


async def provide_actor(request: Request[Any, Any, Any], web: WebParam) -> StaffActor:
    """The `actor` dependency of every signed-in route: the one `staff_only` loaded, or loaded
    now for a route without that guard."""
    return await _resume(request, web)


async def staff_only(connection: AnyConnection, _: BaseRouteHandler) -> None:
    """The guard of every controller for signed-in staff: without a live session nothing of
    the handler runs (not even reading the form). It loads who is signed in, in one statement,
    before the handler's dependencies are resolved (in tasks of their own: what the loading
    learnt about the staff directory's version reaches them only from here)."""
    await _resume(connection, connection.app.state.web)


class StaffController(Controller):
    """A controller whose routes are for signed-in staff only (`staff_only`)."""

    guards = [staff_only]
