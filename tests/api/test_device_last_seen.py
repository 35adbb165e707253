"""Devices: last seen written when a token is used (at most every 5 minutes), idle expiry."""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from queue_server.core.db import BUSY_TIMEOUT_MS
from queue_server.core.extensions import socketio
from queue_server.edge.callers import forget_principals
from queue_server.models import Device, DeviceKind
from queue_server.security.tokens import DEVICE_SEEN_EVERY, add_device, record_device_seen
from queue_server.tickets.queue_state import find_office

from ..conftest import THURSDAY_9AM, bearer

ME = "/api/v1/devices/me"
DEVICES_PAGE = "/admin/offices/test-office/devices"
PASSWORD = "correct-horse-battery"


def last_seen(app, name: str = "kiosk-1"):
    with app.extensions["queue"].sessions() as session:
        return session.scalar(select(Device.last_seen_at).where(Device.name == name))


def ask(client, token: str) -> int:
    forget_principals()  # each request checks the token again, as after the 10 s cache
    return client.get(ME, headers=bearer(token)).status_code


@pytest.fixture
def device_writes(app):
    """The UPDATE statements sent for the devices table while the test runs."""
    statements: list[str] = []

    def note(_connection, _cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("UPDATE DEVICES"):
            statements.append(statement)

    engine = app.extensions["queue"].engine
    event.listen(engine, "before_cursor_execute", note)
    yield statements
    event.remove(engine, "before_cursor_execute", note)


# ---- last seen ----

def test_last_seen_is_written_on_first_use(app, client, accounts, clock):
    assert last_seen(app) is None
    assert ask(client, accounts["kiosk"]) == 200
    assert last_seen(app) == THURSDAY_9AM


def test_last_seen_is_not_rewritten_within_five_minutes_then_is(app, client, accounts, clock,
                                                                device_writes):
    assert ask(client, accounts["kiosk"]) == 200
    assert len(device_writes) == 1
    for minutes in (1, 2, 4):
        clock.now = THURSDAY_9AM + timedelta(minutes=minutes)
        assert ask(client, accounts["kiosk"]) == 200
    assert len(device_writes) == 1  # not even tried: no write on every kiosk request
    assert last_seen(app) == THURSDAY_9AM
    clock.now = THURSDAY_9AM + DEVICE_SEEN_EVERY
    assert ask(client, accounts["kiosk"]) == 200
    assert last_seen(app) == clock.now and len(device_writes) == 2


def test_a_socket_connection_with_a_device_token_counts_as_seen(app, accounts, clock):
    clock.now = THURSDAY_9AM + timedelta(minutes=30)
    kiosk = socketio.test_client(app, auth={"token": accounts["kiosk"]})
    assert kiosk.is_connected()
    kiosk.disconnect()
    assert last_seen(app) == clock.now


def test_a_write_that_fails_never_fails_the_request(app, client, accounts, caplog):
    def locked(_connection, _cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("UPDATE DEVICES"):
            raise sqlite3.OperationalError("database is locked")

    engine = app.extensions["queue"].engine
    event.listen(engine, "before_cursor_execute", locked)
    with caplog.at_level(logging.DEBUG, logger="queue_server.security.tokens"):
        assert ask(client, accounts["kiosk"]) == 200
    event.remove(engine, "before_cursor_execute", locked)
    assert last_seen(app) is None
    assert "last_seen_at of device" in caplog.text
    assert ask(client, accounts["kiosk"]) == 200  # the next request writes it
    assert last_seen(app) is not None


def test_the_write_skips_a_locked_database_without_waiting(session, make_office,
                                                           database_url):
    office = make_office()
    device_id = add_device(session, "kiosk-9", DeviceKind.KIOSK, office, now=THURSDAY_9AM)[0].id
    session.commit()
    other_writer = sqlite3.connect(database_url.removeprefix("sqlite:///"),
                                   isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    started = time.monotonic()
    assert record_device_seen(session, device_id, now=THURSDAY_9AM) is False
    assert time.monotonic() - started < 1  # not the 10 s a writer normally waits
    other_writer.execute("ROLLBACK")
    other_writer.close()
    assert session.connection().exec_driver_sql("PRAGMA busy_timeout").scalar() == (
        BUSY_TIMEOUT_MS)
    session.rollback()
    assert record_device_seen(session, device_id, now=THURSDAY_9AM) is True
    session.expire_all()
    assert session.get(Device, device_id).last_seen_at == THURSDAY_9AM


# ---- idle expiry ----

def test_a_device_idle_longer_than_the_limit_is_refused_like_an_expired_token(app, client,
                                                                               accounts, clock):
    clock.now = THURSDAY_9AM + timedelta(days=90)
    forget_principals()
    answer = client.get(ME, headers=bearer(accounts["kiosk"]))
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "bad_token"
    assert socketio.test_client(app, auth={"token": accounts["kiosk"]}).is_connected() is False
    assert last_seen(app) is None  # a refused token is not "seen"


def test_a_device_used_within_the_limit_stays_valid_however_old(app, client, accounts, clock):
    for days in (89, 178, 267):  # rolling: each use starts the 90 days again
        clock.now = THURSDAY_9AM + timedelta(days=days)
        assert ask(client, accounts["kiosk"]) == 200
    assert last_seen(app) == clock.now
    clock.now += timedelta(days=90)
    assert ask(client, accounts["kiosk"]) == 401


def test_the_idle_limit_follows_the_setting(app, client, accounts, clock):
    state = app.extensions["queue"]
    state.settings = replace(state.settings, device_token_idle_days=1)
    clock.now = THURSDAY_9AM + timedelta(hours=23)
    assert ask(client, accounts["kiosk"]) == 200
    clock.now += timedelta(days=1)
    assert ask(client, accounts["kiosk"]) == 401


# ---- the admin page ----

def manager_page(app, clock) -> str:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"username": "manager1", "password": PASSWORD,
                                         "csrf_token": csrf})
    assert answer.status_code == 302
    return client.get(DEVICES_PAGE).get_data(as_text=True)


def cell(page: str, app, name: str) -> str:
    with app.extensions["queue"].sessions() as session:
        device_id = session.scalar(select(Device.id).where(Device.name == name))
    found = re.search(rf'data-testid="last-seen-{device_id}">(.*?)</td>', page, re.DOTALL)
    return " ".join(found.group(1).split())


@pytest.fixture
def printer(app, accounts, clock):
    with app.extensions["queue"].sessions() as session:
        add_device(session, "may-in-1", DeviceKind.PRINTER,
                   find_office(session, "test-office"), now=clock())
        session.commit()


def test_the_devices_page_shows_last_seen_in_local_time(app, client, accounts, clock, printer):
    clock.now = THURSDAY_9AM + timedelta(hours=1, minutes=7)  # 02:07 UTC
    assert ask(client, accounts["kiosk"]) == 200
    page = manager_page(app, clock)
    assert "Lần cuối kết nối" in page
    assert cell(page, app, "kiosk-1") == "10:07 26/11/2026"
    assert cell(page, app, "may-in-1") == '<span class="muted">chưa kết nối</span>'
    assert "Không dùng mã" in cell(page, app, "tv-1")  # displays present no token
    assert "90 ngày" in page


def test_the_devices_page_warns_before_idle_expiry_and_says_when_past(app, client, accounts,
                                                                      clock, printer):
    clock.now = THURSDAY_9AM + timedelta(days=80)
    assert ask(client, accounts["kiosk"]) == 200
    page = manager_page(app, clock)
    assert "hết hạn" not in cell(page, app, "kiosk-1")
    assert "Mã sẽ hết hạn ngày 24/02/2027 nếu không được dùng" in cell(page, app, "may-in-1")
    assert "hết hạn" not in cell(page, app, "tv-1")
    clock.now = THURSDAY_9AM + timedelta(days=91)
    page = manager_page(app, clock)
    assert "Mã đã hết hạn vì lâu không dùng" in cell(page, app, "may-in-1")
    assert "hết hạn" not in cell(page, app, "kiosk-1")
