"""Two servers, one site: two `flask serve --workers 2` (gunicorn) processes on two ports share the
test session's database (SQLite in the SQLite pass, PostgreSQL in the PostgreSQL pass), one Redis
and one SECRET_KEY, as two machines behind a load balancer would. One browser (one cookie jar)
alternates between them: signing up, an exam autosaved and reloaded, submitted and its result,
signing out, and the sign-in limits, must all look the same from either server.

Needs Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379/0); skipped, saying so, without it.
The servers are started with the command lines of docs/deploy.md and always stopped."""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.learning_bank import write_learning_bank
from tests.support import free_port, make_app, wipe

FLASK = [str(Path(sys.executable).with_name("flask")), "--app", "app"]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "two servers one site"
START_SECONDS = 40


@dataclass
class Answer:
    status: int
    headers: dict
    text: str

    def csrf_token(self) -> str:
        found = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', self.text)
        assert found, f"no CSRF token in the page ({self.status})"
        return found.group(1)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One cookie jar for every port of 127.0.0.1 (cookies ignore the port), redirects not followed.
    Requests come from `address` (X-Forwarded-For, the servers trusting one proxy hop), so this run's
    limits and back-off counters in the shared Redis are its own."""

    def __init__(self, address: str):
        self.address = address
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def session_cookie(self) -> str:
        return next(c.value for c in self.jar if c.name == "session")

    def request(self, port: int, path: str, form: dict | None = None, json_body=None, headers=None, cookie: str | None = None) -> Answer:
        data, sent = None, {"X-Forwarded-For": self.address, **(headers or {})}
        if form is not None:
            data, sent["Content-Type"] = urlencode(form, doseq=True).encode(), "application/x-www-form-urlencoded"
        if json_body is not None:
            data, sent["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=sent, method="POST" if data else "GET")
        if cookie is not None:  # a copy of a cookie, sent by another browser
            request.add_header("Cookie", f"session={cookie}")
            opener = urllib.request.build_opener(_NoRedirect())
        else:
            opener = self.opener
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as refused:  # 3xx (not followed), 4xx, 5xx
            response = refused
        with response:
            return Answer(response.status, dict(response.headers), response.read().decode("utf-8"))


@pytest.fixture
def redis_url():
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"needs Redis, shared by the two servers: none at {url} (set TEST_REDIS_URL)")
    return url


def _server_environment(database_url: str, redis_url: str, secret_key: str, instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY", "RATELIMIT_STORAGE_URI", "DEBUG", "HTTPS")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY=secret_key,
        INSTANCE_PATH=str(instance),  # one per server, as on two machines: only SECRET_KEY makes them agree
        TRUSTED_PROXY_HOPS="1",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def two_servers(database_url, instance_path, redis_url, tmp_path):
    """The ports of two running servers; the database is set up first with `flask setup` (the
    learning bank as QUESTION_BANK), and emptied afterwards."""
    secret_key = secrets.token_hex(32)
    bank = write_learning_bank(tmp_path / "bank")
    envs = [_server_environment(database_url, redis_url, secret_key, tmp_path / f"instance-{n}") for n in (1, 2)]
    setup = subprocess.run([*FLASK, "setup"], env={**envs[0], "QUESTION_BANK": str(bank)}, cwd=ROOT, capture_output=True, text=True)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    ports, servers, logs = [free_port(), free_port()], [], []
    try:
        for port, env in zip(ports, envs, strict=True):
            log = open(tmp_path / f"server-{port}.log", "w+", encoding="utf-8")  # noqa: SIM115 - closed below
            logs.append(log)
            command = [*FLASK, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
            servers.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        for port, server in zip(ports, servers, strict=True):
            _wait_until_healthy(port, server)
        yield ports
    finally:
        _stop(servers)
        for log in logs:
            log.seek(0)
            print(f"--- {log.name}\n{log.read()[-4000:]}")  # shown when the test fails
            log.close()
        wipe(make_app(database_url, instance_path))


def _wait_until_healthy(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server on port {port} exited ({server.returncode})"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200 and json.load(answer) == {"status": "ok", "database": "ok", "redis": "ok"}:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server on port {port} did not become healthy in {START_SECONDS} s")


def _stop(servers: list[subprocess.Popen]) -> None:
    """SIGTERM to each server's own process group (gunicorn's master and its workers; they stop
    gracefully side by side), then SIGKILL for any still running."""
    running = [server for server in servers if server.poll() is None]
    for server in running:
        os.killpg(server.pid, signal.SIGTERM)
    for server in running:
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def _forget(redis_url: str, address: str) -> None:
    """This run's limits and back-off counters (keyed by its address) leave the shared Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{address}*"):
        client.delete(key)


def test_two_servers_serve_one_site(two_servers, redis_url):
    a, b = two_servers
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    browser = Browser(address)
    email = f"two-servers-{secrets.token_hex(4)}@example.org"
    try:
        _sign_up_exam_and_sign_out(browser, a, b, email)
        _shared_sign_in_limits(browser, a, b, email)
    finally:
        _forget(redis_url, address)


def _sign_up_exam_and_sign_out(browser: Browser, a: int, b: int, email: str) -> None:
    # sign up on A with the form (and its CSRF token) that B served: the cookie B signed, A accepts
    form = browser.request(b, "/account/signup")
    signup = {"email": email, "display_name": "Two Servers", "password": PASSWORD, "confirm": PASSWORD, "csrf_token": form.csrf_token()}
    assert browser.request(a, "/account/signup", form=signup).status == 302
    home = browser.request(b, "/")
    assert home.status == 200 and "Hello, Two Servers" in home.text  # the session A opened, B knows (a new account's greeting)

    # an exam started on B from A's page
    started = browser.request(b, "/exams/CPC", form={"csrf_token": browser.request(a, "/exams/CPC").csrf_token()})
    assert started.status == 302, started.text
    attempt = int(re.search(r"/exams/attempts/(\d+)/q/1$", started.headers["Location"]).group(1))

    # answers autosaved alternately on A and B, each read back from the other server
    page = browser.request(a, f"/exams/attempts/{attempt}/q/1")
    token, count = page.csrf_token(), len(re.findall(r'aria-label="Question \d+,', page.text))
    saved = []
    for position in range(1, count + 1):
        save_on, read_on = (a, b) if position % 2 else (b, a)
        if 'name="answer"' not in browser.request(read_on, f"/exams/attempts/{attempt}/q/{position}").text:
            continue  # the case: coded in rows, not letters
        answer = browser.request(
            save_on, f"/api/exams/{attempt}/answers", json_body={"position": position, "letters": ["B"]}, headers={"X-CSRFToken": token}
        )
        saved.append(position)
        assert answer.status == 200 and json.loads(answer.text)["answered"] == len(saved), answer.text
        reloaded = browser.request(read_on, f"/exams/attempts/{attempt}/q/{position}")
        assert re.search(r'value="B" id="opt-B"\s+checked', reloaded.text), f"question {position} lost its answer on {read_on}"
    assert len(saved) >= 4

    # submitted on A, the result read on B
    submitted = browser.request(a, f"/exams/attempts/{attempt}/submit", form={"csrf_token": token})
    assert submitted.status == 302 and submitted.headers["Location"].endswith(f"/exams/attempts/{attempt}/result")
    result = browser.request(b, f"/exams/attempts/{attempt}/result")
    assert result.status == 200 and f"Answered {len(saved)} of {count}." in result.text

    # signed out on B: the session is over on A too, even for a copy of the old cookie
    old_cookie = browser.session_cookie()
    token = browser.request(a, "/exams").csrf_token()
    assert browser.request(b, "/account/signout", form={"csrf_token": token}).status == 302
    for cookie in (None, old_cookie):
        refused = browser.request(a, "/exams", cookie=cookie)
        assert refused.status == 302 and "/account/signin" in refused.headers["Location"]


def _shared_sign_in_limits(browser: Browser, a: int, b: int, email: str) -> None:
    """Wrong passwords alternate between the servers: the per-address request limit counts down
    across both (X-RateLimit-Remaining), and the sixth failure starts the back-off on both: four
    worker processes, each counting alone, would have seen at most two failures."""
    token = browser.request(b, "/account/signin").csrf_token()
    seen = []
    for n in range(6):
        wrong = browser.request((a, b)[n % 2], "/account/signin", form={"email": email, "password": "not it", "csrf_token": token})
        assert wrong.status == 400 and "not right" in wrong.text
        seen.append((int(wrong.headers["X-RateLimit-Reset"]), int(wrong.headers["X-RateLimit-Remaining"])))
    steps = [(before, after) for before, after in itertools.pairwise(seen) if before[0] == after[0]]  # same one-minute window
    assert steps and all(after[1] == before[1] - 1 for before, after in steps), seen
    for port in (a, b):
        waiting = browser.request(port, "/account/signin", form={"email": email, "password": PASSWORD, "csrf_token": token})
        assert waiting.status == 429 and "Wait" in waiting.text and int(waiting.headers["Retry-After"]) > 0
