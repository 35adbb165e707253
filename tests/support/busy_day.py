"""An installation with a morning's worth of every kind of row, built through the real API."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import Engine, select, text

from queue_server import create_app
from queue_server.core.db import make_engine
from queue_server.core.migrate import upgrade_database
from queue_server.core.settings import Settings
from queue_server.models import Base, DeviceKind, Role
from queue_server.security.tokens import add_device, add_user
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets.queue_state import find_office

OFFICE = "/api/v1/offices/test-office"
PASSWORD = "correct-horse-battery"


def busy_app(database_url: str, folder: Path, clock, office_specs) -> Flask:
    """A migrated database behind an app, with offices, people and devices."""
    engine = make_engine(database_url)
    upgrade_database(engine)
    engine.dispose()
    settings = Settings(database_url=database_url, secret_key="backup-test",
                        var_dir=str(folder), public_url="http://queue.test",
                        testing=True).validated()
    app = create_app(settings, async_mode="threading")
    state = app.extensions["queue"]
    state.clock = clock
    with state.sessions() as session:
        apply_office_specs(session, office_specs)
        office = find_office(session, "test-office")
        add_user(session, "staff1", PASSWORD, Role.STAFF, office, now=clock())
        add_user(session, "admin1", PASSWORD, Role.ADMIN, None, now=clock())
        app.config["kiosk"] = add_device(session, "kiosk-1", DeviceKind.KIOSK, office,
                                         now=clock())[1]
        add_device(session, "printer-1", DeviceKind.PRINTER, office, now=clock())
        session.commit()
    return app


def work_a_morning(app: Flask) -> None:
    """Issue, call, recall, finish, no-show, transfer, pause, rate: every table gets rows."""
    client = app.test_client()
    token = client.post("/api/v1/auth/token",
                        json={"username": "staff1", "password": PASSWORD}).get_json()["token"]
    staff = {"Authorization": f"Bearer {token}"}
    kiosk = {"Authorization": f"Bearer {app.config['kiosk']}"}
    codes = []
    for service, priority in [("dat-dai", None), ("dat-dai", "elderly"), ("tu-phap", None),
                              ("dat-dai", None), ("tra-ket-qua", None)]:
        body = {"service": service, **({"priority": priority} if priority else {})}
        response = client.post(OFFICE + "/tickets", json=body, headers=kiosk)
        assert response.status_code == 201, response.get_json()
        codes.append(response.get_json()["code"])
    counter = OFFICE + "/counters/1"
    for action in ("call-next", "finish", "call-next", "recall", "no-show", "call-next"):
        assert client.post(counter + "/" + action, headers=staff).status_code == 200, action
    assert client.post(counter + "/transfer", json={"service": "tu-phap"},
                       headers=staff).status_code == 200
    assert client.post(counter + "/pause", json={"reason": "break"},
                       headers=staff).status_code == 200
    assert client.post(counter + "/resume", headers=staff).status_code == 200
    assert client.post(f"/api/v1/tickets/{codes[0]}/feedback",
                       json={"rating": 2, "comment": "Chờ lâu quá"}).status_code == 201


def table_rows(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table (and the schema version), in a stable order."""
    rows: dict[str, list[tuple]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows[table.name] = [tuple(row) for row in connection.execute(
                select(table).order_by(*table.primary_key.columns))]
        rows["alembic_version"] = [tuple(row) for row in connection.execute(
            text("SELECT version_num FROM alembic_version"))]
    return rows
