"""Report figures, aggregated by the database: counts, waiting and service times, ratings.

Definitions (docs/reports.md and the API description say the same):

- issued: every ticket of the period's local days; called: tickets called at least once;
- served: finished tickets; no_show: tickets marked absent; cancelled: cancelled tickets;
- wait = first call − issue, for every called ticket (no-shows included);
- service = finish − the call that brought the citizen (the last call or recall), for
  finished tickets;
- percentiles are exact, by nearest rank over the period's tickets: p is the smallest value
  with at least p% of the values at or below it (PostgreSQL's percentile_disc), so the median
  of an even count is the lower middle value;
- over target: called tickets whose wait exceeded the target wait of the service they were
  issued for;
- satisfied share ("% hài lòng") = ratings 4 (Hài lòng) and 5 (Rất hài lòng) ÷ all ratings
  of the period's tickets (a three-level form's levels count as 2, 3 and 4);
- repeat visits: the ratings' "how many times" answers, and tickets whose dossier code was
  already on an earlier ticket of the office.

A ticket belongs to the service it was issued for and to the counter and officer that last
called it (the one that served it, or marked it absent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from queue_server.core.sqltime import Instant, local_hour, seconds_between
from queue_server.feedback.ratings import REASONS
from queue_server.models import Feedback, Service, Ticket, TicketStatus, VisitCount
from queue_server.reports.percentiles import nearest_ranks

PERCENTILES = (50, 90)
METRICS = ("wait", "service")
SATISFIED_FROM = 4  # Hài lòng and Rất hài lòng
DIMENSIONS = ("all", "office", "service", "counter", "officer", "hour")


@dataclass(frozen=True)
class Period:
    """Local calendar days from `first` to `last`, both included."""

    first: date
    last: date

    def utc_bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The instants where the first day starts and the day after the last starts."""
        zone = ZoneInfo(timezone)
        return (datetime.combine(self.first, time(), tzinfo=zone),
                datetime.combine(self.last + timedelta(days=1), time(), tzinfo=zone))

    def days(self) -> int:
        """How many days the period spans."""
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Filters:
    """Optional narrowing of a report; None means every service, counter or officer."""

    service_id: int | None = None
    counter_id: int | None = None
    officer_id: int | None = None


@dataclass(frozen=True)
class Scope:
    """Which tickets a report covers: offices, local days, filters, and the zone for hours."""

    office_ids: tuple[int, ...]
    period: Period
    timezone: str
    filters: Filters = Filters()

    def conditions(self) -> list[ColumnElement]:
        """WHERE clauses on Ticket for this scope."""
        office = (Ticket.office_id == self.office_ids[0] if len(self.office_ids) == 1
                  else Ticket.office_id.in_(self.office_ids))
        clauses = [office, Ticket.day >= self.period.first, Ticket.day <= self.period.last]
        narrowing = {Ticket.issued_service_id: self.filters.service_id,
                     Ticket.counter_id: self.filters.counter_id,
                     Ticket.officer_id: self.filters.officer_id}
        clauses += [column == value for column, value in narrowing.items() if value is not None]
        return clauses


# One row per ticket of a report's scope, computed once per report. A temporary table is
# private to its connection and transaction.
_FACTS = Table(
    "report_facts", MetaData(),
    *(Column(name, Integer) for name in (
        "k_office", "k_service", "k_counter", "k_officer", "k_hour", "wait", "service",
        "target", "rating", "has_comment", "has_dossier", "is_repeat")),
    Column("status", String(20)), Column("reasons", Text), Column("visits", String(20)),
    prefixes=["TEMPORARY"])
# The key column of each dimension but "all", whose one group has the key 0.
_KEYS = {"office": "k_office", "service": "k_service", "counter": "k_counter",
         "officer": "k_officer", "hour": "k_hour"}


def _count_if(condition: ColumnElement) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def _ticket_sums() -> dict[str, ColumnElement]:
    """What each group adds up over its tickets, by column name: counts, sums and maxima."""
    c = _FACTS.c
    return {
        "issued": func.count(), "called": func.count(c.wait),
        "served": _count_if(c.status == TicketStatus.DONE.value),
        "no_show": _count_if(c.status == TicketStatus.NO_SHOW.value),
        "cancelled": _count_if(c.status == TicketStatus.CANCELLED.value),
        **{f"{metric}_{name}": aggregate(c[metric]) for metric in METRICS
           for name, aggregate in (("count", func.count), ("sum", func.sum),
                                   ("max", func.max))},
        "over_target": _count_if(c.wait > c.target),
        "dossier_tickets": func.sum(c.has_dossier), "dossier_repeats": func.sum(c.is_repeat),
    }


def _rating_sums() -> dict[str, ColumnElement]:
    """What each group adds up over its rated tickets."""
    c = _FACTS.c
    return {
        "responses": func.count(), "comments": func.sum(c.has_comment),
        **{f"rating_{level}": _count_if(c.rating == level) for level in range(1, 6)},
        **{f"reason_{code}": _count_if(c.reasons.like(f'%"{code}"%')) for code in REASONS},
        **{f"visits_{visit.value}": _count_if(c.visits == visit.value) for visit in VisitCount},
    }


# The facts summed per combination of the wanted keys: a few hundred rows for a busy
# office's year, so that each dimension adds up these instead of scanning every ticket
# again. Tickets and ratings are summed apart (ratings over rated tickets only), one row
# each per combination; the dimensions add both up.
_GROUPS = Table(
    "report_groups", MetaData(),
    *(Column(key, Integer) for key in _KEYS.values()),
    *(Column(name, BigInteger) for name in (*_ticket_sums(), *_rating_sums())),
    prefixes=["TEMPORARY"])


def figures_by(session: Session, scope: Scope, dimensions: Sequence[str]) -> dict[str, dict]:
    """{dimension: {group key: figures}}; the key of "all" is 0, groups without tickets absent.

    A fixed number of statements whatever the dimensions: fill the facts, sum them per
    combination of keys, add those sums up per dimension, then the percentiles
    (percentiles.py).
    """
    unknown = set(dimensions) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions {sorted(unknown)}")
    connection = session.connection()
    for table in (_FACTS, _GROUPS):
        table.drop(connection, checkfirst=True)
        table.create(connection)
    connection.execute(insert(_FACTS).from_select(
        [column.name for column in _FACTS.c], _facts(session, scope, "hour" in dimensions)))
    # Only the wanted keys: sorting on constant columns as well made grouping 50% slower.
    grain = [_KEYS[dim] for dim in dimensions if dim != "all"]
    keys = [_FACTS.c[name] for name in grain]
    for sums, rated in ((_ticket_sums(), None), (_rating_sums(), _FACTS.c.rating.is_not(None))):
        query = select(*keys, *sums.values()).group_by(*keys)
        connection.execute(insert(_GROUPS).from_select(
            [*grain, *sums], query if rated is None else query.where(rated)))
    result: dict[str, dict] = {dim: {} for dim in dimensions}
    totals = connection.execute(union_all(*(_totals(dim) for dim in dimensions))).mappings()
    for row in totals.all():
        result[row["dim"]][row["key"]] = dict(row)
    found = nearest_ranks(connection, _FACTS, {dim: _KEYS.get(dim) for dim in dimensions},
                          METRICS, PERCENTILES)
    for (dim, metric, key), values in found.items():
        result[dim][key].update({f"{metric}_p{p}": value for p, value in values.items()})
    for table in (_FACTS, _GROUPS):
        table.drop(connection)
    return {dim: {key: figures_json(row) for key, row in groups.items()}
            for dim, groups in result.items()}


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _whole_seconds(dialect: str, later: Instant, earlier: Instant) -> ColumnElement:
    return cast(func.round(seconds_between(dialect, later, earlier)), Integer)


def _facts(session: Session, scope: Scope, with_hour: bool) -> Select:
    """One row per ticket of the scope: group keys, status, durations, its rating."""
    dialect = _dialect(session)
    start, end = scope.period.utc_bounds(scope.timezone)
    hour = (local_hour(dialect, Ticket.issued_at, scope.timezone, start, end) if with_hour
            else literal(None, Integer))
    served = and_(Ticket.status == TicketStatus.DONE, Ticket.finished_at.is_not(None),
                  Ticket.last_called_at.is_not(None))
    earlier = aliased(Ticket)
    repeat = case((and_(Ticket.dossier_code.is_not(None), exists().where(
        earlier.office_id == Ticket.office_id, earlier.dossier_code == Ticket.dossier_code,
        earlier.issued_at < Ticket.issued_at)), 1), else_=0)
    return (
        select(Ticket.office_id, Ticket.issued_service_id,
               Ticket.counter_id, Ticket.officer_id, hour,
               case((Ticket.called_at.is_not(None),
                     _whole_seconds(dialect, Ticket.called_at, Ticket.issued_at))),
               case((served, _whole_seconds(dialect, Ticket.finished_at, Ticket.last_called_at))),
               Service.target_wait_s, on_five_levels(Feedback.rating, Feedback.levels),
               case((Feedback.comment.is_not(None), 1), else_=0),
               case((Ticket.dossier_code.is_not(None), 1), else_=0), repeat,
               cast(Ticket.status, String), cast(Feedback.reasons, Text),
               cast(Feedback.visits, String))
        .join(Service, Service.id == Ticket.issued_service_id)
        # The office and the start let PostgreSQL read only the scope's ratings (a rating
        # comes after its ticket's issue), not the province's history, to join them.
        .outerjoin(Feedback, and_(Feedback.ticket_id == Ticket.id,
                                  Feedback.office_id.in_(scope.office_ids),
                                  Feedback.rated_at >= start))
        .where(*scope.conditions()))


def on_five_levels(rating: Any, levels: Any) -> ColumnElement:
    """A rating on the five-level scale, whatever the form it was given on."""
    # A three-level form's Không hài lòng, Bình thường, Hài lòng count as the five-level
    # form's 2, 3 and 4: its one satisfied level stays satisfied, the others stay not.
    return case((levels == 3, rating + 1), else_=rating)


def _totals(dimension: str) -> Select:
    """Every group's counts, means, maxima, ratings and repeat visits, from the summed groups."""
    g = _GROUPS.c
    added = {name: (func.max if name.endswith("_max") else func.sum)(g[name]).label(name)
             for name in (*_ticket_sums(), *_rating_sums())}
    means = [(cast(func.sum(g[f"{metric}_sum"]), Float)
              / func.nullif(func.sum(g[f"{metric}_count"]), 0)).label(f"{metric}_mean")
             for metric in METRICS]
    if dimension == "all":
        return (select(literal(dimension).label("dim"), literal(0).label("key"),
                       *added.values(), *means).having(func.count() > 0))
    key = g[_KEYS[dimension]]
    query = select(literal(dimension).label("dim"), key.label("key"), *added.values(), *means)
    if dimension in ("counter", "officer"):
        query = query.where(key.is_not(None))  # tickets never called belong to no counter
    return query.group_by(key)


def share(part: int | None, whole: int | None) -> float | None:
    """part ÷ whole to four decimals; None when there is nothing to divide."""
    return round(part / whole, 4) if whole and part is not None else None


def _seconds(value: float | None, digits: int = 0) -> float | int | None:
    # Durations go through floating point (julianday): round off its last-digit noise.
    if value is None:
        return None
    return round(float(value), digits) if digits else round(float(value))


def _durations(row: Mapping[str, Any], name: str) -> dict:
    return {"mean": _seconds(row.get(f"{name}_mean"), 1),
            **{f"p{p}": _seconds(row.get(f"{name}_p{p}")) for p in PERCENTILES},
            "max": _seconds(row.get(f"{name}_max"))}


def figures_json(row: Mapping[str, Any]) -> dict:
    """One group's figures as the API gives them."""
    row = dict(row)
    count = {name: int(row.get(name) or 0) for name in (
        "issued", "called", "served", "no_show", "cancelled", "over_target", "responses",
        "comments", "dossier_tickets", "dossier_repeats")}
    return {
        "issued": count["issued"], "called": count["called"], "served": count["served"],
        "no_show": count["no_show"], "cancelled": count["cancelled"],
        "wait_s": _durations(row, "wait"), "service_s": _durations(row, "service"),
        "over_target": {"count": count["over_target"],
                        "share": share(count["over_target"], count["called"])},
        "satisfaction": _satisfaction(row, count["responses"], count["comments"]),
        "repeat_visits": _repeat_visits(row, count),
    }


def _satisfaction(row: Mapping[str, Any], responses: int, comments: int) -> dict:
    levels = {str(level): int(row.get(f"rating_{level}") or 0) for level in range(1, 6)}
    satisfied = sum(levels[str(level)] for level in range(SATISFIED_FROM, 6))
    return {"responses": responses, "satisfied_share": share(satisfied, responses),
            "by_rating": levels,
            "reasons": {code: int(row.get(f"reason_{code}") or 0) for code in REASONS},
            "comments": comments}


def _repeat_visits(row: Mapping[str, Any], count: dict) -> dict:
    visits = {visit.value: int(row.get(f"visits_{visit.value}") or 0) for visit in VisitCount}
    answered = sum(visits.values())
    repeated = visits["second"] + visits["three_or_more"]
    return {"answered": answered, **visits, "repeat_share": share(repeated, answered),
            "dossier_tickets": count["dossier_tickets"],
            "dossier_repeats": count["dossier_repeats"]}


def empty_figures() -> dict:
    """The figures of a group without a single ticket."""
    return figures_json({})
