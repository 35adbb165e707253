"""Password hashes: OWASP's Argon2id costs, computed beside the gevent loop, upgraded at login."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from argon2 import PasswordHasher
from sqlalchemy import select

from queue_server.models import User
from queue_server.security import hashing

# A fresh interpreter (the test suite swaps in cheap costs): the server's real hasher under
# gevent, with a ticker that shows whether other greenlets ran while a hash was computed.
GEVENT_SCRIPT = textwrap.dedent("""
    from gevent import monkey
    monkey.patch_all()
    import json, resource, time
    import gevent
    from queue_server.security import tokens, hashing

    hashed_at_import = hashing.dummy_hash.cache_info().currsize
    ticks = []

    def ticker():
        while True:
            ticks.append(time.monotonic())
            gevent.sleep(0.002)

    beat = gevent.spawn(ticker)
    gevent.sleep(0.05)
    started = time.monotonic()
    stored = hashing.hash_password("correct-horse-battery")
    matches = hashing.password_matches(stored, "correct-horse-battery")
    wrong = hashing.password_matches(stored, "wrong-horse-battery")
    finished = time.monotonic()
    beat.kill()
    during = [t for t in ticks if started <= t <= finished]
    gaps = [b - a for a, b in zip(during, during[1:])]
    print(json.dumps({"stored": stored, "matches": matches, "wrong": wrong,
                      "hashing_s": finished - started, "longest_gap_s": max(gaps, default=9),
                      "hashed_at_import": hashed_at_import}))
""")


def test_hashing_uses_owasp_costs_and_lets_the_worker_run():
    result = subprocess.run([sys.executable, "-c", GEVENT_SCRIPT], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["stored"].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert outcome["matches"] is True and outcome["wrong"] is False
    # Importing the server hashes nothing (a hash holds 19 MiB and tens of milliseconds).
    assert outcome["hashed_at_import"] == 0
    # Three hashes take well over 50 ms; a blocked loop would show one gap that long.
    assert outcome["hashing_s"] > 0.05, outcome
    assert outcome["longest_gap_s"] < outcome["hashing_s"] / 3, outcome


def test_without_gevent_hashing_is_a_plain_call():
    stored = hashing.hash_password("correct-horse-battery")
    assert hashing.password_matches(stored, "correct-horse-battery")
    assert not hashing.password_matches(stored, "correct-horse-batterz")
    assert not hashing.password_matches("not a hash", "correct-horse-battery")


def test_a_login_upgrades_a_hash_made_with_other_costs(app, client, accounts):
    older = PasswordHasher(time_cost=1, memory_cost=2048, parallelism=2)
    sessions = app.extensions["queue"].sessions
    with sessions() as session:
        user = session.scalar(select(User).where(User.username == "staff1"))
        user.password_hash = older.hash("correct-horse-battery")
        session.commit()
    response = client.post("/api/v1/auth/token",
                           json={"username": "staff1", "password": "correct-horse-battery"})
    assert response.status_code == 200
    with sessions() as session:
        upgraded = session.scalar(select(User.password_hash).where(User.username == "staff1"))
    assert not hashing.needs_rehash(upgraded)
    assert "m=2048" not in upgraded
    assert hashing.password_matches(upgraded, "correct-horse-battery")


def test_a_wrong_password_leaves_an_old_hash_alone(app, client, accounts):
    older_hash = PasswordHasher(time_cost=1, memory_cost=2048, parallelism=2).hash(
        "correct-horse-battery")
    sessions = app.extensions["queue"].sessions
    with sessions() as session:
        session.scalar(select(User).where(User.username == "staff1")).password_hash = older_hash
        session.commit()
    response = client.post("/api/v1/auth/token",
                           json={"username": "staff1", "password": "wrong-horse-battery"})
    assert response.status_code == 401
    with sessions() as session:
        assert session.scalar(select(User.password_hash).where(
            User.username == "staff1")) == older_hash
