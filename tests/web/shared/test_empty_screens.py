"""Screens with nothing to list yet say what to do next, instead of "no match"."""

from __future__ import annotations

from tests.web.conftest import World


def test_a_caseload_without_cases_invites_the_first_one(signed_in, world: World):
    pat = signed_in("pat")  # an administrator supporting Dr. Lee, who has cases
    assert "No case yet" not in pat.get("/cases").text
    # Dr. Kim treats nobody yet: no filter, no case.
    kim = signed_in("kim")
    empty = kim.get("/cases")
    assert "No case yet" in empty.text and 'href="/cases/new">Open the first case' in empty.text
    assert "No case matches" not in empty.text
    # With a filter, nothing found is a different story: a way back to all of them.
    filtered = kim.get("/cases?q=nobody", htmx=True)
    assert "No case yet" not in filtered.text
    assert "No case matches these filters" in filtered.text
    assert 'href="/cases">Show all cases</a>' in filtered.text
    for query in ("kind=couple", "status=active", "mine=on"):
        assert "No case yet" not in kim.get(f"/cases?{query}").text, query
