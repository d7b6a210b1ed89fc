"""Browser fixtures: a real HTTP server over the sample index and Debian's Chromium.

The server is werkzeug's threaded WSGI server in a thread, on a free
loopback port of 127.0.0.1. Chromium is driven by Playwright with the
system binary (``/usr/bin/chromium``; Playwright's own browser downloads are
never used). Without Chromium or Playwright the tests skip with the reason —
except in CI (``CI=true``), where that is a failure: CI must run them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI, but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # the test output stays readable
        pass


@pytest.fixture(scope="session")
def server(app: Flask) -> Iterator[str]:
    """Base URL of a live server for the session's sample index, on each engine (``app`` is parametrised)."""
    # Port 0: the kernel picks a free loopback port (werkzeug exits the process,
    # rather than raising, when a fixed port is taken).
    srv = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=srv.serve_forever, name="browser-test-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or scripts/ensure-chromium.sh)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Seen:
    """What the page did besides rendering: dialogs, script errors, console errors (CSP)."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def open_page(browser: Any, server: str, seen: Seen, **context_options: Any) -> Any:
    options = {"locale": "en-US", "viewport": {"width": 1280, "height": 860}, "base_url": server}
    options.update(context_options)
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    page = context.new_page()

    def on_dialog(dialog: Any) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: seen.page_errors.append(str(exc)))
    page.on("console", lambda msg: seen.console_errors.append(msg.text) if msg.type == "error" else None)
    return page


@pytest.fixture()
def seen() -> Seen:
    return Seen()


@pytest.fixture()
def page(browser: Any, server: str, seen: Seen) -> Iterator[Any]:
    """A fresh page (own cookies) in an English-speaking browser; fails on script or CSP errors."""
    pg = open_page(browser, server, seen)
    yield pg
    pg.context.close()
    assert not seen.page_errors, seen.page_errors
    assert not seen.console_errors, seen.console_errors


def shot(page: Any, name: str, full_page: bool = False) -> Path:
    """Save a screenshot artifact (artifacts/ is gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
