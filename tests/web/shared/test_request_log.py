"""The request log names method, path, status and duration, never a search word or a calendar
feed's secret; `hearth serve` turns uvicorn's own access log (whole URLs) off."""

from __future__ import annotations

import logging

import httpx

import bootstrap
from adapters.web.request_log import RequestLog, loggable_path


def test_paths_lose_their_query_and_feed_secrets():
    assert loggable_path("/cases?q=Rivera") == "/cases"
    assert loggable_path("/calendar/s3cr3t-token.ics") == "/calendar/[secret]"
    assert loggable_path("/cases/123") == "/cases/123"


def test_paths_lose_every_secret_that_works_as_a_key():
    """A confirm / cancel link, a password reset and an invitation are their secret: whoever
    reads the log must not be able to cancel a session or take over an account."""
    assert loggable_path("/s/Vq3bXk9PzR2mT7wLsAb4?do=cancel") == "/s/[secret]"
    assert loggable_path("/password/reset/Vq3bXk9PzR2m") == "/password/reset/[secret]"
    assert loggable_path("/invitation/Vq3bXk9PzR2m") == "/invitation/[secret]"
    assert loggable_path("/staff/1/invitation") == "/staff/1/invitation"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_the_log_line_has_method_path_status_and_duration(container: bootstrap.Container):
    # A logger of our own: Litestar reconfigures the root logger's handlers at start-up.
    logger, lines = logging.getLogger("hearth.requests.test"), _Lines()
    logger.addHandler(lines)
    logger.setLevel(logging.INFO)
    transport = httpx.ASGITransport(app=RequestLog(bootstrap.create_app(container), logger))
    async with httpx.AsyncClient(transport=transport, base_url="http://hearth.test") as client:
        await client.get("/cases?q=Rivera")
        await client.get("/calendar/s3cr3t-token.ics")
    logger.removeHandler(lines)
    assert len(lines.lines) == 2
    assert lines.lines[0].startswith("GET /cases 303 ") and lines.lines[0].endswith(" ms")
    assert lines.lines[1].startswith("GET /calendar/[secret] 404 ")
    assert not any("Rivera" in line or "s3cr3t" in line for line in lines.lines)


def test_serve_turns_the_uvicorn_access_log_off(container, monkeypatch):
    import uvicorn

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    bootstrap._serve(container)
    assert seen["access_log"] is False
    assert isinstance(seen["app"], RequestLog)
    assert seen["log_config"]["loggers"]["hearth"]["level"] == "INFO"
