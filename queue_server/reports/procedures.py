"""Tickets, outcomes and waits per procedure (thủ tục) for a period, busiest first.

The same definitions as the office report (figures.py): issued, called, served, no-show and
cancelled tickets of the period's local days; wait = first call − issue for called tickets;
percentiles by nearest rank. Tickets taken for a service without a procedure are left out.
"""

from __future__ import annotations

import math
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Office, Procedure, Service, Ticket, TicketStatus
from queue_server.reports.figures import Period, Scope, share

PERCENTILES = (50, 90)


def procedure_report(session: Session, office: Office, period: Period) -> dict:
    """{"office", "from", "to", "by_procedure": [...]} for the office's period."""
    scope = Scope((office.id,), period, office.timezone)
    rows = session.execute(
        select(Ticket.procedure_id, Ticket.status, Ticket.issued_at, Ticket.called_at)
        .where(*scope.conditions(), Ticket.procedure_id.is_not(None)))
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    waits: dict[int | None, list[int]] = defaultdict(list)
    for procedure_id, status, issued_at, called_at in rows:
        count = counts[procedure_id]
        count["issued"] += 1
        count[status.value] += 1
        if called_at is not None:
            count["called"] += 1
            waits[procedure_id].append(round((called_at - issued_at).total_seconds()))
    procedures = session.execute(
        select(Procedure, Service.code).join(Service, Service.id == Procedure.service_id)
        .where(Procedure.id.in_(list(counts))))
    by_procedure = [_row(procedure, service, counts[procedure.id], waits[procedure.id])
                    for procedure, service in procedures]
    by_procedure.sort(key=lambda row: (-row["issued"], row["name"]))
    return {"office": office.slug, "from": period.first.isoformat(),
            "to": period.last.isoformat(), "by_procedure": by_procedure}


def _row(procedure: Procedure, service: str, count: dict[str, int], waits: list[int]) -> dict:
    return {
        "code": procedure.code, "name": procedure.name, "field": procedure.field,
        "service": service, "is_hidden": procedure.is_hidden,
        "issued": count["issued"], "called": count["called"],
        "served": count[TicketStatus.DONE.value], "no_show": count[TicketStatus.NO_SHOW.value],
        "cancelled": count[TicketStatus.CANCELLED.value],
        "no_show_share": share(count[TicketStatus.NO_SHOW.value], count["called"]),
        "wait_s": _durations(waits),
    }


def _durations(values: list[int]) -> dict:
    if not values:
        return {"mean": None, **{f"p{p}": None for p in PERCENTILES}, "max": None}
    ordered = sorted(values)
    return {"mean": round(sum(ordered) / len(ordered), 1),
            **{f"p{p}": ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]
               for p in PERCENTILES},
            "max": ordered[-1]}
