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
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
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


def nearest_ranks(connection: Connection, facts: Table, dimensions: Mapping[str, str],
                  metrics: Sequence[str], percentiles: Sequence[int]) -> Found:
    """{(dimension, metric, group key): {p: value}} over the facts' non-null durations.

    `dimensions` maps each wanted dimension to its key column in `facts`, or to None for
    a dimension of one group keyed 0; `metrics` are the duration columns, in whole seconds.
    """
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


def _fine_histogram(facts: Table, dim: str, column: str | None, metric: str,  # noqa: ANN202
                    targets: dict):
    """Per second, the durations of the minutes that hold a percentile of a group."""
    key, value = _key(facts, column), facts.c[metric]
    places = sorted({(group[2], minute) for group, wanted in targets.items()
                     if group[:2] == (dim, metric) for _p, minute, _rank in wanted})
    inside = (tuple_(key, _minute(value)).in_(places) if column
              else _minute(value).in_([minute for _key, minute in places]))
    return (select(literal(dim), literal(metric), key, value, _minute(value), func.count())
            .where(value.is_not(None), inside).group_by(key, value))


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
