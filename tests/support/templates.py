"""Templates rendered as the app's environment renders them (autoescape, trimmed blocks, the
app's filters), for the tests that compare a filter with the template it replaced."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, Template, select_autoescape

from adapters.web import templating


def old_and_new(templates: dict[str, str]) -> tuple[Template, Template]:
    """`templates` must name an "old.html" and a "new.html" (and what they include)."""
    env = Environment(
        loader=DictLoader(templates),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templating.install(env)
    return env.get_template("old.html"), env.get_template("new.html")
