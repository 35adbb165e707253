"""Many kiosks and counters at once on a file-backed SQLite database."""

import threading
from collections import Counter as Tally
from datetime import timedelta

from sqlalchemy import select

from queue_server.core.db import make_session_factory
from queue_server.models import Ticket, TicketEvent, TicketEventKind
from queue_server.tickets import lifecycle
from queue_server.tickets.lifecycle import Actor
from queue_server.tickets.queue_state import find_counter_by_number, find_office

from ..conftest import THURSDAY_9AM

KIOSKS, TICKETS_EACH, COUNTERS = 8, 30, 4


def test_no_duplicate_number_and_no_ticket_called_twice(engine, make_office):
    make_office()
    run_kiosks_and_counters(make_session_factory(engine))


def run_kiosks_and_counters(sessions) -> None:
    """Kiosk and counter threads at once; asserts unique numbers and single calls."""
    from queue_server.setup.seeding import apply_office_specs

    from ..conftest import office_spec

    with sessions() as session:
        if find_office(session, "test-office") is None:
            apply_office_specs(session, [office_spec()])
            session.commit()
    errors: list[BaseException] = []
    kiosks_done = threading.Event()

    def kiosk(index: int) -> None:
        with sessions() as session:
            office = find_office(session, "test-office")
            for number in range(TICKETS_EACH):
                service = "dat-dai" if (index + number) % 3 else "tu-phap"
                at = THURSDAY_9AM + timedelta(seconds=number)
                lifecycle.issue_ticket(session, office, service, now=at, actor=Actor())
                session.commit()

    def desk(number: int) -> None:
        with sessions() as session:
            office = find_office(session, "test-office")
            counter = find_counter_by_number(session, office, number)
            while True:
                result = lifecycle.call_next(session, counter, now=THURSDAY_9AM, actor=Actor())
                session.commit()
                if result.called is None and kiosks_done.is_set():
                    return

    def guarded(work, *args):
        def run():
            try:
                work(*args)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
        return threading.Thread(target=run)

    kiosk_threads = [guarded(kiosk, i) for i in range(KIOSKS)]
    desk_threads = [guarded(desk, n) for n in range(1, COUNTERS + 1)]
    for thread in kiosk_threads + desk_threads:
        thread.start()
    for thread in kiosk_threads:
        thread.join()
    kiosks_done.set()
    for thread in desk_threads:
        thread.join(timeout=60)

    assert errors == []
    with sessions() as session:
        tickets = session.scalars(select(Ticket)).all()
        calls = session.scalars(select(TicketEvent.ticket_id).where(
            TicketEvent.kind == TicketEventKind.CALLED)).all()
    assert len(tickets) == KIOSKS * TICKETS_EACH
    numbers = Tally(t.number for t in tickets)
    assert max(numbers.values()) == 1
    # Numbers are gapless per service: 1..n for each prefix.
    for prefix in ("1", "2"):
        sequences = sorted(t.sequence for t in tickets if t.number.startswith(prefix))
        assert sequences == list(range(1, len(sequences) + 1))
    assert max(Tally(calls).values()) == 1
    justice_and_land = [t for t in tickets if t.status.value != "waiting"]
    assert len(justice_and_land) == len(calls)
