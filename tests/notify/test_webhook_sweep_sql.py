"""The sweep's query (realtime/webhooks.py) finds the visits and ratings without a webhook row,
on SQLite and on PostgreSQL alike (its key is built in SQL: text joined with a cast id)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from queue_server.models import Feedback, Ticket, TicketStatus
from queue_server.notify import webhook
from queue_server.realtime.webhooks import _missing

from ..support.reports_day import at, script_day


def missing_after_one_is_queued(session, office) -> tuple[int, int, bool, bool]:
    script_day(session, office, with_visits=True)
    session.commit()
    since = at(23, 0) - timedelta(days=1)
    visits, ratings = _missing(session, since)
    ended = session.scalars(select(Ticket.id).where(Ticket.status.in_(
        [TicketStatus.DONE, TicketStatus.NO_SHOW]), Ticket.finished_at >= since)).all()
    assert len(ended) >= 3 and sorted(visits) == sorted(ended)
    rated = session.scalars(select(Feedback.id).where(Feedback.rated_at >= since)).all()
    assert len(rated) >= 2 and sorted(ratings) == sorted(rated)
    webhook.enqueue_event(session, url="http://127.0.0.1:9/hook", office_id=office.id,
                          ticket_id=visits[0], event={"event": "visit.finished"},
                          key=str(visits[0]), now=at(23, 0))
    webhook.enqueue_event(session, url="http://127.0.0.1:9/hook", office_id=office.id,
                          ticket_id=None, event={"event": "rating.received"},
                          key=str(ratings[0]), now=at(23, 0))
    session.commit()
    again_visits, again_ratings = _missing(session, since)
    return (len(visits) - len(again_visits), len(ratings) - len(again_ratings),
            visits[0] in again_visits, ratings[0] in again_ratings)


def test_the_sweep_finds_what_has_no_row_on_sqlite(session, make_office):
    assert missing_after_one_is_queued(session, make_office()) == (1, 1, False, False)


@pytest.mark.services
def test_the_sweep_finds_what_has_no_row_on_postgresql():
    from sqlalchemy.orm import Session

    from queue_server.setup.seeding import apply_office_specs

    from ..conftest import office_spec
    from ..support.migrations import migrate, postgres_engine

    with postgres_engine("test_webhook_sweep") as engine:
        migrate(engine, "head")
        with Session(engine) as session:
            office = apply_office_specs(session, [office_spec()])[0]
            assert missing_after_one_is_queued(session, office) == (1, 1, False, False)
