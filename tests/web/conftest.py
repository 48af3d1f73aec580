"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``, installed by
``.ci/run``; Playwright never downloads a browser of its own here). Without Chromium the
browser tests are skipped with the reason, except in CI (``CI`` set), where they fail.
Screenshots go to ``artifacts/screenshots/`` (git-ignored; CI keeps them as artifacts)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("DETENTE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Flags that keep Chromium from reaching out: this machine has no network but the registries.
QUIET = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-quic", "--disable-gpu"]


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    reason = (f"Chromium not found at {CHROMIUM}: install Debian's chromium "
              "(apt-get install -y chromium) to run the browser tests")
    if os.environ.get("CI"):
        pytest.fail(reason + " (CI must run them; .ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at Debian's Chromium."""
    return {**browser_type_launch_args, "executable_path": _chromium_or_skip(),
            "args": QUIET, "headless": True}


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``detente serve`` on a free loopback port in a thread, over a fresh data dir."""
    import uvicorn

    from detente.web import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(tmp_path / "data"), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
