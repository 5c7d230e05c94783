"""What every request's text passes before a handler sees it: control characters (NUL and the
other C0/C1 codes, but tab, newline and the CR of a textarea's CRLF) are refused once, here, the
same for every store (PostgreSQL refuses a NUL byte outright; SQLite and memory would keep it).

- a path with one is a 404 (no page of this site has one in its address; `hearth.css%00.py`
  must not reach the file system);
- a query string with one, or that is not UTF-8, is a 422 naming the parameter;
- a form field with one is a 422 with the message next to the field: `HearthRequest.form()`
  marks the form, and `form_action` (the one way a form post runs a use case) refuses it before
  the use case runs, re-rendering the form; a handler that reads a form without it calls
  `refuse_unsafe` itself;
- a JSON body with one anywhere (keys included) is a 422 naming the member."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

from litestar.datastructures import FormMultiDict
from litestar.exceptions import NotFoundException, ValidationException
from litestar.plugins.htmx import HTMXRequest
from litestar.types import ASGIApp, Receive, Scope, Send

from core.domain.shared.errors import InvalidInput

# C0 controls but tab (09), newline (0A) and carriage return (0D); DEL and the C1 controls; a
# carriage return only as the first half of CRLF (what browsers send for a textarea's newline).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
MESSAGE = "Remove the invisible control character (such as NUL) from this field."
FORM_MESSAGE = (
    "A field holds an invisible control character (such as NUL): remove it and send again."
)


class UnsafeInput(InvalidInput):
    """A value with a control character: refused like any other invalid input, by field. Out
    of a form (a query parameter, a JSON member) the message names it, as no field shows it."""

    def __init__(self, field: str, *, named: bool = False) -> None:
        where = printable(field)
        message = (
            f"“{where}” holds an invisible control character (such as NUL)." if named else MESSAGE
        )
        super().__init__(message, field=where)


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def printable(text: str) -> str:
    """`text` with each control character shown as its escape (`\\x00`), for messages and logs."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def replaced(text: str) -> str:
    """`text` with each control character replaced by U+FFFD, to show a refused value again."""
    return _CONTROL.sub("\ufffd", text)


def unsafe_field(items: Iterable[tuple[str, Any]]) -> str | None:
    """The name of the first field whose name or text holds a control character."""
    for name, value in items:
        if has_control(name) or (isinstance(value, str) and has_control(value)):
            return name
    return None


class CheckedForm(FormMultiDict):
    """A form as `HearthRequest.form()` read it: `unsafe` is its refusal, if it has one."""

    unsafe: UnsafeInput | None = None


def refuse_unsafe(form: Any) -> None:
    """Raise the form's refusal (for a handler that does not go through `form_action`)."""
    unsafe = getattr(form, "unsafe", None)
    if unsafe is not None:
        raise unsafe


def _json_unsafe(value: Any, path: str = "") -> str | None:
    if isinstance(value, str):
        return path or "body" if has_control(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and has_control(key):
                return where
            if found := _json_unsafe(item, where):
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if found := _json_unsafe(item, f"{path}[{index}]"):
                return found
    return None


class HearthRequest(HTMXRequest):
    """The application's request: its form and JSON are checked for control characters."""

    async def form(self) -> FormMultiDict:
        if isinstance(self._form, CheckedForm):
            return self._form
        try:
            parsed = await super().form()
        except UnicodeDecodeError:  # a multipart part that is not UTF-8
            raise ValidationException("The form was not sent as UTF-8 text.") from None
        checked = CheckedForm(parsed.multi_items())
        if (name := unsafe_field(checked.multi_items())) is not None:
            checked.unsafe = UnsafeInput(name)
        self._form = checked
        return checked

    async def json(self) -> Any:
        try:
            data = await super().json()
        except UnicodeDecodeError:
            raise ValidationException("The body was not sent as UTF-8 text.") from None
        if (where := _json_unsafe(data)) is not None:
            raise UnsafeInput(where, named=True)
        return data


def _pair(part: bytes) -> tuple[str, str]:
    """One `name=value` of a query string, decoded strictly (`parse_qsl` would replace what is
    not UTF-8 and let it through)."""
    name, _, value = part.replace(b"+", b" ").partition(b"=")
    return unquote_to_bytes(name).decode("utf-8"), unquote_to_bytes(value).decode("utf-8")


def _query_refusal(raw: bytes) -> InvalidInput | None:
    if not raw:
        return None
    try:
        pairs = [_pair(part) for part in raw.split(b"&") if part]
    except UnicodeDecodeError:
        return InvalidInput("This address is not valid text. Check it and try again.")
    if (name := unsafe_field(pairs)) is not None:
        return UnsafeInput(name, named=True)
    return None


class InputGuard:
    """ASGI middleware (first of the app's): refuses a path or a query string with a control
    character before sessions, CSRF or any handler run. Raised errors become the usual pages."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if has_control(scope.get("path", "")):
                raise NotFoundException()
            if refusal := _query_refusal(scope.get("query_string", b"")):
                raise refusal
        await self._app(scope, receive, send)
