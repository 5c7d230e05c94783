"""The owner's message templates rendered in a Jinja sandbox: only the whitelisted values are
in reach (no attribute of anything else, no Jinja global such as `cycler` or `lipsum`, no
import, no file), an unknown name is an error, not an empty string, and nothing is HTML-escaped
(the texts are plain text). Whatever goes wrong while filling one in is an InvalidInput: a
message for the owner, never another exception."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from core.domain.shared.errors import InvalidInput

MAX_TEXT = 20_000  # far more than any message; `'x' * 10**9` must not be built
# Loops and macros: a message of a few strings needs none, and nested loops over the values
# would keep a worker busy for hours (the sandbox bounds no loop).
_REFUSED = (nodes.For, nodes.Macro, nodes.CallBlock)
LOOPS = "Loops and macros are not available in message texts: use {{ name }} and {% if %}."


class _Env(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError("the power is too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > MAX_TEXT:
                    raise SecurityError("the text would be too long")
        return super().call_binop(context, operator, left, right)


class SandboxRenderer:
    def __init__(self) -> None:
        self._env = _Env(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
        # `range`, `dict`, `lipsum`, `cycler`, `joiner`, `namespace`: none is a value of ours,
        # and with them gone `problem` names them as unknown.
        self._env.globals.clear()

    def render(self, source: str, values: Mapping[str, str]) -> str:
        try:
            parsed = self._env.parse(source)
            if parsed.find(_REFUSED) is not None:  # type: ignore[arg-type]
                raise InvalidInput(LOOPS)
            text = self._env.from_string(parsed).render(dict(values))
        except InvalidInput:
            raise
        except Exception as exc:  # any failure of the owner's text (TypeError, ValueError, ...)
            message = getattr(exc, "message", None) or str(exc)
            raise InvalidInput(f"This text cannot be filled in: {message}") from None
        if len(text) > MAX_TEXT:
            raise InvalidInput("This text cannot be filled in: it comes out far too long.")
        return text

    def problem(self, source: str, allowed: Collection[str]) -> str | None:
        try:
            names = meta.find_undeclared_variables(self._env.parse(source))
        except TemplateSyntaxError as exc:
            return f"This text has a mistake (line {exc.lineno}): {exc.message}"
        if self._env.parse(source).find(_REFUSED) is not None:  # type: ignore[arg-type]
            return LOOPS
        unknown = sorted(names - set(allowed))
        if unknown:
            return (
                f"Unknown name {{{{ {unknown[0]} }}}}: use only "
                + ", ".join(f"{{{{ {n} }}}}" for n in allowed)
                + "."
            )
        return None
