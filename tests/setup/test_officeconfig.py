"""The office file is parsed strictly, and every mistake names its place."""

import tomllib
from pathlib import Path

import pytest

from queue_server.setup.office_file import (
    OfficeConfigError,
    load_office_file,
    parse_office_document,
)

DEMO = Path(__file__).parents[2] / "config" / "demo.toml"


def minimal(**office_keys):
    office = {"slug": "xa-a", "name": "Xã A", "opening_hours": "Mo-Fr 07:30-11:30",
              "service": [{"code": "dat-dai", "name": "Đất đai", "prefix": "1"}],
              "counter": [{"number": 1, "name": "Quầy 1", "services": ["dat-dai"]}]}
    office.update(office_keys)
    return {"office": [office]}


def problems(document) -> list[str]:
    with pytest.raises(OfficeConfigError) as refused:
        parse_office_document(document, "offices.toml")
    return refused.value.problems


def test_the_demo_office_file_loads_with_the_issue_s_services_and_counters():
    office, = load_office_file(DEMO)
    assert office.slug == "cam-lam"
    assert [s.name for s in office.services] == [
        "Đất đai", "Tài nguyên – Môi trường", "Xây dựng – Nhà ở", "Đầu tư – Đăng ký kinh doanh",
        "Lao động – Thương binh và Xã hội", "Tư pháp – Hộ tịch", "Trả kết quả"]
    assert len(office.counters) == 6
    assert sum("dat-dai" in c.services for c in office.counters) == 2
    assert office.priority_mode == "interleaved" and office.ordinary_per_priority == 2
    assert office.opening_hours == "Mo-Fr 07:30-11:30,13:30-17:00"


def test_the_contract_example_parses():
    document = tomllib.loads('''
[[office]]
slug = "cam-lam"
name = "Bộ phận TN&TKQ – UBND huyện Cam Lâm"
timezone = "Asia/Ho_Chi_Minh"
opening_hours = "Mo-Fr 07:30-11:30,13:30-17:00"
holidays = ["2026-01-01"]
  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"
  daily_capacity = 150
  [[office.counter]]
  number = 1
  name = "Quầy 1"
  services = ["dat-dai"]
  [[office.priority]]
  code = "elderly"
  name = "Người cao tuổi (từ 60 tuổi)"
''')
    office, = parse_office_document(document)
    assert office.services[0].daily_capacity == 150
    assert str(office.holidays[0]) == "2026-01-01"


def test_an_unknown_key_is_refused_with_its_place():
    document = minimal()
    document["office"][0]["service"][0]["prefx"] = "2"
    assert problems(document) == ["office[1] (xa-a).service[1].prefx: unknown key"]


def test_a_counter_serving_an_unknown_service_is_refused():
    found = problems(minimal(counter=[{"number": 1, "services": ["ho-tich"]}]))
    assert found == ["office[1] (xa-a).counter[1].services: unknown service 'ho-tich'"]


def test_duplicate_codes_numbers_and_prefixes_are_refused():
    service = {"code": "dat-dai", "name": "Đất đai", "prefix": "1"}
    found = problems(minimal(service=[service, dict(service)],
                             counter=[{"number": 1, "services": ["dat-dai"]},
                                      {"number": 1, "services": ["dat-dai"]}]))
    assert "office[1] (xa-a): duplicate service code 'dat-dai'" in found
    assert "office[1] (xa-a): duplicate service prefix '1'" in found
    assert "office[1] (xa-a): duplicate counter number 1" in found


def test_a_malformed_opening_hours_string_is_refused_with_the_reason():
    found = problems(minimal(opening_hours="Mo-Fr 7h30-11h30"))
    assert len(found) == 1
    assert found[0].startswith("office[1] (xa-a).opening_hours: invalid opening_hours")


def test_every_mistake_is_reported_at_once():
    found = problems(minimal(timezone="Mars/Olympus", holidays=["26/11/2026"], name=5,
                             priority_mode="random"))
    assert len(found) == 4
    assert any("holidays[1]" in p for p in found)


def test_missing_required_keys_and_wrong_types_are_named():
    found = problems({"office": [{"slug": "Bad Slug!", "service": [{"code": "x"}]}]})
    assert "office[1] (Bad Slug!).slug: 'Bad Slug!' is not allowed: lowercase letters, digits, -" \
        in found
    assert "office[1] (Bad Slug!).name: required key is missing" in found
    assert "office[1] (Bad Slug!).service[1].prefix: required key is missing" in found


def test_file_errors_name_the_file(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[[office]\nslug=")
    with pytest.raises(OfficeConfigError) as refused:
        load_office_file(broken)
    assert str(broken) in str(refused.value) and "not valid TOML" in str(refused.value)
    with pytest.raises(OfficeConfigError, match="file not found"):
        load_office_file(tmp_path / "missing.toml")


def test_booking_settings_and_capacities_are_read_and_checked():
    from queue_server.setup.office_file import OfficeConfigError, parse_office_document

    document = {"office": [{
        "slug": "xa-a", "name": "Xã A", "opening_hours": "Mo-Fr 07:30-17:00",
        "booking": {"slot_minutes": 20, "days_ahead": 3},
        "service": [{"code": "dat-dai", "name": "Đất đai", "prefix": "1",
                     "booking_capacity": 2}],
        "counter": [{"number": 1, "name": "Quầy 1", "services": ["dat-dai"]}]}]}
    spec = parse_office_document(document)[0]
    assert spec.booking == {"slot_minutes": 20, "days_ahead": 3, "per_phone_per_day": 2,
                            "per_phone_per_service": 1, "window_before_min": 15,
                            "window_after_min": 10}
    assert spec.services[0].booking_capacity == 2
    document["office"][0]["booking"] = {"slot_minutes": 0, "per_phone": 1}
    document["office"][0]["service"][0]["booking_capacity"] = -1
    with pytest.raises(OfficeConfigError) as error:
        parse_office_document(document)
    text = str(error.value)
    assert "booking.slot_minutes: must be a whole number from 5 to 240, got 0" in text
    assert "booking.per_phone: unknown key" in text
    assert "booking_capacity" in text
