"""The owner's message templates rendered in a Jinja sandbox: only the whitelisted values are
in reach (no attribute of anything else, no import, no file), an unknown name is an error, not
an empty string, and nothing is HTML-escaped (the texts are plain text)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from core.domain.shared.errors import InvalidInput


class SandboxRenderer:
    def __init__(self) -> None:
        self._env = SandboxedEnvironment(
            undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
        )

    def render(self, source: str, values: Mapping[str, str]) -> str:
        try:
            return self._env.from_string(source).render(dict(values))
        except TemplateError as exc:
            raise InvalidInput(f"This text cannot be filled in: {exc.message}") from None

    def problem(self, source: str, allowed: Collection[str]) -> str | None:
        try:
            names = meta.find_undeclared_variables(self._env.parse(source))
        except TemplateSyntaxError as exc:
            return f"This text has a mistake (line {exc.lineno}): {exc.message}"
        unknown = sorted(names - set(allowed))
        if unknown:
            return (
                f"Unknown name {{{{ {unknown[0]} }}}}: use only "
                + ", ".join(f"{{{{ {n} }}}}" for n in allowed)
                + "."
            )
        return None
