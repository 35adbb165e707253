"""The province and the day that bench/province_day.py replays (bench/_province.py)."""

from __future__ import annotations

import importlib.util
import random
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from queue_server.setup.office_file import parse_office_document

_spec = importlib.util.spec_from_file_location(
    "bench_province", Path(__file__).resolve().parents[2] / "bench" / "_province.py")
assert _spec is not None and _spec.loader is not None
province = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = province  # dataclasses look their module up there
_spec.loader.exec_module(province)


@pytest.fixture(scope="module")
def offices() -> list:
    return province.province_offices()


def test_the_province_has_a_centre_ten_branches_and_139_communes_with_400_counters(offices):
    assert Counter(office.kind for office in offices) == {
        "centre": 1, "branch": 10, "commune": 139}
    assert sum(len(office.counters) for office in offices) == 400
    assert {len(office.counters) for office in offices if office.kind == "commune"} == {1, 2}


def test_every_service_of_an_office_has_a_counter_that_calls_it(offices):
    for office in offices:
        called = {code for served in office.counters for code in served}
        assert called == set(office.services), office.slug


def test_counters_that_do_not_fit_are_refused():
    with pytest.raises(ValueError, match="communes"):
        province.province_offices(counters=100)


def test_arrivals_are_as_many_as_asked_and_all_within_opening_hours():
    moments = province.arrival_seconds(60000, random.Random(1))
    assert len(moments) == 60000
    assert moments == sorted(moments)
    assert all(province.rate_at(moment) > 0 for moment in moments)
    lunch = (province.seconds_of("11:30"), province.seconds_of("13:30"))
    assert not [moment for moment in moments if lunch[0] <= moment < lunch[1]]


def test_the_morning_peak_is_the_busiest_hour_and_the_morning_outweighs_the_afternoon():
    moments = province.arrival_seconds(60000, random.Random(3))
    by_hour = Counter(int(moment // 3600) for moment in moments)
    assert max(by_hour, key=lambda hour: by_hour[hour]) in (8, 9)
    noon = province.seconds_of("12:00")
    assert sum(moment < noon for moment in moments) > 1.5 * sum(
        moment >= noon for moment in moments)


def test_a_window_holds_the_share_of_the_day_the_curve_gives_it():
    moments = province.arrival_seconds(60000, random.Random(5))
    start, end = province.seconds_of("07:30"), province.seconds_of("10:00")
    counted = sum(start <= moment < end for moment in moments) / len(moments)
    assert counted == pytest.approx(province.share_between(start, end), abs=0.002)
    assert 0.45 < counted < 0.55


def test_the_same_seed_gives_the_same_day(offices):
    first = province.day_arrivals(offices, 2000, seed=7)
    assert first == province.day_arrivals(offices, 2000, seed=7)
    assert first != province.day_arrivals(offices, 2000, seed=8)
    assert all(arrival.service in offices[arrival.office].services for arrival in first)


def test_busier_offices_get_more_citizens(offices):
    arrivals = province.day_arrivals(offices, 60000)
    per_office = Counter(arrival.office for arrival in arrivals)
    centre = per_office[0] / len(offices[0].counters)
    one_counter = [index for index, office in enumerate(offices) if len(office.counters) == 1]
    assert per_office[0] > 10 * max(per_office[index] for index in one_counter)
    assert centre == pytest.approx(60000 / 400, rel=0.1)


def test_the_office_file_is_one_this_server_reads(offices):
    specs = parse_office_document(tomllib.loads(
        province.office_file(offices, network_keys=False)))
    assert len(specs) == 150
    assert sum(len(spec.counters) for spec in specs) == 400
    assert {spec.opening_hours for spec in specs} == {"24/7"}


def test_the_network_keys_are_written_for_each_office(offices):
    document = tomllib.loads(province.office_file(offices[:3], network_keys=True))
    assert document["province"]["slug"] == "tinh-thu-tai"
    assert [table["kind"] for table in document["office"]] == ["centre", "branch", "branch"]
    assert all(len(table["location"]) == 2 and table["address"] and table["area"]
               for table in document["office"])
