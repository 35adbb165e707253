"""Several senders (server processes) claiming from one outbox at once each take a message once,
on SQLite and on PostgreSQL (where the claim skips rows another sender has locked)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy.orm import Session

from queue_server.core.migrate import upgrade_database
from queue_server.notify import outbox
from queue_server.notify.channels import Delivered
from queue_server.setup.seeding import apply_office_specs

from ..conftest import THURSDAY_9AM, office_spec
from ..support.migrations import DATABASES, scratch_engine

SENDERS, MESSAGES = 6, 60


@pytest.mark.parametrize("kind", DATABASES)
def test_concurrent_senders_never_take_one_message_twice(kind, tmp_path):
    with scratch_engine(kind, tmp_path) as engine:
        upgrade_database(engine)
        with Session(engine) as session:
            office = apply_office_specs(session, [office_spec()])[0]
            for number in range(MESSAGES):
                outbox.enqueue(session, office_id=office.id, kind="near_turn", channels=["sms"],
                               destination="84912345678", payload={"number": number},
                               now=THURSDAY_9AM, dedupe_key=f"near_turn:{number}")
            session.commit()
        taken: list[int] = []
        failures: list[BaseException] = []
        start = threading.Barrier(SENDERS)

        def sender() -> None:
            try:
                start.wait()
                while True:
                    with Session(engine) as session:
                        claimed = outbox.claim_due(session, THURSDAY_9AM,
                                                   per_minute=lambda _office: 10_000, limit=3)
                        session.commit()
                        if not claimed:
                            return
                        for one in claimed:
                            assert outbox.record_sent(session, one, Delivered(), now=THURSDAY_9AM)
                            taken.append(one.message_id)
                        session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below, not lost in the thread
                failures.append(error)

        threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert failures == []
    assert len(taken) == MESSAGES
    assert max(Counter(taken).values()) == 1
