"""The load runner's passes (`python -m bench --passes N`): the order the checkouts are
measured in, and each checkout's passes merged into one row. Pure functions, no server."""

from __future__ import annotations

import pytest

from bench.run import Result, ScreenReport, merge, order, spread
from bench.targets import Screen

CASE = Screen("case page", "clinician", "/cases/1")
PERSON = Screen("person page", "clinician", "/people/1")


def test_one_pass_is_todays_order() -> None:
    assert order(2, 1) == [0, 1]
    assert order(1, 3) == [0, 0, 0]


def test_passes_alternate_forward_and_backward() -> None:
    assert order(2, 2) == [0, 1, 1, 0]  # A B B A
    assert order(2, 3) == [0, 1, 1, 0, 0, 1]  # A B B A A B
    assert order(3, 2) == [0, 1, 2, 2, 1, 0]


def _report(screen: Screen, latencies: list[float], cpu: float, floor: float) -> ScreenReport:
    one = Result(latencies=latencies, errors=1, other=2, bytes=1000, seconds=2.0, cpu=cpu)
    return ScreenReport(screen, statements=14, floor_ms=floor, kb=1.0, modes={"1": one})


def test_merge_pools_the_latencies_and_sums_requests_time_and_cpu() -> None:
    first = [_report(CASE, [0.010, 0.020, 0.030, 0.040], cpu=0.020, floor=3.0)]
    second = [_report(CASE, [0.050, 0.060], cpu=0.040, floor=5.0)]
    (merged,) = merge([first, second])
    one = merged.modes["1"]
    assert sorted(one.latencies) == [0.010, 0.020, 0.030, 0.040, 0.050, 0.060]
    assert one.pct(50) == pytest.approx(40.0)  # of the six, not a mean of the passes' p50
    assert one.rate == pytest.approx(6 / 4.0)  # requests over seconds, both summed
    assert one.cpu_ms == pytest.approx(0.060 / 6 * 1000)  # total CPU over total requests
    assert (one.errors, one.other, one.bytes) == (2, 4, 1000)
    assert (merged.statements, merged.kb, merged.floor_ms) == (14, 1.0, 4.0)


def test_merge_of_one_pass_keeps_its_figures() -> None:
    report = _report(CASE, [0.010, 0.030], cpu=0.004, floor=2.5)
    (merged,) = merge([[report]])
    assert merged.modes["1"] == report.modes["1"]
    assert merged.floor_ms == report.floor_ms


def test_merge_refuses_passes_of_different_screens() -> None:
    with pytest.raises(ValueError):
        merge([[_report(CASE, [0.01], 0.0, 1.0)], [_report(PERSON, [0.01], 0.0, 1.0)]])


def test_spread_names_the_screen_whose_passes_differ_most() -> None:
    first = [
        _report(CASE, [0.010] * 10, cpu=0.050, floor=1.0),  # 5 ms a request
        _report(PERSON, [0.020] * 10, cpu=0.040, floor=1.0),  # 4 ms
    ]
    second = [
        _report(CASE, [0.011] * 10, cpu=0.055, floor=1.0),  # 5.5 ms: 10 % more
        _report(PERSON, [0.020] * 10, cpu=0.060, floor=1.0),  # 6 ms: 50 % more
    ]
    text = spread([first, second])
    assert "cpu/req up to 50 % (person page: 4.0-6.0 ms)" in text
    assert "p50 up to 10 % (case page, 1 user: 10.0-11.0 ms)" in text
