"""Tokens: stored hashed, expiring (users), revocable; device tokens bound to office and kind."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from queue_server.core.extensions import socketio
from queue_server.edge.callers import forget_principals
from queue_server.models import ApiToken, Device, User
from queue_server.security.tokens import revoke_device, revoke_user_tokens

from ..conftest import bearer
from ..support.callers import every_caller

TICKETS = "/api/v1/offices/test-office/tickets"
COUNTER = "/api/v1/offices/test-office/counters/1"


@pytest.fixture
def callers(app, clock, accounts):
    return every_caller(app, clock, accounts)


def issue(client, token, office="test-office"):
    return client.post(f"/api/v1/offices/{office}/tickets", json={"service": "dat-dai"},
                       headers=bearer(token))


def test_device_tokens_are_stored_only_as_hashes(app, callers):
    with app.extensions["queue"].sessions() as session:
        stored = session.scalars(select(Device.token_hash)).all()
    assert len(stored) == 9  # 3 of accounts, 6 of every_caller
    assert all(len(digest) == 64 for digest in stored)
    assert not {token for token in callers.values() if token.startswith("d_")} & set(stored)


def test_a_revoked_device_is_refused(app, client, callers):
    assert issue(client, callers["kiosk"]).status_code == 201
    with app.extensions["queue"].sessions() as session:
        revoke_device(session, session.scalar(select(Device).where(Device.name == "kiosk-1")))
        session.commit()
    forget_principals()  # what the revoking process does; others forget within 10 s
    answer = issue(client, callers["kiosk"])
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "bad_token"
    assert client.get("/api/v1/devices/me", headers=bearer(callers["kiosk"])).status_code == 401
    assert socketio.test_client(app, auth={"token": callers["kiosk"]}).is_connected() is False


def test_revoking_a_users_tokens_logs_them_out_everywhere(app, client, callers):
    with app.extensions["queue"].sessions() as session:
        user = session.scalar(select(User).where(User.username == "staff1"))
        assert revoke_user_tokens(session, user) == 1
        session.commit()
    forget_principals()
    assert client.get(COUNTER, headers=bearer(callers["staff1"])).status_code == 401


def test_a_disabled_user_is_refused_and_cannot_log_in(app, client, callers):
    with app.extensions["queue"].sessions() as session:
        session.scalar(select(User).where(User.username == "staff1")).is_active = False
        session.commit()
    forget_principals()
    assert client.get(COUNTER, headers=bearer(callers["staff1"])).status_code == 401
    assert client.post("/api/v1/auth/token", json={
        "username": "staff1", "password": "correct-horse-battery"}).status_code == 401


def test_user_tokens_expire_and_expired_rows_are_dropped_at_the_next_login(app, client,
                                                                            callers, clock):
    clock.now += timedelta(hours=12, seconds=1)
    forget_principals()
    assert client.get(COUNTER, headers=bearer(callers["staff1"])).status_code == 401
    assert client.post("/api/v1/auth/token", json={
        "username": "staff1", "password": "correct-horse-battery"}).status_code == 200
    with app.extensions["queue"].sessions() as session:
        user_id = session.scalar(select(User.id).where(User.username == "staff1"))
        count = session.scalar(select(func.count()).where(ApiToken.user_id == user_id))
    assert count == 1


@pytest.mark.parametrize("token", ["", "u_", "d_", "u_" + "A" * 43, "d_" + "A" * 43,
                                   "x" * 5000, "Bearer", "u_\u0000"])
def test_made_up_tokens_are_401(client, token):
    response = client.get("/api/v1/devices/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_device_token_dressed_as_a_user_token_is_refused(client, callers):
    forged = "u_" + callers["kiosk"].removeprefix("d_")
    assert issue(client, forged).status_code == 401


@pytest.mark.parametrize(("caller", "office", "status"), [
    ("kiosk", "test-office", 201),
    ("other_kiosk", "test-office", 403),
    ("kiosk", "other-office", 403),
    ("display", "test-office", 403),
    ("printer", "test-office", 403),
])
def test_only_a_kiosk_of_the_office_issues_tickets(client, callers, caller, office, status):
    assert issue(client, callers[caller], office).status_code == status


@pytest.mark.parametrize("caller", ["kiosk", "display", "printer"])
def test_devices_never_act_as_staff(client, callers, caller):
    assert client.post(COUNTER + "/call-next",
                       headers=bearer(callers[caller])).status_code == 403
    assert client.get(COUNTER, headers=bearer(callers[caller])).status_code == 403


@pytest.mark.parametrize("caller", ["kiosk", "display", "staff1", "admin1"])
def test_only_printers_report_printer_state(client, callers, caller):
    response = client.post("/api/v1/printers/status", json={"state": "ok"},
                           headers=bearer(callers[caller]))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_a_printer"


def test_a_printer_cannot_acknowledge_another_printers_job(app, client, callers):
    assert issue(client, callers["kiosk"]).status_code == 201
    socket = socketio.test_client(app, auth={"token": callers["printer"]})
    jobs = socket.emit("subscribe", {"channel": "printer"}, callback=True)["jobs"]
    assert len(jobs) == 1
    stranger = client.post(f"/api/v1/print-jobs/{jobs[0]['id']}/ack",
                           json={"status": "printed"}, headers=bearer(callers["other_printer"]))
    assert stranger.status_code == 403
    owner = client.post(f"/api/v1/print-jobs/{jobs[0]['id']}/ack", json={"status": "printed"},
                        headers=bearer(callers["printer"]))
    assert owner.status_code == 200


def test_the_cli_revokes_a_device(tmp_path):
    from ..cli.test_cli import ROOT, run

    environment = {"QUEUE_DATABASE_URL": f"sqlite:///{tmp_path}/queue.db",
                   "QUEUE_VAR_DIR": str(tmp_path),
                   "QUEUE_OFFICE_FILE": str(ROOT / "config/demo.toml"), "PATH": "/usr/bin:/bin"}
    assert run(environment, "init").returncode == 0
    assert run(environment, "device", "add", "kiosk-9", "--kind", "kiosk",
               "--office", "cam-lam").returncode == 0
    revoked = run(environment, "device", "revoke", "kiosk-9", "--office", "cam-lam")
    assert revoked.returncode == 0, revoked.stderr
    missing = run(environment, "device", "revoke", "kiosk-0", "--office", "cam-lam")
    assert missing.returncode == 1 and "no device 'kiosk-0'" in missing.stderr
    from sqlalchemy import create_engine

    engine = create_engine(environment["QUEUE_DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.scalar(select(Device.is_revoked).where(Device.name == "kiosk-9"))
    engine.dispose()
