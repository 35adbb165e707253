"""Tickets, outcomes and waits per procedure (thủ tục) for a period, the procedures whose
files are most often sent back first.

The same definitions as the office report (figures.py): issued, called, served, no-show and
cancelled tickets of the period's local days; wait = first call − issue for called tickets;
percentiles by nearest rank. Tickets taken for a service without a procedure are left out.
Outcomes count served tickets, as the office report's `dossiers.by_outcome` does, and the
`supplement` share is sent back ÷ served, as its `by_service`. The documents most often missing
count the served tickets sent back that named each one.
"""

from __future__ import annotations

import math
from collections import Counter as Tally
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Office, Procedure, Service, Ticket, TicketStatus
from queue_server.reports.figures import Period, Scope, share
from queue_server.reports.visit_figures import UNRECORDED
from queue_server.visits.outcomes import OUTCOMES

PERCENTILES = (50, 90)
SUPPLEMENT = "supplement"
# The documents most often missing, per procedure: enough to show what guidance to fix.
MOST_MISSING = 5


def procedure_report(session: Session, office: Office, period: Period) -> dict:
    """{"office", "from", "to", "by_procedure": [...]} for the office's period."""
    scope = Scope((office.id,), period, office.timezone)
    rows = session.execute(
        select(Ticket.procedure_id, Ticket.status, Ticket.issued_at, Ticket.called_at,
               Ticket.outcome, Ticket.missing_documents)
        .where(*scope.conditions(), Ticket.procedure_id.is_not(None)))
    counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    waits: dict[int | None, list[int]] = defaultdict(list)
    outcomes: dict[int | None, Tally[str]] = defaultdict(Tally)
    missing: dict[int | None, Tally[str]] = defaultdict(Tally)
    for procedure_id, status, issued_at, called_at, outcome, documents in rows:
        count = counts[procedure_id]
        count["issued"] += 1
        count[status.value] += 1
        if called_at is not None:
            count["called"] += 1
            waits[procedure_id].append(round((called_at - issued_at).total_seconds()))
        if status is TicketStatus.DONE:
            outcomes[procedure_id][outcome or UNRECORDED] += 1
            if outcome == SUPPLEMENT:
                missing[procedure_id].update(set(documents or []))
    procedures = session.execute(
        select(Procedure, Service.code).join(Service, Service.id == Procedure.service_id)
        .where(Procedure.id.in_(list(counts))))
    by_procedure = [{**_row(procedure, service, counts[procedure.id], waits[procedure.id]),
                     **_outcomes(outcomes[procedure.id], missing[procedure.id])}
                    for procedure, service in procedures]
    # Most often sent back first (a procedure nobody was served for last), then the busiest.
    by_procedure.sort(key=lambda row: (row["supplement_share"] is None,
                                       -(row["supplement_share"] or 0), -row["supplement"],
                                       -row["issued"], row["name"]))
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


def _outcomes(outcomes: Tally[str], missing: Tally[str]) -> dict:
    """The served tickets' outcomes, the supplement share, and the documents most missing."""
    served = sum(outcomes.values())
    sent_back = outcomes[SUPPLEMENT]
    ordered = sorted(missing.items(), key=lambda item: (-item[1], item[0]))[:MOST_MISSING]
    return {
        "outcomes": {**{code: outcomes[code] for code in OUTCOMES},
                     UNRECORDED: outcomes[UNRECORDED]},
        "supplement": sent_back,
        "supplement_share": share(sent_back, served),
        "missing": [{"document": document, "count": count, "share": share(count, sent_back)}
                    for document, count in ordered],
    }


def _durations(values: list[int]) -> dict:
    if not values:
        return {"mean": None, **{f"p{p}": None for p in PERCENTILES}, "max": None}
    ordered = sorted(values)
    return {"mean": round(sum(ordered) / len(ordered), 1),
            **{f"p{p}": ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]
               for p in PERCENTILES},
            "max": ordered[-1]}
