"""Simulated learners over HTTP (asyncio + aiohttp): what a browser and the exam page's script
(static/js/exam.js) send, each request timed and recorded, every answer the server acknowledged
remembered for the check against the database (figures.check_answers)."""

from __future__ import annotations

import asyncio
import errno
import json
import random
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

try:
    import aiohttp
except ImportError:  # pragma: no cover - said once, clearly
    raise SystemExit("The load benchmarks need the `bench` extra: .venv/bin/pip install -e '.[bench]'") from None

CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
OPTION = re.compile(r'<input type="(?:radio|checkbox)" name="answer" value="([A-F])"')
QUESTION_PATH = re.compile(r"^/exams/attempts/(\d+)/q/(\d+)$")
RESUME = re.compile(r'href="/exams/attempts/(\d+)/q/1"')  # the start page's "Resume" of an open exam
PASSWORD = "exam-day-benchmark-42"
TIMEOUT = aiohttp.ClientTimeout(total=30)
# below gunicorn's 2 s keep-alive, so that a learner never sends on a connection the server is
# closing (browsers retry such a request silently; aiohttp would report it)
KEEPALIVE = 1.0

# what a request of each kind answers when it worked
EXPECTED = {
    "form page": 200,
    "sign-up": 302,
    "sign-in": 302,
    "start exam": 302,
    "exam page": 200,
    "autosave": 200,
    "clock": 200,
    "save and next": 302,
    "minimal page": 200,
}


@dataclass
class Sample:
    phase: str
    kind: str
    at: float  # time.monotonic() when it was sent
    ms: float
    status: int | str  # the HTTP status, or what happened instead: refused, disconnected, timeout
    body: str  # "ok", or what the unexpected answer looked like (classify)


class Recorder:
    """Every request of the run; `phase` labels what is going on when it is sent."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.phase = "set-up"

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)


@dataclass
class Reply:
    status: int | str
    text: str
    location: str
    ok: bool


def classify(status: int | str, content_type: str, text: str, location: str) -> str:
    """What a user (or the page's script) saw instead of the expected answer."""
    if isinstance(status, str):
        return f"no answer ({status})"
    lowered = text.lower()
    if "traceback" in lowered or "werkzeug debugger" in lowered:
        return "stack trace"
    if 300 <= status < 400:
        return f"redirect to {location or '?'}"
    if not text.strip():
        return "empty body"
    if "json" in content_type:
        try:
            data = json.loads(text)
        except ValueError:
            return "invalid JSON"
        return "JSON error" if isinstance(data, dict) and "error" in data else "JSON without error"
    if "html" in content_type:
        title = re.search(r"<title>(.*?)</title>", text, re.S)
        named = f" (title {title.group(1).strip()[:60]!r})" if title else ""
        return f"HTML page {'saying' if 'try again' in lowered else 'without'} 'try again'{named}"
    return f"other body ({content_type or 'no type'}): {text.strip()[:60]!r}"


def think_seconds(rng: random.Random, mean: float) -> float:
    """A pause before the next action: exponential around `mean`, at most 4x it."""
    return min(rng.expovariate(1 / mean), 4 * mean) if mean > 0 else 0.0


class Client:
    """One browser: its own cookie jar and connection, and its own address (X-Forwarded-For, read
    by the app behind TRUSTED_PROXY_HOPS=1)."""

    def __init__(self, base: str, recorder: Recorder, address: str | None = None):
        self.base, self.recorder, self.address = base, recorder, address
        self.session: aiohttp.ClientSession | None = None

    def open(self) -> None:
        headers = {"X-Forwarded-For": self.address} if self.address else {}
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies for 127.0.0.1
            connector=aiohttp.TCPConnector(limit=1, keepalive_timeout=KEEPALIVE),
            headers=headers,
            timeout=TIMEOUT,
        )

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def call(self, kind: str, method: str, path: str, *, expect_path: str | None = None, **kwargs) -> Reply:
        """One request, not following redirects (a browser's next GET is a request of its own).
        A redirect counts as done only to `expect_path` when it is given."""
        assert self.session is not None
        at, start = time.monotonic(), time.perf_counter()
        text, location, content_type = "", "", ""
        status: int | str
        try:
            async with self.session.request(method, self.base + path, allow_redirects=False, **kwargs) as response:
                text = await response.text(errors="replace")
                status, content_type = response.status, response.headers.get("Content-Type", "")
                location = urlsplit(response.headers.get("Location", "")).path
        except asyncio.TimeoutError:
            status = "timeout"
        except aiohttp.ClientConnectorError:
            status = "refused"
        except aiohttp.ServerDisconnectedError:
            status = "disconnected"
        except aiohttp.ClientOSError as exc:
            status = "reset" if exc.errno == errno.ECONNRESET else f"{type(exc).__name__} {exc.errno}"
        except aiohttp.ClientError as exc:
            status = type(exc).__name__
        ms = (time.perf_counter() - start) * 1000
        ok = status == EXPECTED[kind] and (expect_path is None or location == expect_path)
        body = "ok" if ok else classify(status, content_type, text, location)
        self.recorder.add(Sample(self.recorder.phase, kind, at, ms, status, body))
        return Reply(status, text, location, ok)

    async def form_token(self, path: str) -> str | None:
        reply = await self.call("form page", "GET", path)
        found = CSRF.search(reply.text) if reply.ok else None
        return found.group(1) if found else None


@dataclass
class Learner:
    """A learner taking a CPC exam: `acked` holds, per question, the letter (as shown) the server
    acknowledged last; one request at a time, so the last acknowledged is what must be stored."""

    number: int
    base: str
    recorder: Recorder
    rng: random.Random
    email: str = ""
    client: Client = field(init=False)
    attempt_id: int | None = None
    started_at: float = 0.0  # time.time() at the middle of the start request
    resumed: bool = False  # the start request failed, the start page then offered the exam to resume
    total: int = 100
    position: int = 1
    token: str = ""
    letters: dict[int, list[str]] = field(default_factory=dict)
    flagged: set[int] = field(default_factory=set)
    acked: dict[int, str] = field(default_factory=dict)
    acks: int = 0  # requests that acknowledged an answer

    def __post_init__(self) -> None:
        self.email = self.email or f"learner{self.number}.{secrets.token_hex(3)}@example.org"
        # a per-learner address from 198.18.0.0/15 (reserved for benchmarks): a header value only
        self.client = Client(self.base, self.recorder, f"198.18.{self.number // 250}.{self.number % 250 + 1}")
        self.client.open()

    async def close(self) -> None:
        await self.client.close()

    async def sign_up(self) -> bool:
        token = await self.client.form_token("/account/signup")
        if token is None:
            return False
        data = {"csrf_token": token, "email": self.email, "display_name": "", "password": PASSWORD, "confirm": PASSWORD}
        return (await self.client.call("sign-up", "POST", "/account/signup", data=data)).ok

    async def sign_in(self, *, new_browser: bool = True) -> bool:
        """Sign in (by default from a browser without cookies, as on exam morning)."""
        if new_browser:
            await self.client.close()
            self.client.open()
        token = await self.client.form_token("/account/signin")
        if token is None:
            return False
        data = {"csrf_token": token, "email": self.email, "password": PASSWORD}
        return (await self.client.call("sign-in", "POST", "/account/signin", data=data)).ok

    async def start_exam(self, exam: str = "CPC", tries: int = 3) -> bool:
        """Start the exam; when the start fails (an error, or no answer in time), reload the start
        page as a person would: it offers to resume the exam if the server started it after all."""
        for _ in range(tries):
            reply = await self.client.call("form page", "GET", f"/exams/{exam}")
            running = RESUME.search(reply.text) if reply.ok else None
            if running:
                self.attempt_id, self.resumed = int(running.group(1)), True
                return True
            token = CSRF.search(reply.text) if reply.ok else None
            if token is None:
                continue
            before = time.time()
            reply = await self.client.call("start exam", "POST", f"/exams/{exam}", data={"csrf_token": token.group(1)})
            found = QUESTION_PATH.match(reply.location)
            if reply.status == 302 and found:
                self.attempt_id, self.started_at = int(found.group(1)), (before + time.time()) / 2
                return True
        return False

    def _question(self, position: int) -> str:
        return f"/exams/attempts/{self.attempt_id}/q/{position}"

    async def view(self, position: int) -> Reply:
        """The exam page of one question (and what the page holds: its token and options)."""
        reply = await self.client.call("exam page", "GET", self._question(position))
        if reply.ok:
            token = CSRF.search(reply.text)
            self.token = token.group(1) if token else self.token
            self.letters[position] = OPTION.findall(reply.text) or ["A"]
            total = re.search(r'data-total="(\d+)"', reply.text)
            self.total = int(total.group(1)) if total else self.total
        return reply

    async def autosave(self, position: int, letter: str | None = None, flag: bool | None = None) -> Reply:
        """What exam.js posts when an option or the flag changes."""
        payload: dict = {"position": position}
        if letter is not None:
            payload["letters"] = [letter]
        if flag is not None:
            payload["flag"] = flag
        reply = await self.client.call(
            "autosave", "POST", f"/api/exams/{self.attempt_id}/answers", json=payload, headers={"X-CSRFToken": self.token}
        )
        if reply.ok and letter is not None:
            self.acked[position] = letter
            self.acks += 1
        return reply

    async def clock(self) -> tuple[int, float] | None:
        """The clock endpoint's seconds left (exam.js polls it every minute), and when it was
        asked (time.time() at the middle of the request)."""
        before = time.time()
        reply = await self.client.call("clock", "GET", f"/api/exams/{self.attempt_id}/clock")
        if not reply.ok:
            return None
        return json.loads(reply.text)["seconds_left"], (before + time.time()) / 2

    async def save_and_next(self, position: int, letter: str) -> Reply:
        """The form's "Save and next" button (the last question: "Review and submit"), which
        saves the checked option and the flag too; done when it redirects onwards."""
        last = position >= self.total
        data = [("csrf_token", self.token), ("answer", letter), ("flag", "0")]
        if position in self.flagged:
            data.append(("flag", "1"))
        data.append(("action", "review" if last else "next"))
        onwards = f"/exams/attempts/{self.attempt_id}/review" if last else self._question(position + 1)
        reply = await self.client.call("save and next", "POST", self._question(position), data=data, expect_path=onwards)
        if reply.ok:
            self.acked[position] = letter
            self.acks += 1
        return reply

    async def take_exam(self, going: Callable[[], bool], think: float) -> None:
        """Question after question while `going()`: read, pick (sometimes change one's mind,
        sometimes flag), the clock poll, "Save and next"; `think` seconds between actions."""
        rng = self.rng
        while going():
            position = self.position
            if not (await self.view(position)).ok:
                await asyncio.sleep(max(think, 0.5))
                continue
            options = self.letters[position]
            choice = rng.choice(options)
            await asyncio.sleep(think_seconds(rng, think))
            await self.autosave(position, choice)
            if rng.random() < 0.25:  # a change of mind
                await asyncio.sleep(think_seconds(rng, think))
                choice = rng.choice(options)
                await self.autosave(position, choice)
            if rng.random() < 0.1:
                self.flagged.add(position)
                await self.autosave(position, flag=True)
            await asyncio.sleep(think_seconds(rng, think))
            await self.clock()
            if (await self.save_and_next(position, choice)).ok:
                self.position = position + 1 if position < self.total else 1

    async def hammer_pages(self, until: float) -> None:
        while time.monotonic() < until:
            await self.view(self.rng.randint(1, self.total))

    async def hammer_autosave(self, until: float) -> None:
        while time.monotonic() < until:
            position = self.rng.randint(1, self.total)
            await self.autosave(position, self.rng.choice(self.letters.get(position, ["A"])))


async def hammer_minimal(base: str, recorder: Recorder, connections: int, until: float) -> None:
    """`connections` browsers asking the baseline page back to back until `until`."""
    clients = [Client(base, recorder) for _ in range(connections)]
    for client in clients:
        client.open()

    async def loop(client: Client) -> None:
        while time.monotonic() < until:
            await client.call("minimal page", "GET", "/")

    try:
        await asyncio.gather(*(loop(c) for c in clients))
    finally:
        await asyncio.gather(*(c.close() for c in clients))


async def in_waves(coroutines, width: int) -> list:
    """Run the coroutines at most `width` at a time (results in order)."""
    gate = asyncio.Semaphore(width)

    async def gated(coroutine):
        async with gate:
            return await coroutine

    return await asyncio.gather(*(gated(c) for c in coroutines))
