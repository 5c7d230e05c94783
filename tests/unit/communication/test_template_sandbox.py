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
