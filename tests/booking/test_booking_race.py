"""Twenty phones racing for the last place of a slot: one gets it, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from queue_server.booking import bookings
from queue_server.core.db import make_session_factory
from queue_server.core.errors import Conflict
from queue_server.models import Booking, BookingStatus
from queue_server.setup.seeding import apply_office_specs
from queue_server.tickets.queue_state import find_office

from ..conftest import THURSDAY_9AM, local, office_spec
from ..support.migrations import DATABASES, migrate, scratch_engine

CLIENTS = 20
START = local(2026, 11, 26, 10)


def race_for_the_last_place(engine) -> None:
    migrate(engine, "head")
    sessions = make_session_factory(engine)
    spec = office_spec()
    with sessions() as session:
        apply_office_specs(session, [replace(spec, services=(
            replace(spec.services[0], booking_capacity=3), *spec.services[1:]))])
        office = find_office(session, "test-office")
        for phone in ("84912000001", "84912000002"):  # two of the three places are taken
            held = bookings.hold(session, office, "dat-dai", START, phone, now=THURSDAY_9AM)
            bookings.confirm(session, held.booking.hold_id, held.otp, now=THURSDAY_9AM)
        session.commit()
    gate = threading.Barrier(CLIENTS)
    outcomes: list[str] = []

    def client(index: int) -> None:
        with sessions() as session:
            office = find_office(session, "test-office")
            session.commit()  # SQLite: every transaction holds the write lock from its start
            gate.wait()
            try:
                held = bookings.hold(session, office, "dat-dai", START, f"849870000{index:02d}",
                                     now=THURSDAY_9AM)
                bookings.confirm(session, held.booking.hold_id, held.otp, now=THURSDAY_9AM)
                session.commit()
                outcomes.append("booked")
            except Conflict as refusal:
                session.rollback()
                outcomes.append(refusal.code)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                session.rollback()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["booked"] + ["slot_full"] * (CLIENTS - 1)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Booking).where(
            Booking.starts_at == START, Booking.status == BookingStatus.CONFIRMED)) == 3


@pytest.mark.parametrize("kind", DATABASES)
def test_twenty_clients_racing_for_the_last_place_never_overbook(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        race_for_the_last_place(engine)
