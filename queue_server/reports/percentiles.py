"""Exact nearest-rank percentiles of whole-second durations, for every group of every dimension.

The nearest rank of p in n values is ceil(p·n / 100): the p-th percentile is the smallest
value with at least p% of the values at or below it (PostgreSQL's percentile_disc).

Sorting every ticket once per dimension and duration took SQLite most of a year's report,
so the work goes in two passes whose sorts are small:

1. a coarse histogram: how many durations fall in each minute, per combination of every key
   (one sort of the tickets per duration); each dimension adds these up per group, and the
   running counts tell which minute holds each percentile and its rank inside that minute;
2. a fine histogram, per second, of only those minutes of those groups, where the rank is
   read off.

Both passes are aggregated by the database; Python only walks the histograms' rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import cache

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    cast,
    func,
    insert,
    literal,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

BUCKET_S = 60

Found = dict[tuple[str, str, int | None], dict[int, int]]


def nearest_ranks(connection: Connection, facts: Table, dimensions: Mapping[str, str | None],
                  metrics: Sequence[str], percentiles: Sequence[int]) -> Found:
    """{(dimension, metric, group key): {p: value}} over the facts' non-null durations.

    `dimensions` maps each wanted dimension to its key column in `facts`, or to None for
    a dimension of one group keyed 0; `metrics` are the duration columns, in whole seconds.
    """
    if connection.dialect.name == "postgresql":
        return _percentile_disc(connection, facts, dimensions, metrics, percentiles)
    key_names = tuple(column for column in dimensions.values() if column)
    buckets = _buckets_table(key_names)
    buckets.drop(connection, checkfirst=True)
    buckets.create(connection)
    keys = [facts.c[name] for name in key_names]
    for metric in metrics:
        minute = _minute(facts.c[metric])
        connection.execute(insert(buckets).from_select(
            ["metric", *key_names, "bucket", "n"],
            select(literal(metric), *keys, minute, func.count())
            .where(facts.c[metric].is_not(None)).group_by(*keys, minute)))
    coarse = connection.execute(union_all(*(
        select(literal(dim), literal(metric), _key(buckets, column), buckets.c.bucket,
               func.sum(buckets.c.n))
        .where(buckets.c.metric == metric).group_by(_key(buckets, column), buckets.c.bucket)
        for dim, column in dimensions.items() for metric in metrics))).all()
    buckets.drop(connection)
    targets = _targets(coarse, percentiles)
    if not targets:
        return {}
    fine = connection.execute(union_all(*(
        _fine_histogram(facts, dim, column, metric, targets)
        for dim, column in dimensions.items() for metric in metrics
        if any(group[:2] == (dim, metric) for group in targets)))).all()
    return _read_off(fine, targets)


def _percentile_disc(connection: Connection, facts: Table, dimensions: Mapping[str, str | None],
                     metrics: Sequence[str], percentiles: Sequence[int]) -> Found:
    """PostgreSQL's own nearest rank, every dimension in one statement (grouping sets):
    twice as fast there as the two passes, which are for SQLite."""
    columns = {dim: facts.c[column] for dim, column in dimensions.items() if column}
    fractions = literal([p / 100 for p in percentiles], ARRAY(Float))
    query = select(
        *(func.grouping(column) for column in columns.values()),
        *columns.values(),
        *(func.percentile_disc(fractions).within_group(facts.c[metric]) for metric in metrics)
    ).group_by(func.grouping_sets(*(tuple_(column) if column is not None else tuple_()
                                    for column in (columns.get(dim) for dim in dimensions))))
    found: Found = {}
    width = len(columns)
    for row in connection.execute(query):
        grouped_by = [dim for dim, flag in zip(columns, row[:width], strict=True) if flag == 0]
        dim = grouped_by[0] if grouped_by else "all"
        key = row[width + list(columns).index(dim)] if grouped_by else 0
        for metric, values in zip(metrics, row[2 * width:], strict=True):
            if key is not None and values is not None:
                found[(dim, metric, key)] = dict(zip(percentiles, values, strict=True))
    return found


@cache
def _buckets_table(key_names: tuple[str, ...]) -> Table:
    return Table("report_buckets", MetaData(), Column("metric", String(20)),
                 *(Column(name, Integer) for name in key_names), Column("bucket", Integer),
                 Column("n", BigInteger), prefixes=["TEMPORARY"])


def _key(table: Table, column: str | None) -> ColumnElement:
    return table.c[column] if column else literal(0, Integer)


def _minute(seconds: ColumnElement) -> ColumnElement:
    return seconds // BUCKET_S


def _targets(coarse: Sequence, percentiles: Sequence[int]) -> dict:
    """{(dim, metric, key): [(p, minute, rank inside that minute)]} from the coarse counts."""
    counts: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for dim, metric, key, minute, n in coarse:
        if key is not None:
            counts[(dim, metric, key)].append((minute, int(n)))
    targets = {}
    for group, minutes in counts.items():
        minutes.sort()
        size = sum(n for _minute, n in minutes)
        wanted = []
        for p in percentiles:
            rank, before = (p * size + 99) // 100, 0  # ceil(p·size / 100), in integers
            for minute, n in minutes:
                if before + n >= rank:
                    wanted.append((p, minute, rank - before))
                    break
                before += n
        targets[group] = wanted
    return targets


def _fine_histogram(facts: Table, dim: str, column: str | None, metric: str,
                    targets: dict) -> Select:
    """Per second, the durations of the minutes that hold a percentile of a group."""
    key, value = _key(facts, column), facts.c[metric]
    places = sorted({_place(group[2], minute) for group, wanted in targets.items()
                     if group[:2] == (dim, metric) for _p, minute, _rank in wanted})
    # One number per (group, minute): PostgreSQL hashes a long IN list of numbers, and
    # compared a list of pairs one by one for every ticket.
    place = _place(key, _minute(value))
    assert isinstance(place, ColumnElement)  # a column key gives a column expression
    return (select(literal(dim), literal(metric), key, value, _minute(value), func.count())
            .where(value.is_not(None), place.in_(places))
            .group_by(key, value))


def _place(key: int | ColumnElement, minute: int | ColumnElement) -> int | ColumnElement:
    """A group's minute as one integer (minutes stay far below PLACES: 19 years)."""
    return cast(key, BigInteger) * _PLACES + minute if isinstance(key, ColumnElement) \
        else key * _PLACES + minute


_PLACES = 10_000_000


def _read_off(fine: Sequence, targets: dict) -> Found:
    seconds: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for dim, metric, key, value, minute, n in fine:
        seconds[(dim, metric, key, minute)].append((value, int(n)))
    return {group: {p: _at_rank(sorted(seconds[(*group, minute)]), rank)
                    for p, minute, rank in wanted}
            for group, wanted in targets.items()}


def _at_rank(histogram: list[tuple[int, int]], rank: int) -> int:
    """The value at a 1-based rank of a sorted histogram."""
    seen = 0
    for value, n in histogram:
        seen += n
        if seen >= rank:
            return value
    raise AssertionError("the fine histogram holds fewer values than the coarse one counted")
