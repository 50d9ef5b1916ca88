"""The processes the load benchmarks start, and always stop: a PostgreSQL cluster and a redis-server
of their own (never the machine's shared ones, which other people's tests use), the app's set-up,
and the web servers. Every child dies with the benchmark (PR_SET_PDEATHSIG) even if it is killed
without a chance to clean up; on a normal exit, an exception or Ctrl+C, `close()` stops each one
and the temporary directory goes.

PR_SET_PDEATHSIG fires when the *thread* that started a child ends: start children from the main
thread (`spawn`), and wait for them (`wait`) in another if the event loop must go on meanwhile."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the scripts run with the project's .venv/bin/python
THREADS = 4  # gunicorn's gthread threads per worker
_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def production_server(app_spec: str, port: int, workers: int) -> list[str]:
    """The production server's command line: the app runs under `flask --app app serve --workers N`,
    the command docs/deploy.md and tests/cli/test_two_servers.py use (gunicorn, gthread workers);
    the baseline app (minimal_app) is served by gunicorn with the same settings."""
    if app_spec == "app:app":
        return [
            str(BIN / "flask"), "--app", "app", "serve",
            "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--threads", str(THREADS),
        ]  # fmt: skip
    return [
        str(BIN / "gunicorn"),
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(THREADS),
        "--bind", f"127.0.0.1:{port}",
        "--graceful-timeout", "5",
        app_spec,
    ]  # fmt: skip


def waitress_server(app_spec: str, port: int) -> list[str]:
    """`make run`'s server for the app (`flask serve`: waitress, 8 threads, one process); the
    baseline app on waitress with the same threads."""
    if app_spec == "app:app":
        return [str(BIN / "flask"), "--app", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [str(BIN / "waitress-serve"), "--listen", f"127.0.0.1:{port}", "--threads", "8", app_spec]


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def arguments(doc: str, *, learners: int, think: float) -> argparse.ArgumentParser:
    """The options both load benchmarks take; each adds its own."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=learners)
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn workers (default 2 x cores + 1)")
    parser.add_argument("--think", type=float, default=think, help="mean seconds between a learner's actions")
    return parser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dies_with_us(sig: int):
    def preexec() -> None:
        _libc.prctl(_PR_SET_PDEATHSIG, sig)

    return preexec


def _spawn(argv: list[str], log: Path, *, env: dict | None = None, user: str | None = None, death: int = signal.SIGTERM):
    with open(log, "ab") as out:
        return subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=ROOT,
            user=user,
            start_new_session=True,  # Ctrl+C reaches the benchmark only, which stops them in order
            preexec_fn=_dies_with_us(death),
        )


def _stop(proc: subprocess.Popen | None, sig: int, timeout: float = 15) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait_until(ready, proc: subprocess.Popen, log: Path, what: str, timeout: float) -> None:
    """Poll `ready()` until it holds; RuntimeError with the log's end if `proc` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start:\n{tail(log)}")
        time.sleep(0.1)


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        sys.exit("PostgreSQL's initdb was not found (apt-get install postgresql)")
    return Path(initdb).parent


class PostgresCluster:
    """A throwaway cluster: initdb in `tmp`, trust authentication, 127.0.0.1 on a free port. As root
    (initdb refuses root) its files belong to, and its server runs as, the `postgres` user."""

    def __init__(self, tmp: Path):
        self.bin = _postgres_bin()
        self.dir = tmp / "postgres"
        self.data = self.dir / "data"
        self.log = tmp / "postgres.log"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.user = "postgres" if os.geteuid() == 0 else None
        self.dir.mkdir()
        if self.user:
            tmp.chmod(0o711)  # the postgres user may pass through (not list) our temporary directory
            shutil.chown(self.dir, self.user)
            self.log.touch()
            shutil.chown(self.log, self.user)
        done = subprocess.run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
            capture_output=True,
            text=True,
            user=self.user,
            cwd=self.dir,
        )
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stdout}{done.stderr}")

    @property
    def version(self) -> str:
        return (self.data / "PG_VERSION").read_text().strip()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.spawn()
        self.wait()

    def spawn(self) -> None:
        argv = [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.dir)]
        argv += ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"]
        self.proc = _spawn(argv, self.log, user=self.user, death=signal.SIGQUIT)

    def wait(self) -> None:
        assert self.proc is not None
        _wait_until(self.accepts, self.proc, self.log, "PostgreSQL", 30)

    def accepts(self) -> bool:
        import psycopg

        try:
            psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", connect_timeout=2).close()
            return True
        except psycopg.OperationalError:
            return False

    def stop(self) -> None:
        """A fast shutdown (SIGINT: clients are disconnected, transactions rolled back)."""
        _stop(self.proc, signal.SIGINT, timeout=30)
        self.proc = None

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


class RedisServer:
    """`redis-server --port P --save ''` of our own (nothing persisted), in `tmp`."""

    def __init__(self, tmp: Path):
        self.port = free_port()
        self.dir = tmp
        self.log = tmp / "redis.log"
        self.proc: subprocess.Popen | None = None

    def url(self, db: int = 1) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.spawn()
        self.wait()

    def spawn(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            sys.exit("redis-server was not found (apt-get install redis-server)")
        argv = [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.dir)]
        self.proc = _spawn(argv, self.log)

    def wait(self) -> None:
        assert self.proc is not None
        _wait_until(self.ping, self.proc, self.log, "redis-server", 15)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        _stop(self.proc, signal.SIGTERM)
        self.proc = None

    def flush(self) -> None:
        if self.ping():
            subprocess.run([shutil.which("redis-cli") or "redis-cli", "-p", str(self.port), "flushall"], capture_output=True)


@contextlib.contextmanager
def workspace(prefix: str):
    """(a temporary directory with an instance/ folder, an ExitStack for what gets started):
    everything is stopped and removed on exit, on an exception, on Ctrl+C and on SIGTERM (which
    unwinds like Ctrl+C here)."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    with tempfile.TemporaryDirectory(prefix=prefix) as name, contextlib.ExitStack() as stack:
        tmp = Path(name)
        (tmp / "instance").mkdir()
        yield tmp, stack


def start_own_services(tmp: Path, stack: contextlib.ExitStack, database: str) -> tuple[PostgresCluster, RedisServer, dict[str, str]]:
    """Our own PostgreSQL (with `database` created) and Redis, stopped by `stack`, and the app's
    environment using them (limits in Redis db 1, flushed at the end)."""
    cluster = PostgresCluster(tmp)
    stack.callback(cluster.stop)
    cluster.start()
    url = cluster.create_database(database)
    redis = RedisServer(tmp)
    stack.callback(redis.stop)
    redis.start()
    stack.callback(redis.flush)
    return cluster, redis, app_environment(url, redis.url(1), tmp / "instance")


def app_environment(database_url: str, redis_url: str, instance: Path) -> dict[str, str]:
    """The production settings: a school behind one proxy (TRUSTED_PROXY_HOPS=1), so each simulated
    learner's X-Forwarded-For is its address and per-address limits stay on, counted in Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "RATELIMIT_", "REDIS_URL", "FLASK_"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_ENABLED="1",
        TRUSTED_PROXY_HOPS="1",
        SECRET_KEY=secrets.token_hex(32),
        INSTANCE_PATH=str(instance),
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_setup(env: dict[str, str], log: Path) -> float:
    """`flask setup` (migrations, code sets, the question bank): seconds taken."""
    start = time.perf_counter()
    with open(log, "ab") as out:
        done = subprocess.run([str(BIN / "flask"), "--app", "app", "setup"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        raise RuntimeError(f"flask setup failed:\n{tail(log)}")
    return time.perf_counter() - start


class WebServer:
    """A web server process on 127.0.0.1:`port`, ready once `ready_path` answers."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, log: Path, ready_path: str = "/account/signin"):
        self.argv, self.env, self.port, self.log, self.ready_path = argv, env, port, log, ready_path
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start and wait until it answers: seconds taken."""
        started = time.perf_counter()
        self.spawn()
        self.wait()
        return time.perf_counter() - started

    def spawn(self) -> None:
        self.proc = _spawn(self.argv, self.log, env=self.env)

    def wait(self, timeout: float = 90) -> None:
        assert self.proc is not None
        _wait_until(self.answers, self.proc, self.log, " ".join(self.argv), timeout)

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + self.ready_path, timeout=5) as response:
                return response.status < 500
        except urllib.error.HTTPError as exc:
            return exc.code < 500
        except OSError:
            return False

    def workers(self) -> list[int]:
        """The master's child processes (gunicorn's workers)."""
        if self.proc is None:
            return []
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def stop(self) -> None:
        _stop(self.proc, signal.SIGTERM)
        self.proc = None
