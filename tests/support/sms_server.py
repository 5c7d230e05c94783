"""A local stand-in for Twilio's Messages API, enough for the official SDK: it checks the basic
auth, takes the form the SDK posts (`To`, `From` or `MessagingServiceSid`, `Body`), keeps it, and
answers as Twilio does — 201 with a message resource, or Twilio's error body for the numbers it
was told to refuse (permanently, with Twilio's code) or when told it is down (a 503)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SID = "AC" + "0" * 32
TOKEN = "test-token"


@dataclass
class FakeTwilio:
    url: str = ""
    received: list[dict[str, str]] = field(default_factory=list)
    refuse: dict[str, int] = field(default_factory=dict)  # number -> Twilio error code
    down: bool = False
    inbound: list[dict[str, str]] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64  # the SDK opens several connections at once


def _handler(state: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:  # quiet: tests read `received`
            pass

        def _answer(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
                return self._answer(404, {"code": 20404, "message": "not found", "status": 404})
            if self.headers.get("Authorization") != expected:
                return self._answer(401, {"code": 20003, "message": "auth", "status": 401})
            if state.down:
                return self._answer(503, {"code": 20500, "message": "down", "status": 503})
            code = state.refuse.get(form.get("To", ""))
            if code:
                return self._answer(400, {"code": code, "message": "refused", "status": 400})
            state.received.append(form)
            sid = f"SM{len(state.received):032d}"
            return self._answer(
                201,
                {"sid": sid, "account_sid": SID, "to": form.get("To"), "status": "queued"},
            )

    return Handler


@contextmanager
def fake_twilio() -> Iterator[FakeTwilio]:
    state = FakeTwilio()
    server = _Server(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
