"""Nearest-rank percentiles in two passes (minutes, then seconds) against a plain sort."""

import random

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert

from queue_server.reports.percentiles import nearest_ranks

from ..support.migrations import DATABASES, scratch_engine

PERCENTILES = (1, 50, 90, 99, 100)


def facts_table() -> Table:
    return Table("facts", MetaData(), Column("k_colour", Integer), Column("k_size", Integer),
                 Column("wait", Integer), Column("service", Integer))


def by_sorting(rows, column, metric):
    """{(key, p): value} by the definition: the ceil(p·n/100)-th smallest value."""
    groups = {}
    for row in rows:
        if row[metric] is not None and (column is None or row[column] is not None):
            groups.setdefault(0 if column is None else row[column], []).append(row[metric])
    return {(key, p): sorted(values)[-(-p * len(values) // 100) - 1]
            for key, values in groups.items() for p in PERCENTILES}


def found_by_sql(database, tmp_path, rows):
    facts = facts_table()
    dimensions = {"all": None, "colour": "k_colour", "size": "k_size"}
    with scratch_engine(database, tmp_path) as engine, engine.begin() as connection:
        facts.create(connection)
        if rows:
            connection.execute(insert(facts), rows)
        return nearest_ranks(connection, facts, dimensions, ("wait", "service"), PERCENTILES)


def expected(rows):
    return {(dim, metric, key): {p: value for (k, p), value in by_sorting(rows, column, metric)
                                 .items() if k == key}
            for dim, column in {"all": None, "colour": "k_colour", "size": "k_size"}.items()
            for metric in ("wait", "service")
            for key in {k for k, _p in by_sorting(rows, column, metric)}}


@pytest.mark.parametrize("database", DATABASES)
def test_every_group_gets_the_value_a_full_sort_gives(database, tmp_path):
    generator = random.Random(7)
    rows = [{"k_colour": generator.choice([1, 2, 3, None]), "k_size": generator.randrange(5),
             "wait": generator.choice([None, 0, 59, 60, 61, 3599, 3600,
                                       int(generator.expovariate(1 / 700))]),
             "service": None if generator.random() < 0.1 else generator.randrange(60, 2400)}
            for _ in range(3000)]
    found = found_by_sql(database, tmp_path, rows)
    assert found == expected(rows)
    assert len(found) == 2 * (1 + 3 + 5)


@pytest.mark.parametrize("database", DATABASES)
def test_ties_minute_edges_and_tiny_groups(database, tmp_path):
    rows = ([{"k_colour": 1, "k_size": 1, "wait": 60, "service": 5}] * 7
            + [{"k_colour": 1, "k_size": 2, "wait": 59, "service": 119},
               {"k_colour": 1, "k_size": 2, "wait": 120, "service": 120},
               {"k_colour": 2, "k_size": 3, "wait": 0, "service": None}])
    found = found_by_sql(database, tmp_path, rows)
    assert found == expected(rows)
    assert found[("colour", "wait", 1)][50] == 60
    assert found[("size", "wait", 2)] == {1: 59, 50: 59, 90: 120, 99: 120, 100: 120}
    assert ("colour", "service", 2) not in found


@pytest.mark.parametrize("database", DATABASES)
def test_no_durations_no_percentiles(database, tmp_path):
    assert found_by_sql(database, tmp_path, []) == {}
