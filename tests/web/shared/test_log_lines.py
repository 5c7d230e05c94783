"""Log injection: nothing a request carries forges a line or reaches the log raw (a `%0a` in a
path, a NUL, an exception's message), each line is written once, and production can log JSON.
The logging here is `hearth serve`'s own (adapters/system/log_lines.config), applied before the
app is built, as in a worker process."""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Iterator

import httpx
import pytest

import bootstrap
from adapters.system import log_lines
from adapters.web.request_log import RequestLog

NAMES = ["", "uvicorn", "uvicorn.error", "uvicorn.access", "litestar", "hearth"]


@pytest.fixture
def serve_logging() -> Iterator[None]:
    """Apply a log config for one test and put the process's logging back after it."""
    saved = {}
    for name in NAMES:
        logger = logging.getLogger(name)
        saved[name] = (logger.handlers[:], logger.level, logger.propagate, logger.disabled)
    yield
    for name, (handlers, level, propagate, disabled) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.level = handlers, level
        logger.propagate, logger.disabled = propagate, disabled


def _record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    return logging.LogRecord(
        "hearth.requests",
        logging.INFO,
        __file__,
        1,
        message,
        args,
        (type(exc), exc, exc.__traceback__) if exc else None,
    )


def test_control_characters_are_escaped_and_tracebacks_indented():
    formatter = log_lines.TextFormatter()
    line = formatter.format(_record("%s %s", "GET", "/nowhere\nINFO FORGED\x00\x1b[31m"))
    assert "\n" not in line and "\x00" not in line and "\x1b" not in line
    assert line.endswith("GET /nowhere\\nINFO FORGED\\x00\\x1b[31m")
    try:
        raise RuntimeError("boom\nINFO FORGED")
    except RuntimeError as exc:
        text = formatter.format(_record("unhandled", exc=exc))
    _, *rest = text.split("\n")
    assert rest and all(line.startswith("    ") for line in rest)
    json_line = log_lines.JsonFormatter().format(_record("GET %s", "/a\nb\x00"))
    assert "\n" not in json_line and json.loads(json_line)["message"] == "GET /a\nb\x00"


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_a_served_request_logs_each_line_once_and_forges_none(
    container, monkeypatch, capsys, serve_logging, log_format
):
    from adapters.web.directory import sign_in

    logging.config.dictConfig(log_lines.config(log_format))
    app = RequestLog(bootstrap.create_app(container))  # after the config, as a worker does

    async def broken(*args, **kwargs):  # a chain, as a database error arrives
        try:
            raise ValueError("the driver's own\nINFO FORGED")
        except ValueError as exc:
            raise RuntimeError("boom\nINFO:     GET /cases 200 FORGED") from exc

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hearth.test") as client:
        await client.get("/nowhere%0aINFO:%20%20%20%20%20GET%20/cases%20200%20FORGED")
        await client.get("/x%00y")
        monkeypatch.setattr(sign_in.directory, "practice_has_staff", broken)
        assert (await client.get("/sign-in")).status_code == 500
    lines = capsys.readouterr().err.splitlines()
    assert "\x00" not in "\n".join(lines)
    if log_format == "json":
        records = [json.loads(line) for line in lines]  # every line is one object
        messages = [r["message"] for r in records]
        assert sum("Traceback" in r.get("exception", "") for r in records) == 1
    else:
        messages = lines
        assert sum("Traceback" in line for line in lines) == 1
        assert not [
            line
            for line in lines
            if "FORGED" in line and not line[:4].isdigit() and not line.startswith("    ")
        ]
    assert len([m for m in messages if "GET /sign-in 500" in m]) == 1, messages
    assert len([m for m in messages if "GET /x\\x00y 404" in m or "GET /x\x00y 404" in m]) == 1
