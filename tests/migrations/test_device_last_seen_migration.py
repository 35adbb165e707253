"""Migration 0009 fills devices.last_seen_at from what each device last did, so upgrading
an old installation does not expire the tokens of devices in use."""

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Device, DeviceKind
from queue_server.security.tokens import add_device
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor

from ..conftest import THURSDAY_9AM, office_spec
from ..support.migrations import DATABASES, differences, migrate, scratch_engine

REVISION, BEFORE = "0009_device_last_seen", "0008_queue_version"
CREATED = THURSDAY_9AM - timedelta(days=400)


def seen(engine) -> dict[str, object]:
    with Session(engine) as session:
        return dict(session.execute(select(Device.name, Device.last_seen_at)).all())


def check_backfill(engine) -> None:
    # Today's models write only the newest schema: seed there, then go back to before 0009
    # (the later migrations' downgrades keep every row).
    migrate(engine, "head")
    with Session(engine) as session:
        office = apply_office_specs(session, [office_spec()])[0]
        devices = {name: add_device(session, name, kind, office, now=CREATED)[0]
                   for name, kind in [("kiosk-1", DeviceKind.KIOSK),
                                      ("may-in-1", DeviceKind.PRINTER),
                                      ("kiosk-cu", DeviceKind.KIOSK),
                                      ("kiosk-moi", DeviceKind.KIOSK)]}
        lifecycle.issue_ticket(session, office, "dat-dai", now=THURSDAY_9AM,
                           actor=Actor(device_id=devices["kiosk-1"].id))
        devices["may-in-1"].printer_seen_at = THURSDAY_9AM + timedelta(minutes=3)
        devices["kiosk-moi"].last_seen_at = THURSDAY_9AM - timedelta(days=1)
        session.commit()
    migrate(engine, BEFORE, command.downgrade)
    migrate(engine, REVISION)
    assert seen(engine) == {"kiosk-1": THURSDAY_9AM,  # the ticket it issued
                            "may-in-1": THURSDAY_9AM + timedelta(minutes=3),
                            "kiosk-cu": None,  # nothing to go by: counts from its creation
                            "kiosk-moi": THURSDAY_9AM - timedelta(days=1)}  # kept
    migrate(engine, BEFORE, command.downgrade)
    migrate(engine, "head")
    assert differences(engine) == []  # no schema change: the models still agree


@pytest.mark.parametrize("kind", DATABASES)
def test_migration_0009_fills_last_seen_from_device_activity(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        check_backfill(engine)
