"""How every process writes its log: one handler, on the root logger, and every other logger
(uvicorn's, Litestar's, ours) propagating to it without a handler of its own, so each line is
written once whatever configured logging before or after (a worker process builds its app after
uvicorn applied this; Litestar's own logging set-up is off, see adapters/web/app.py).

Nothing a request carries can forge a line: control characters in a message (a path's
`%0a`, a NUL) are written as escapes (`\\n`, `\\x00`); a traceback's lines are indented, so no
line of it — an exception's message included — starts where a log line starts; a chain of
exceptions shows one traceback (see `exception_text`).
`HEARTH_LOG_FORMAT=json` writes one JSON object per line instead (for a log collector)."""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime
from typing import Any

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FORMATS = ("text", "json")


def escaped(text: str) -> str:
    """`text` on one line: each control character as its Python escape."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def exception_text(exc_info: Any) -> str:
    """One traceback, the outermost's, and one line per exception it came from: a database
    error arrives as three chained exceptions (asyncpg's, the DBAPI's, SQLAlchemy's), whose
    three tracebacks read as the same failure logged three times."""
    _, exc, tb = exc_info
    lines = traceback.format_exception(type(exc), exc, tb, chain=False)
    cause, seen = exc.__cause__ or exc.__context__, {id(exc)}
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        lines.append(f"caused by {type(cause).__qualname__}: {cause}\n")
        cause = cause.__cause__ or cause.__context__
    return "".join(lines).rstrip("\n")


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escaped(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        return exception_text(ei)

    def format(self, record: logging.LogRecord) -> str:
        head, *rest = super().format(record).split("\n")
        return "\n".join([head, *("    " + escaped(line) for line in rest)])


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = exception_text(record.exc_info)
        return json.dumps(line)  # ASCII: every control character escaped


def config(log_format: str = "text", level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` (and uvicorn `log_config`) for `log_format`."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    passing = {"handlers": [], "propagate": True, "level": level}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"hearth": {"()": f"{__name__}.{formatter.__name__}"}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "hearth",
                "stream": "ext://sys.stderr",
            }
        },
        # Libraries' own INFO lines (an HTTP client's request URLs...) stay out: warnings only.
        "root": {"handlers": ["default"], "level": "WARNING"},
        "loggers": {
            "uvicorn": passing,
            "uvicorn.error": passing,
            # Whole URLs (search words, the feed's secret): our request log instead.
            "uvicorn.access": {"handlers": [], "propagate": False},
            "litestar": passing,
            "hearth": passing,
        },
    }
