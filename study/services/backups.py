"""Backups of the whole database, and restoring one (`flask backup create|restore`, docs/deploy.md).

SQLite: SQLite's online backup API copies every page in one read transaction, so a backup taken
while the site runs is consistent. Restoring copies the backup into the live file the same way,
in one write transaction: the web processes' requests wait for it (busy timeout) and then see the
restored data; nothing is half-copied. A file that is not a CodePrep database, or one written by
a newer CodePrep (a migration this code does not know), is refused.

PostgreSQL: pg_dump (custom format) and pg_restore, run with the connection's settings in libpq's
environment variables (the password never appears on a command line). Restoring replaces the
database's tables in one transaction; stop the web processes first (they would keep plans prepared
against the old tables), or restore into a new database and point DATABASE_URL at it.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from study.services import ServiceError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
#: libpq's environment variable for each connection parameter a DATABASE_URL's query may carry
LIBPQ_QUERY_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
PG_CLIENT_MISSING = (
    "{tool} is not on PATH. Install the PostgreSQL client of the server's major version (Debian: "
    "postgresql-client), or run it where it is installed, e.g. in the database's container: {example}"
)


class BackupError(ServiceError):
    """A backup or restore that cannot be done; nothing was changed."""


@dataclass(frozen=True)
class Done:
    path: Path
    summary: str


def backend(database_url: str) -> str:
    """"sqlite" or "postgresql" (the URL's dialect)."""
    return make_url(database_url).get_backend_name()


def backup_name(dialect: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d-%H%M%S")
    return f"codeprep-{stamp}.{'sqlite' if dialect == 'sqlite' else 'dump'}"


def _target(dest: Path, dialect: str) -> Path:
    """The backup's file: `dest`, or a time-stamped name inside it when it is a folder. Never overwrites."""
    if dest.is_dir():
        dest = dest / backup_name(dialect)
    if dest.exists():
        raise BackupError(f"{dest} already exists: choose another name (or give a folder for a time-stamped one).")
    if not dest.parent.is_dir():
        raise BackupError(f"The folder {dest.parent} does not exist.")
    return dest


def create(database_url: str, dest: Path) -> Done:
    """Back the database up into `dest` (a new file, or a folder for a time-stamped file)."""
    dialect = backend(database_url)
    target = _target(Path(dest), dialect)
    if dialect == "sqlite":
        return _sqlite_create(sqlite_path(database_url), target)
    if dialect == "postgresql":
        return _pg_dump(make_url(database_url), target)
    raise BackupError(f"Backups of {dialect} databases are not supported: use the database's own tools.")


def restore(database_url: str, source: Path) -> Done:
    """Replace the database's contents with the backup in `source` (see the module's notes)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    dialect = backend(database_url)
    if dialect == "sqlite":
        return _sqlite_restore(sqlite_path(database_url), source)
    if dialect == "postgresql":
        return _pg_restore(make_url(database_url), source)
    raise BackupError(f"Restoring {dialect} databases is not supported: use the database's own tools.")


# ------------------------------------------------------------------ SQLite
def sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Only a SQLite database in a file can be backed up or restored.")
    return Path(database)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30)  # waits for a writer to finish, as the web processes do
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _sqlite_summary(conn: sqlite3.Connection) -> str:
    users = conn.execute('SELECT count(*) FROM "user"').fetchone()[0]
    attempts = conn.execute("SELECT count(*) FROM attempt").fetchone()[0]
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return f"{users} account(s), {attempts} attempt(s), schema {revision[0] if revision else 'unknown'}"


def _sqlite_create(live: Path, target: Path) -> Done:
    if not live.is_file():
        raise BackupError(f"There is no database at {live}.")
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
    os.close(fd)
    try:
        src, dst = _connect(live), sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, whatever the live one uses
            _check_sqlite(dst, target)
            summary = _sqlite_summary(dst)
        finally:
            src.close()
            dst.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Done(target, summary)


def known_revisions() -> set[str]:
    """The migrations this code knows (a backup at any of them can be brought up to date)."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def schema_is_current() -> bool:
    """Is the database at this code's newest migration? (False for a new, empty database.)"""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from study.extensions import db

    heads = set(ScriptDirectory(str(MIGRATIONS)).get_heads())
    with db.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


def _check_sqlite(conn: sqlite3.Connection, path: Path) -> None:
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a CodePrep SQLite database ({exc}).") from exc
    if verdict != "ok":
        raise BackupError(f"{path} is damaged: {verdict}")
    if revision is None:
        raise BackupError(f"{path} has no schema version: not a CodePrep database.")
    if revision[0] not in known_revisions():
        raise BackupError(f"{path} was written by a newer CodePrep (schema {revision[0]}): upgrade CodePrep first.")


def _sqlite_restore(live: Path, source: Path) -> Done:
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check_sqlite(backup, source)
        live.parent.mkdir(parents=True, exist_ok=True)
        if not live.exists():
            os.close(os.open(live, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        dst = _connect(live)
        try:
            backup.backup(dst)  # every page in one write transaction: readers see the old or the new database
            summary = _sqlite_summary(dst)
        finally:
            dst.close()
    finally:
        backup.close()
    return Done(live, summary)


# ------------------------------------------------------------------ PostgreSQL
def libpq_environment(url: URL) -> dict[str, str]:
    """The connection of `url` as libpq environment variables (PGHOST, PGPASSWORD, ...)."""
    env = {"PGHOST": url.host or "", "PGPORT": str(url.port or ""), "PGUSER": url.username or "", "PGPASSWORD": url.password or ""}
    env["PGDATABASE"] = url.database or ""
    for key, value in url.query.items():
        name = LIBPQ_QUERY_ENV.get(key)
        if name:
            env[name] = value if isinstance(value, str) else value[-1]
    return {k: v for k, v in env.items() if v}


def _run(tool: str, args: list[str], url: URL, example: str) -> None:
    binary = shutil.which(tool)
    if binary is None:
        raise BackupError(PG_CLIENT_MISSING.format(tool=tool, example=example))
    env = {**os.environ, **libpq_environment(url)}
    done = subprocess.run([binary, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")


def _pg_dump(url: URL, target: Path) -> Done:
    example = f"docker compose exec -T db pg_dump --format=custom --no-owner -U {url.username or 'postgres'} {url.database} > {target.name}"
    partial = target.with_name(target.name + ".partial")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        _run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"], url, example)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Done(target, f"pg_dump of database {url.database}")


def _pg_restore(url: URL, source: Path) -> Done:
    user = url.username or "postgres"
    example = f"docker compose exec -T db pg_restore --clean --if-exists --no-owner -U {user} -d {url.database} < {source.name}"
    args = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    _run("pg_restore", [*args, f"--dbname={url.database}", str(source)], url, example)
    return Done(source, f"restored into database {url.database}")
