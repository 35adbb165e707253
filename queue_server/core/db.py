"""Engine and session set-up for SQLite (embedded) and PostgreSQL (scale-out)."""

from __future__ import annotations

import _thread
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from queue_server.core.greenlets import under_gevent

log = logging.getLogger(__name__)


def make_engine(url: str, *, echo: bool = False, background_checkpoints: bool = False) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE.

    With background_checkpoints, the WAL is folded into the database by a native thread
    instead of by whichever request commits past the threshold (see `_checkpoint_forever`).
    """
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        # Last in, first out: SQLite drops a connection's whole page cache when another
        # connection has written since its last transaction, and the default rotation
        # through idle connections made every request start cold.
        engine = create_engine(url, echo=echo, pool_size=10, max_overflow=20,
                               pool_use_lifo=True)
        _install_sqlite_hooks(engine, autocheckpoint=not background_checkpoints)
        if background_checkpoints:
            _start_checkpoint_thread(_sqlite_path(url))
    else:
        # No JIT: it compiled a year's report for 1.8 s to run it in 0.5 s, and every query
        # of this server is short or works on one office's rows. Temporary buffers: a
        # province's month (100 offices, 500,000 tickets) filled its report table in 2.3 s
        # with 32 MB and 1.8 s with 64 MB (128 MB gained nothing more).
        engine = create_engine(url, echo=echo, pool_size=10, max_overflow=20,
                               pool_pre_ping=True,
                               connect_args={"options": "-c jit=off -c temp_buffers=64MB"})
    _track_writes(engine)
    return engine


def transaction_wrote(connection: Connection) -> bool:
    """Whether the connection's current transaction has written anything yet."""
    return bool(connection.info.get(_WROTE, False))


_WROTE = "queue.wrote"
_WRITES = ("INSERT", "UPDATE", "DELETE")
_VERSIONS = "queue.versions"
_LOCKING = " FOR UPDATE"


def note_queue_version(connection: Connection, office_id: int, version: int) -> None:
    """Remember an office's queue version as this transaction read it, until it writes or
    waits for a row lock."""
    connection.info.setdefault(_VERSIONS, {})[office_id] = version


def noted_queue_version(connection: Connection, office_id: int) -> int | None:
    """The version noted in this transaction with nothing written or locked since, else None."""
    version: int | None = connection.info.get(_VERSIONS, {}).get(office_id)
    return version


def _track_writes(engine: Engine) -> None:
    # What a transaction read after its own writes may never commit: caches must not keep it.
    @event.listens_for(engine, "before_cursor_execute")
    def _note_write(connection: Connection, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip()[:6].upper() in _WRITES:
            connection.info[_WROTE] = True
            connection.info.pop(_VERSIONS, None)  # a write may move a version
        elif _LOCKING in statement:
            # PostgreSQL: others may commit while this waits for the row, so a version
            # noted before it is stale (SQLite renders no FOR UPDATE: its lock came first).
            connection.info.pop(_VERSIONS, None)

    @event.listens_for(engine, "begin")
    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _forget_writes(connection: Connection) -> None:
        connection.info.pop(_WROTE, None)
        connection.info.pop(_VERSIONS, None)


def commit_then_read(session: Session) -> None:
    """Commit; what the session reads afterwards (the broadcast, the answer) takes no write lock.

    Every transaction begins with SQLite's write lock (see `_install_sqlite_hooks`), so a
    read after the commit would otherwise hold it through the broadcast and the response.
    Only for sessions that write nothing more: a deferred transaction that then writes can
    fail at once when another writer came in between.
    """
    session.commit()
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
        session.bind = _deferred(bind)


_DEFERRED: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()


def _deferred(engine: Engine) -> Engine:
    """The engine's twin whose transactions begin DEFERRED (same pool, same hooks)."""
    twin = _DEFERRED.get(engine)
    if twin is None:
        twin = _DEFERRED[engine] = engine.execution_options(sqlite_begin="DEFERRED")
    return twin


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose sessions keep loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def _sqlite_path(url: str) -> str:
    return url.split(":///", 1)[-1].split("?", 1)[0]


def _ensure_sqlite_folder(url: str) -> None:
    path = _sqlite_path(url)
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


# A checkpoint writes and syncs the database file: tens of milliseconds on a slow disk.
# Run from a request it would stall the gevent worker and every request with it.
CHECKPOINT_EVERY_S = 1.0


def _checkpoint_forever(path: str, sleep: Callable[[float], None]) -> None:
    """Fold the WAL into the database every second, from a thread of its own."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=10000")
    while True:
        sleep(CHECKPOINT_EVERY_S)
        try:
            # PASSIVE never waits for readers or writers; what it cannot copy, the next does.
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            log.warning("WAL checkpoint failed", exc_info=True)


def _start_checkpoint_thread(path: str) -> None:
    # Under gevent, threading and time.sleep are greenlet versions (and threading.Thread's
    # start handshake would use gevent's Event across threads); the checkpoint needs a real
    # thread, and sqlite3 releases the GIL while it writes.
    try:
        from gevent import monkey
        start_thread = monkey.get_original("_thread", "start_new_thread")
        sleep = monkey.get_original("time", "sleep")
    except ImportError:
        start_thread, sleep = _thread.start_new_thread, time.sleep
    start_thread(_checkpoint_forever, (path, sleep))


def _install_sqlite_hooks(engine: Engine, *, autocheckpoint: bool = True) -> None:
    # A deferred transaction that reads then writes fails at once with SQLITE_BUSY when
    # another connection writes, ignoring busy_timeout; BEGIN IMMEDIATE queues instead.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if not autocheckpoint:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    # Threads wait well enough inside SQLite; only greenlets must not (see below).
    cooperative = under_gevent()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode == "IMMEDIATE" and cooperative:
            _begin_immediate(connection)
        else:
            connection.exec_driver_sql(f"BEGIN {mode}")


# How long a write waits for another writer before the caller gets 503 (a CLI command or a
# second process holding the lock for longer than this is a fault, not a queue).
WRITE_WAIT_S = 10.0
# SQLite's own wait, for the rare statement other than BEGIN that meets a busy database.
BUSY_TIMEOUT_MS = int(WRITE_WAIT_S * 1000)


def _begin_immediate(connection: Connection) -> None:
    """Take SQLite's write lock under gevent, waiting for another writer with gevent sleeps.

    SQLite's own busy handler sleeps inside C, which freezes every greenlet of the worker,
    the lock holder included: one request that yields inside its transaction would stall
    the whole desk for the full timeout and then fail. Sleeping in gevent lets the holder
    finish first.
    """
    raw = connection.connection.dbapi_connection
    assert raw is not None  # a connection in use always has its DBAPI connection
    deadline = time.monotonic() + WRITE_WAIT_S
    pause = 0.0005
    raw.execute("PRAGMA busy_timeout=0")  # this one statement answers "busy" at once
    try:
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _is_busy(error: OperationalError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY
