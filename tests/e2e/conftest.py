"""The browser tier: the real server as a subprocess on a fresh SQLite file, driven by Debian's
Chromium through Playwright. Nothing here may hang: every wait has a timeout, and the server is
stopped by its pid whatever happens.

The practice under test is the demo practice (`hearth demo`), so these tests also prove that
`make run`'s first-run path works on SQLite and that its sign-ins are real.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.cli import demo
from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
HEARTH = Path(sys.executable).with_name("hearth")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
COMMAND_TIMEOUT = 120  # seconds for `hearth migrate` / `hearth demo`
START_TIMEOUT = 30  # seconds for the server to answer
STEP_TIMEOUT = 10_000  # milliseconds for any one browser action or expectation

PASSWORD = demo.DEMO_PASSWORD
OWNER = f"ana@{demo.DEMO_DOMAIN}"
LEE = f"lee@{demo.DEMO_DOMAIN}"
ADMIN = f"morgan@{demo.DEMO_DOMAIN}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """On a failure, keep what the browser showed and what the server logged."""
    report = yield
    if report.when == "call" and report.failed:
        funcargs = getattr(item, "funcargs", {})
        shown = next(
            (
                funcargs[f]
                for f in ("page", "empty_page", "page_without_javascript")
                if f in funcargs
            ),
            None,
        )
        if shown is not None:
            try:
                shot(shown, f"failed-{item.name}")
            except Exception as exc:  # the page may be gone; the report matters more
                report.sections.append(("screenshot", f"not taken: {exc}"))
        served = funcargs.get("server") or funcargs.get("empty_server")
        if served is not None:
            report.sections.append(("server log (last lines)", served.log_tail()))
    return report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    env: dict[str, str]

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _run(args: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ hearth {' '.join(args)}\n")
        out.flush()
        done = subprocess.run(
            [str(HEARTH), *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(
            f"`hearth {' '.join(args)}` failed ({done.returncode}):\n{log.read_text()[-3000:]}"
        )


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/sign-in", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answered, even if with an error status
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT}s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def _fresh_failure_shots() -> None:
    """Failure screenshots of an earlier run would mislead; the others are simply replaced."""
    for old in ARTIFACTS.glob("failed-*.png"):
        old.unlink()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        require_or_skip("REQUIRE_BROWSER", f"no Chromium at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api")
    return CHROMIUM


@contextmanager
def serve(workdir: Path, *seed: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Migrate a new SQLite file in `workdir`, run the `seed` commands, serve it; stop after.
    `env`: more settings (e.g. HEARTH_EMAIL=smtp and a test mail server)."""
    port = _free_port()
    more = env
    env = {
        **os.environ,
        "HEARTH_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'hearth.db'}",
        "HEARTH_HOST": "127.0.0.1",
        "HEARTH_PORT": str(port),
        "HEARTH_SECRET_KEY": secrets.token_urlsafe(32),
        "HEARTH_ENVIRONMENT": "development",
        "PYTHONUNBUFFERED": "1",
        **(more or {}),
    }
    log = workdir / "server.log"
    for command in ("migrate", *seed):
        _run(command.split(), env, log)
    with log.open("a") as out:
        process = subprocess.Popen(
            [str(HEARTH), "serve"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the test run does not race our own stop
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Server(url=url, log=log, env=env)
    finally:
        _stop(process)
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / f"server-{workdir.name}.log")


@pytest.fixture(scope="session")
def server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A migrated SQLite practice holding the demo, served on a free port."""
    with serve(tmp_path_factory.mktemp("demo"), "demo") as served:
        yield served


@pytest.fixture
def empty_server(chromium_path: Path, tmp_path: Path) -> Iterator[Server]:
    """A migrated SQLite practice with nobody in it yet: the first run of a new practice."""
    with serve(tmp_path) as served:
        yield served


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[object]:
    """Chromium for one test module. Not for the whole session: while Playwright's sync API is
    open it holds an event loop in the main thread, and the async tests of the other tiers,
    run later in the same session, could not start theirs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield launched
        finally:
            launched.close()


@contextmanager
def _page(browser, base_url: str, javascript: bool = True) -> Iterator[object]:
    """A fresh browser context (no cookies) on a laptop-sized screen."""
    from playwright.sync_api import expect

    expect.set_options(timeout=STEP_TIMEOUT)
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 1280, "height": 860},
        java_script_enabled=javascript,
    )
    context.set_default_timeout(STEP_TIMEOUT)
    context.set_default_navigation_timeout(STEP_TIMEOUT)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))

    def on_console(msg) -> None:
        # A page answered with 403/404 on purpose logs "Failed to load resource"; that is not
        # a script error. CSP refusals and exceptions are.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    opened.on("console", on_console)
    try:
        yield opened
    finally:
        context.close()
    # A Content-Security-Policy violation or a script error is a defect the user would hit.
    assert not errors, f"browser errors: {errors}"


@pytest.fixture
def page(browser, server: Server) -> Iterator[object]:
    with _page(browser, server.url) as opened:
        yield opened


@pytest.fixture
def page_without_javascript(browser, server: Server) -> Iterator[object]:
    with _page(browser, server.url, javascript=False) as opened:
        yield opened


@pytest.fixture
def empty_page(browser, empty_server: Server) -> Iterator[object]:
    with _page(browser, empty_server.url) as opened:
        yield opened


def shot(page, name: str, height: int | None = None) -> Path:
    """Save a full-page screenshot as a test artifact; with `height`, only the top of the page
    (the README's copies in docs/screenshots/ are cut this way to stay small)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # caret="initial": hiding the caret injects an inline style, which the pages' CSP refuses
    # (a console error the page fixture reports) when a text field has the focus.
    if height is None:
        page.screenshot(path=str(path), full_page=True, caret="initial")
    else:
        width = page.viewport_size["width"]
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=str(path), full_page=True, clip=clip, caret="initial")
    return path
