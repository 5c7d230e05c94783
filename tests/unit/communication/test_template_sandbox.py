"""The owner's templates reach only the whitelisted values: no Jinja global (`cycler`,
`lipsum`, `range`, ...) is in reach, and whatever goes wrong while filling one in is an
InvalidInput (a message to the owner), never another exception."""

from __future__ import annotations

import pytest

from adapters.notify.templates import SandboxRenderer
from core.domain.communication.templates import SAMPLE, VARIABLES, values_for
from core.domain.shared.errors import InvalidInput


@pytest.mark.parametrize(
    "source",
    [
        "{{ cycler }}",
        "{{ lipsum() }}",
        "{{ joiner }}",
        "{{ namespace }}",
        "{{ range(3) }}",
        "{{ dict(a=1) }}",
    ],
)
def test_no_jinja_global_is_in_reach(source: str) -> None:
    renderer = SandboxRenderer()
    assert renderer.problem(source, list(VARIABLES)) is not None
    with pytest.raises(InvalidInput):
        renderer.render(source, values_for(False, **SAMPLE))


@pytest.mark.parametrize(
    "source",
    ["{{ date|filesizeformat }}", "{{ 1 // 0 }}", "{% include 'x' %}", "{{ time|int(0) + 'a' }}"],
)
def test_any_failure_while_filling_in_is_invalid_input(source: str) -> None:
    with pytest.raises(InvalidInput):
        SandboxRenderer().render(source, values_for(False, **SAMPLE))


def test_a_huge_repetition_is_refused_not_built() -> None:
    with pytest.raises(InvalidInput):
        SandboxRenderer().render("{{ date * 100000000 }}", values_for(False, **SAMPLE))


def test_a_text_that_fails_for_one_session_falls_back_to_the_default() -> None:
    """A saved text can still fail for values the sample did not have (a session at 00:00
    here): the message goes out in the default wording instead of failing the booking."""
    from core.domain.communication.reminders import ReminderPolicy, compose
    from core.domain.communication.templates import MessageTemplates, TemplateKind

    kind = TemplateKind.NOTICE_SMS
    source = "{{ practice_name }} {{ 60 // (time[:2]|int) }}"
    templates = MessageTemplates({kind: source})
    policy = ReminderPolicy(
        practice_name="Practice", templates=templates, render=SandboxRenderer().render
    )
    at_night = values_for(False, **{**SAMPLE, "practice_name": "Practice", "time": "00:30"})
    text = compose(policy, kind, at_night)
    assert text.startswith("Practice: appointment cancelled, Wednesday 30 September at 00:30")


@pytest.mark.parametrize(
    "source",
    [
        "{% for a in date %}{% for b in date %}{{ a }}{% endfor %}{% endfor %}",
        "{% macro m() %}x{% endmacro %}{{ m() }}",
    ],
)
def test_loops_and_macros_are_refused_before_they_run(source: str) -> None:
    renderer = SandboxRenderer()
    assert "Loops" in (renderer.problem(source, list(VARIABLES)) or "")
    with pytest.raises(InvalidInput, match="Loops"):
        renderer.render(source, values_for(False, **SAMPLE))
    shown = values_for(False, **SAMPLE)
    assert renderer.render("{% if case_name %}x{% endif %}{{ date }}", shown) == SAMPLE["date"]
