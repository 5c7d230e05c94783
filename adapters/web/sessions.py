"""Server-side sessions: the cookie holds a random id, the data lives in a Litestar `Store`
(the database in production, so every worker sees it). The id is replaced at sign-in so that a
session id planted before sign-in is worth nothing after it (session fixation).

A response stores the session only when its data changed: the last-seen time is kept to the
minute (auth.py), so a signed-in user's requests write it about once a minute, each write
pushing the expiry back by the idle timeout, and a plain GET within the minute writes nothing
(on SQLite it would take the single write lock; anywhere it is a transaction per request)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from adapters.web.config import WebConfig

_RENEW = "hearth_renew_session_id"
_NEW_ID = "hearth_new_session_id"
_LOADED = "hearth_session_loaded"  # the session's bytes as read from the store
_NOTHING = b"{}"
STAFF_ID = "staff_id"
SIGNED_IN_AT = "since"
PASSWORD_GENERATION = "generation"  # of the password signed in with; a new password ends it
LAST_SEEN = "seen"
_SESSION_ID = re.compile(r"[0-9a-f]{16,128}")  # Litestar makes them with secrets.token_hex


def renew_session_id(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Ask the backend to store this request's session under a fresh id and drop the old one."""
    connection.scope.setdefault("state", {})[_RENEW] = True


def session_renewed(scope: Any) -> bool:
    """Whether this request started a new session (`renew_session_id`), until it is stored."""
    return bool(scope.get("state", {}).get(_RENEW))


class RenewingSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        new_id = connection.scope.get("state", {}).get(_NEW_ID)
        return new_id or super().get_session_id(connection)

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key, "")
        if _SESSION_ID.fullmatch(session_id):  # an id we made, never a hostile key for the store
            data = await self.get(session_id, store=self.config.get_store_from_app(connection.app))
            if data is not None:
                connection.scope.setdefault("state", {})[_LOADED] = data
                return self.deserialize_data(data)
        return {}

    def _cookie(self, value: str, **overrides: Any) -> Cookie:
        params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        return Cookie(value=value, key=self.config.key, **{**params, **overrides})

    def _unchanged(
        self, scope_session: ScopeSession, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> bool:
        """Whether storing the session again would write what is stored already (or store an
        empty session nobody has)."""
        if scope_session is Empty:
            return False
        loaded = connection.scope.get("state", {}).get(_LOADED)
        data = self.serialize_data(scope_session, connection.scope)
        return data == loaded or (loaded is None and data == _NOTHING)

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        state = connection.scope.setdefault("state", {})
        if scope_session is Empty:  # ended: forget it, and have the browser drop the cookie
            # (Litestar's own answer sets "null" with Max-Age, which browsers keep)
            if old := connection.cookies.get(self.config.key):
                if _SESSION_ID.fullmatch(old):
                    await self.delete(old, store=self.config.get_store_from_app(connection.app))
                MutableScopeHeaders.from_message(message).add(
                    "Set-Cookie", self._cookie("", max_age=0).to_header(header="")
                )
            return
        if state.pop(_RENEW, False):
            old_id = connection.cookies.get(self.config.key)
            if old_id:
                await self.delete(old_id, store=self.config.get_store_from_app(connection.app))
            state[_NEW_ID] = self.generate_session_id()
        elif self._unchanged(scope_session, connection):
            if _LOADED in state:  # the cookie's own lifetime follows the idle timeout
                cookie = self._cookie(self.get_session_id(connection))
                MutableScopeHeaders.from_message(message).add(
                    "Set-Cookie", cookie.to_header(header="")
                )
            return
        await super().store_in_message(scope_session, message, connection)


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = RenewingSessionBackend


def session_config(web: WebConfig) -> SessionConfig:
    """Cookie and store expiry both follow the idle timeout; storing the session again (when
    it changed, see the module's doc) pushes it back, reading never does. Static files never
    touch it."""
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
