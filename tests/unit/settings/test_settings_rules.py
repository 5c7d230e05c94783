"""The rules of the practice's settings, and the per-process cache of its details."""

from __future__ import annotations

from datetime import time

import pytest

from adapters.persistence.memory.unit_of_work import memory_uow_factory
from core.domain.directory.parties import Channel
from core.domain.directory.practice import Practice, check_timezone
from core.domain.scheduling.fees import FeeRule, parse_amount
from core.domain.scheduling.settings import (
    DayHours,
    ReminderRule,
    SchedulingPolicy,
    clean_https_url,
)
from core.domain.shared.errors import InvalidInput
from core.domain.shared.values import Money
from core.services.directory.practice_settings import PracticeCache


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/New_York", "UTC", " Asia/Tokyo "])
def test_iana_timezones_are_accepted(name):
    assert check_timezone(name) == name.strip()


@pytest.mark.parametrize(
    "name", ["", "Mars/Olympus", "EST5EDT/../..", "/etc/localtime", "../../etc/passwd", "localtime"]
)
def test_anything_else_is_refused_on_the_timezone_field(name):
    with pytest.raises(InvalidInput) as refused:
        check_timezone(name)
    assert refused.value.field == "timezone"


def test_a_practice_needs_a_name_once_the_owner_saves_it():
    practice = Practice.new("UTC")
    with pytest.raises(InvalidInput, match="name is required") as refused:
        practice.change(name="  ", address="", phone=None, timezone="UTC", currency="USD")
    assert refused.value.field == "name"
    practice.change(
        name="Riverside", address="", phone=None, timezone="Europe/Paris", currency="eur"
    )
    assert (practice.currency, practice.timezone) == ("EUR", "Europe/Paris")
    assert [e.fields for e in practice.events.pull()] == [("name", "timezone", "currency")]


@pytest.mark.parametrize(
    ("text", "minor"), [("150", 15000), ("150.5", 15050), ("150,05", 15005), ("0", 0)]
)
def test_amounts_are_read_in_minor_units(text, minor):
    assert parse_amount(text, field="fee") == minor


@pytest.mark.parametrize("text", ["", "1e3", "-5", "12.345", "lots", "²", "1000000"])
def test_other_amounts_are_refused(text):
    with pytest.raises(InvalidInput) as refused:
        parse_amount(text, field="fee")
    assert refused.value.field == "fee"


def test_a_late_cancellation_fee_is_an_amount_or_a_percent():
    assert FeeRule.parse("", "USD", field="f") is None
    assert FeeRule.parse("50 %", "USD", field="f") == FeeRule(percent=50)
    assert FeeRule.parse("75", "USD", field="f") == FeeRule(amount=Money(7500, "USD"))
    assert FeeRule(percent=33).of(Money(10001, "USD")) == Money(3300, "USD")
    for bad in ("0%", "101%", "0", "half"):
        with pytest.raises(InvalidInput) as refused:
            FeeRule.parse(bad, "USD", field="no_show_fee")
        assert refused.value.field == "no_show_fee"


@pytest.mark.parametrize(
    "link",
    ["http://meet.example.com", "javascript:alert(1)", "https://", "https://x", "https://a b.com"],
)
def test_the_telehealth_link_is_an_https_address(link):
    with pytest.raises(InvalidInput):
        clean_https_url(link, field="telehealth_link")


def test_the_policy_checks_hours_and_reminders():
    with pytest.raises(InvalidInput, match="closes after it opens"):
        DayHours(time(9), time(9))
    with pytest.raises(InvalidInput, match="half hour"):
        DayHours(time(9, 15), time(17))
    with pytest.raises(InvalidInput, match="one day at least"):
        SchedulingPolicy(hours=(None,) * 7)
    with pytest.raises(InvalidInput, match="same time"):
        SchedulingPolicy(reminders=(ReminderRule(24, Channel.SMS), ReminderRule(24, Channel.EMAIL)))
    with pytest.raises(InvalidInput):
        ReminderRule(0, Channel.SMS)
    with pytest.raises(InvalidInput, match="late-cancellation window"):
        SchedulingPolicy(late_cancel_hours=500)
    policy = SchedulingPolicy(
        hours=(
            DayHours(time(9), time(17)),
            None,
            None,
            None,
            None,
            DayHours(time(7), time(12)),
            None,
        )
    )
    assert policy.widest_hours == DayHours(time(7), time(17))
    assert policy.hours_on(1) is None


async def test_the_cache_reads_the_store_once_per_interval_and_takes_this_process_change_at_once():
    uow = memory_uow_factory()
    now = [0.0]
    cache = PracticeCache("America/Denver", recheck_seconds=1.0, monotonic=lambda: now[0])
    assert await cache.timezone(uow) == "America/Denver"  # never saved: the configured one
    async with uow() as store:  # another process saves the details
        await store.practice.save(Practice(name="X", timezone="Europe/Rome"))
        await store.commit()
    assert await cache.timezone(uow) == "America/Denver"  # not yet rechecked
    now[0] = 1.5
    assert await cache.timezone(uow) == "Europe/Rome"
    cache.saved(Practice(name="X", timezone="Asia/Seoul", version=2))
    assert await cache.timezone(uow) == "Asia/Seoul"
    with pytest.raises(InvalidInput):
        PracticeCache("Not/AZone")
