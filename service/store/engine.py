"""Engines for the two supported databases.

SQLite (the default): WAL mode, so readers never wait for the writer; a busy timeout, so a writer
waits for another instead of failing with "database is locked"; and write transactions that
start with `BEGIN IMMEDIATE`, so two writers never both hold a read lock and deadlock on the
upgrade (SQLite cannot retry that case, whatever the timeout). Reads start a plain `BEGIN`.

PostgreSQL: `postgresql://` URLs use psycopg 3 (the driver procrastinate uses too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url

BUSY_TIMEOUT_MS = 30_000
SQLITE_CONNECTIONS = 4
#: Execution option marking the write engine (see `_begin`).
WRITE_OPTION = "offduty_write"


def normalize_url(url: str) -> URL:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # Few connections, and no overflow: a WAL database has only 5 read-mark slots, and a reader that
    # finds them all taken (by snapshots of a busy writer's WAL) gets SQLITE_BUSY and sleeps in the
    # busy handler's back-off. Waiting in the pool's queue instead keeps requests in order.
    engine = create_engine(
        url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        pool_size=SQLITE_CONNECTIONS,
        max_overflow=0,
        pool_timeout=BUSY_TIMEOUT_MS / 1000,
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _begin)
    # WAL is a property of the file: set once here, not on every new connection (switching modes
    # takes a lock, which a busy database makes a new connection wait for)
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA journal_mode=WAL")
    finally:
        raw.close()
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling would defer BEGIN; `_begin` emits it instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def libpq_url(url: str) -> str:
    """The URL as libpq (psycopg, procrastinate) takes it: `postgresql+psycopg://` → `postgresql://`."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def redacted(url: str) -> str:
    """The URL without its password, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)
