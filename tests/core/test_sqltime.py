"""Local hours computed by the database agree with Python's zoneinfo, DST and half hours too."""

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from queue_server.core.sqltime import local_hour
from queue_server.models import UTCDateTime

from ..support.migrations import DATABASES, scratch_engine

ZONES = ["Asia/Ho_Chi_Minh", "Asia/Kolkata", "America/St_Johns", "Europe/Berlin"]


@pytest.mark.parametrize("database", DATABASES)
def test_the_local_hour_of_an_instant_is_the_wall_clock_hour(database, tmp_path):
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    generator = random.Random(3)
    instants = [start + timedelta(seconds=generator.randrange(365 * 86400)) for _ in range(400)]
    # Around the edges: midnight, minute 59, and Berlin's and St John's clock changes.
    instants += [datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC),
                 datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
                 datetime(2026, 10, 25, 0, 59, 59, 999999, tzinfo=UTC),
                 datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
                 datetime(2026, 3, 8, 5, 29, tzinfo=UTC), datetime(2026, 3, 8, 5, 31, tzinfo=UTC),
                 datetime(2026, 6, 1, 16, 59, 59, 500000, tzinfo=UTC),
                 datetime(2026, 6, 1, 18, 30, tzinfo=UTC)]
    moments = Table("moments", MetaData(), Column("id", Integer, primary_key=True),
                    Column("at", UTCDateTime()))
    with scratch_engine(database, tmp_path) as engine, engine.begin() as connection:
        moments.create(connection)
        connection.execute(insert(moments), [{"id": i, "at": at} for i, at in enumerate(instants)])
        for zone in ZONES:
            hour = local_hour(engine.dialect.name, moments.c.at, zone, start, end)
            found = dict(connection.execute(select(moments.c.id, hour)).all())
            wanted = {i: at.astimezone(ZoneInfo(zone)).hour for i, at in enumerate(instants)}
            assert found == wanted, zone
            assert all(isinstance(value, int) for value in found.values())
