"""The calendar feed's read model as iCalendar (RFC 5545) bytes, built with `icalendar`.

Times are written in UTC (a "Z" time needs no VTIMEZONE and every calendar app shows it in the
viewer's zone). A cancelled session stays in the feed as STATUS:CANCELLED, so that subscribed
calendars drop it instead of keeping a stale copy."""

from __future__ import annotations

from icalendar import Calendar, Event

from core.services.scheduling.feeds import FeedView

PRODID = "-//Hearth//Calendar feed//EN"


def to_ics(view: FeedView) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", view.calendar_name)
    calendar.add("x-published-ttl", "PT1H")
    for e in view.events:
        event = Event()
        event.add("uid", f"{e.uid}@hearth")
        event.add("dtstamp", e.stamp)
        event.add("dtstart", e.start)
        event.add("dtend", e.end)
        event.add("summary", e.title)
        if e.location:
            event.add("location", e.location)
        event.add("status", "CANCELLED" if e.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if e.cancelled else "OPAQUE")
        event.add("sequence", e.sequence)
        event.add("class", "PRIVATE")
        calendar.add_component(event)
    return calendar.to_ical()
