"""Server-side sessions: the cookie holds a random id, the data lives in a Litestar `Store`
(the database in production, so every worker sees it). The id is replaced at sign-in so that a
session id planted before sign-in is worth nothing after it (session fixation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Message, ScopeSession

from adapters.web.config import WebConfig

_RENEW = "hearth_renew_session_id"
_NEW_ID = "hearth_new_session_id"
STAFF_ID = "staff_id"
SIGNED_IN_AT = "since"
PASSWORD_GENERATION = "generation"  # of the password signed in with; a new password ends it
LAST_SEEN = "seen"


def renew_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Ask the backend to store this request's session under a fresh id and drop the old one."""
    connection.scope.setdefault("state", {})[_RENEW] = True


class RenewingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        new_id = connection.scope.get("state", {}).get(_NEW_ID)
        return new_id or super().get_session_id(connection)

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        state = connection.scope.setdefault("state", {})
        if state.pop(_RENEW, False):
            old_id = connection.cookies.get(self.config.key)
            if old_id:
                await self.delete(old_id, store=self.config.get_store_from_app(connection.app))
            state[_NEW_ID] = self.generate_session_id()
        await super().store_in_message(scope_session, message, connection)


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = RenewingSessionBackend


def session_config(web: WebConfig) -> SessionConfig:
    """Cookie and store expiry both follow the idle timeout; each response stores the session
    again, which pushes it back (so reading never writes). Static files never touch it."""
    return SessionConfig(
        key="hearth_session",
        store="sessions",
        max_age=web.idle_timeout,
        renew_on_access=False,
        exclude=["^/static/"],
        secure=web.secure_cookies,
        httponly=True,
        samesite="lax",
    )
