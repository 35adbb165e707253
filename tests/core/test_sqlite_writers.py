"""SQLite writers queue for the write lock in Python, so a gevent worker never freezes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time

from sqlalchemy import text

from queue_server.core.db import make_engine

# Greenlet A takes the write lock and yields (as a request does while it publishes to Redis
# or a slow client's body arrives); greenlet B wants to write meanwhile; a ticker shows
# whether the worker kept running while B waited.
GEVENT_SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import json, sys, time
    import gevent
    from sqlalchemy import text
    from queue_server.core.db import make_engine

    engine = make_engine("sqlite:///" + sys.argv[1])
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE marks (who TEXT)"))
    order, ticks = [], []

    def writer(name, hold_s):
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO marks VALUES (:who)"), {"who": name})
            gevent.sleep(hold_s)
            order.append(name)

    def ticker():
        while len(order) < 2:
            ticks.append(time.monotonic())
            gevent.sleep(0.01)

    started = time.monotonic()
    first = gevent.spawn(writer, "a", 0.5)
    gevent.sleep(0.05)
    jobs = [first, gevent.spawn(writer, "b", 0), gevent.spawn(ticker)]
    gevent.joinall(jobs, raise_error=True)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT who FROM marks ORDER BY rowid")).scalars().all()
    print(json.dumps({"order": order, "stored": stored, "ticks": len(ticks),
                      "elapsed": time.monotonic() - started}))
""")


def test_a_writer_waiting_for_the_lock_lets_the_gevent_worker_run(tmp_path):
    result = subprocess.run([sys.executable, "-c", GEVENT_SCRIPT, str(tmp_path / "q.db")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["order"] == ["a", "b"]
    assert outcome["stored"] == ["a", "b"]
    # 0.5 s of holding at 10 ms a tick: a frozen worker would show a handful at most.
    assert outcome["ticks"] >= 20, outcome
    assert outcome["elapsed"] < 5, outcome


def test_a_thread_waits_for_another_threads_write_instead_of_failing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'q.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE marks (who TEXT)"))
    holding = threading.Event()

    def slow_writer() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO marks VALUES ('a')"))
            holding.set()
            time.sleep(0.3)

    thread = threading.Thread(target=slow_writer)
    thread.start()
    holding.wait(5)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO marks VALUES ('b')"))
    thread.join()
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT who FROM marks ORDER BY rowid")).scalars().all()
    engine.dispose()
    assert stored == ["a", "b"]


def test_a_request_takes_the_connection_the_last_one_used(tmp_path):
    # SQLite drops a connection's page cache when another connection wrote since its last
    # transaction: requests must not rotate through the idle ones (as a FIFO pool would).
    engine = make_engine(f"sqlite:///{tmp_path}/queue.db")
    try:
        held = [engine.connect() for _ in range(3)]  # a burst leaves three idle connections
        raw = [connection.connection.dbapi_connection for connection in held]
        for connection in held:
            connection.close()
        used = []
        for _ in range(4):
            with engine.begin() as connection:
                connection.execute(text("SELECT 1"))
                used.append(connection.connection.dbapi_connection)
        assert used == [raw[-1]] * 4
    finally:
        engine.dispose()
