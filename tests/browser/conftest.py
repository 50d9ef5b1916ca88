"""Browser tests: Playwright drives a real Chromium against the real app served by waitress on a
free local port, using the session's test database. An axe-core scan runs on every page visited.

Finding the browser: CHROMIUM_PATH, else /usr/bin/chromium (Debian's package), else Playwright's own
download. Without any, the tests skip loudly, unless CODEPREP_REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
import warnings
from pathlib import Path

import pytest

from tests.support import make_app, wipe

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _browser_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        pytest.skip("playwright is not installed")
    path = _browser_path()
    pw = sync_playwright().start()
    try:
        try:
            browser = pw.chromium.launch(executable_path=path, args=LAUNCH_ARGS, headless=True)
        except Exception as exc:  # no browser on this machine
            message = (
                f"!!! BROWSER TESTS SKIPPED: no Chromium could be started ({exc.__class__.__name__}). "
                "Install Debian's 'chromium' package or set CHROMIUM_PATH."
            )
            if os.environ.get("CODEPREP_REQUIRE_BROWSER") == "1":
                pytest.fail(message)
            warnings.warn(message, pytest.PytestWarning, stacklevel=1)
            pytest.skip(message)
        yield browser
        browser.close()
    finally:
        pw.stop()


@pytest.fixture
def live_app(database_url, instance_path):
    app = make_app(database_url, instance_path, WTF_CSRF_ENABLED=True, TESTING=False, PROPAGATE_UNHANDLED=False)
    yield app
    wipe(app)


@pytest.fixture
def live_server(live_app):
    from waitress.server import create_server

    server = create_server(live_app, host="127.0.0.1", port=0, threads=4, ident="test")
    port = server.effective_port
    stop = threading.Event()

    def serve():
        # the loop in small steps, so that it has stopped before the sockets close (closing them
        # under a running select() raised "Bad file descriptor" in the server thread now and then)
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    stop.set()
    thread.join(timeout=5)
    server.close()
    server.task_dispatcher.shutdown()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # script errors and CSP violations; 4xx answers to forms are expected and not counted
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None,
    )
    page.js_errors = errors
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def axe_check():
    """axe_check(page) fails on any serious or critical accessibility violation of the current page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
        summary = [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}" for v in bad]
        assert not bad, f"accessibility violations on {page.url}:\n" + "\n".join(summary)
        return results

    return check
