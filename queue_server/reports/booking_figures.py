"""Booked tickets against walk-ins over a report's period: does booking shorten the wait?"""

from __future__ import annotations

from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Ticket
from queue_server.reports.figures import Scope


def booking_figures(session: Session, scope: Scope) -> dict:
    """{"booked", "walk_in"}: each {"called", "mean_wait_s", "median_wait_s"}.

    Wait is first call − issue, as everywhere in the reports; a booked ticket is issued at its
    check-in. One checked in after its window was served as a walk-in and counts as one.
    """
    rows = session.execute(select(Ticket.booking_code, Ticket.booking_late, Ticket.issued_at,
                                  Ticket.called_at)
                           .where(*scope.conditions(), Ticket.called_at.is_not(None))).all()
    waits: dict[str, list[float]] = {"booked": [], "walk_in": []}
    for row in rows:
        kind = "booked" if row.booking_code is not None and not row.booking_late else "walk_in"
        waits[kind].append((row.called_at - row.issued_at).total_seconds())
    return {kind: {"called": len(values),
                   "mean_wait_s": round(sum(values) / len(values)) if values else None,
                   "median_wait_s": round(median(values)) if values else None}
            for kind, values in waits.items()}
