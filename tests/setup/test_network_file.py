"""The office file's province network: [province], each office's kind, area, address and
location, checked with their place, and the codes offices should agree on."""

from __future__ import annotations

import tomllib

import pytest
from sqlalchemy import select

from queue_server.models import Office, Procedure, Province
from queue_server.setup.network import (
    apply_province,
    current_province,
    procedure_name_warnings,
)
from queue_server.setup.office_file import (
    OfficeConfigError,
    ProvinceSpec,
    parse_network_document,
    parse_office_document,
)
from queue_server.setup.seeding import apply_office_specs

from ..conftest import THURSDAY_9AM, office_spec

NETWORK = '''
[province]
slug = "khanh-hoa"
name = "Tỉnh Khánh Hòa"

[[office]]
slug = "trung-tam"
name = "Trung tâm Phục vụ hành chính công tỉnh"
kind = "centre"
area = "Tỉnh Khánh Hòa"
address = "01 Trần Phú, Nha Trang"
location = [12.2388, 109.1967]
opening_hours = "Mo-Fr 07:30-11:30"
  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"
  [[office.counter]]
  number = 1
  services = ["dat-dai"]

[[office]]
slug = "xa-cam-lam"
name = "Trung tâm phục vụ hành chính công xã Cam Lâm"
kind = "commune"
location = [12, 109]
opening_hours = "Mo-Fr 07:30-11:30"
  [[office.service]]
  code = "dat-dai"
  name = "Đất đai"
  prefix = "1"
  [[office.counter]]
  number = 1
  services = ["dat-dai"]
'''


def one_office(**keys) -> dict:
    office = {"slug": "xa-a", "name": "Xã A", "opening_hours": "Mo-Fr 07:30-11:30",
              "service": [{"code": "dat-dai", "name": "Đất đai", "prefix": "1"}],
              "counter": [{"number": 1, "services": ["dat-dai"]}], **keys}
    return {"office": [office]}


def problems(document: dict) -> list[str]:
    with pytest.raises(OfficeConfigError) as refused:
        parse_office_document(document, "offices.toml")
    return refused.value.problems


def test_a_province_file_gives_the_province_and_each_office_s_place():
    network = parse_network_document(tomllib.loads(NETWORK))
    assert network.province == ProvinceSpec("khanh-hoa", "Tỉnh Khánh Hòa")
    centre, commune = network.offices
    assert (centre.kind, centre.area, centre.address, centre.location) == (
        "centre", "Tỉnh Khánh Hòa", "01 Trần Phú, Nha Trang", (12.2388, 109.1967))
    assert (commune.kind, commune.area, commune.address, commune.location) == (
        "commune", "", "", (12.0, 109.0))
    assert network.warnings() == []


def test_an_office_without_the_new_keys_is_an_office_on_its_own():
    network = parse_network_document(one_office())
    office, = network.offices
    assert network.province is None
    assert (office.kind, office.area, office.address, office.location) == (None, "", "", None)


@pytest.mark.parametrize("kind", ["district", "Centre", ""])
def test_an_unknown_kind_is_refused_with_the_kinds_allowed(kind):
    assert problems(one_office(kind=kind)) == [
        f"office[1] (xa-a).kind: {kind!r} is not allowed: centre, branch, commune"]


@pytest.mark.parametrize(("location", "reason"), [
    ([12.2], "must be [latitude, longitude], two numbers"),
    ([12.2, 109.1, 3], "must be [latitude, longitude], two numbers"),
    (["12.2", "109.1"], "must be [latitude, longitude], two numbers"),
    ([True, 109.1], "must be [latitude, longitude], two numbers"),
    ([109.19, 12.23], "is out of range: latitude -90 to 90, longitude -180 to 180"),
    ([12.2, 190], "is out of range"),
])
def test_a_location_must_be_two_numbers_in_range(location, reason):
    found, = problems(one_office(location=location))
    assert found.startswith("office[1] (xa-a).location: ") and reason in found


def test_a_location_that_is_not_a_list_names_its_type():
    assert problems(one_office(location="12.2, 109.1")) == [
        "office[1] (xa-a).location: must be a list, got '12.2, 109.1'"]


def test_area_and_address_are_trimmed_and_bounded():
    office, = parse_office_document(one_office(area="  Xã A ", address=" 1 Lê Lợi "))
    assert (office.area, office.address) == ("Xã A", "1 Lê Lợi")
    found, = problems(one_office(address="x" * 301))
    assert found == "office[1] (xa-a).address: too long: at most 300 characters, got 301"
    found, = problems(one_office(area=5))
    assert found == "office[1] (xa-a).area: must be a string, got 5"


def test_the_province_table_is_checked_like_an_office():
    document = {**one_office(), "province": {"slug": "Khánh Hòa", "nam": "x"}}
    assert problems(document) == [
        "province.slug: 'Khánh Hòa' is not allowed: lowercase letters, digits, -",
        "province.name: required key is missing",
        "province.nam: unknown key"]
    assert problems({**one_office(), "province": "khanh-hoa"}) == [
        "province: must be written as a [province] table"]
    assert problems({**one_office(), "provinces": {}}) == [
        "provinces: unknown top-level key (expected [[office]] or [province])"]


def test_every_network_mistake_is_reported_at_once():
    found = problems(one_office(kind="huyen", location=[1], address=3))
    assert [problem.split(":")[0] for problem in found] == [
        "office[1] (xa-a).address", "office[1] (xa-a).kind", "office[1] (xa-a).location"]


def test_two_offices_naming_one_service_code_differently_are_warned_about():
    document = tomllib.loads(NETWORK.replace('name = "Đất đai"', 'name = "Đất đai – Nhà ở"', 1))
    warning, = parse_network_document(document).warnings()
    assert warning == ("service code 'dat-dai' has different names: "
                       "trung-tam: 'Đất đai – Nhà ở'; xa-cam-lam: 'Đất đai'")


def test_init_stores_the_place_of_each_office_and_the_province(session):
    network = parse_network_document(tomllib.loads(NETWORK))
    apply_province(session, network.province)
    apply_office_specs(session, network.offices)
    apply_province(session, ProvinceSpec("khanh-hoa", "Khánh Hòa"))
    session.commit()
    centre = session.scalar(select(Office).where(Office.slug == "trung-tam"))
    assert (centre.kind, centre.address, centre.location) == (
        "centre", "01 Trần Phú, Nha Trang", [12.2388, 109.1967])
    assert [p.name for p in session.scalars(select(Province))] == ["Khánh Hòa"]
    assert current_province(session).slug == "khanh-hoa"


def test_a_location_removed_from_the_file_is_removed_from_the_office(session):
    apply_office_specs(session, [office_spec(kind="branch", location=(12.5, 109.0))])
    office, = apply_office_specs(session, [office_spec()])
    assert (office.kind, office.location) == (None, None)


def test_two_catalogues_naming_one_procedure_code_differently_are_warned_about(session):
    first, = apply_office_specs(session, [office_spec()])
    second, = apply_office_specs(session, [office_spec(slug="xa-b")])
    for office, name in ((first, "Đăng ký khai sinh"), (second, "Đăng ký khai sinh "),
                         (first, "Cấp bản sao")):
        code = "1.001" if "khai" in name else "1.002"
        session.add(Procedure(office_id=office.id, code=code, name=name,
                              service_id=office.services[0].id, updated_at=THURSDAY_9AM))
    session.flush()
    assert procedure_name_warnings(session) == [
        "procedure code '1.001' has different names: test-office: 'Đăng ký khai sinh'; "
        "xa-b: 'Đăng ký khai sinh '"]
