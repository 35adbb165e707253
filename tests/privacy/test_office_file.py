"""[office.retention], elderly_age, elderly_priority and privacy_controller in the office file,
with phone_retention_hours kept as the deprecated alias of retention.phone_hours."""

from __future__ import annotations

import pytest

from queue_server.setup.office_file import OfficeConfigError, parse_office_document


def document(**office: object) -> dict:
    return {"office": [{
        "slug": "xa-thu", "name": "Xã Thử", "opening_hours": "24/7",
        "service": [{"code": "dat-dai", "name": "Đất đai", "prefix": "1"}],
        "counter": [{"number": 1, "services": ["dat-dai"]}],
        "priority": [{"code": "elderly", "name": "Người cao tuổi"}], **office}]}


def test_the_retention_table_sets_each_kind_and_phone_hours_the_phone_column():
    spec = parse_office_document(document(retention={
        "phone_hours": 12, "comment_days": 180, "ip_days": 30, "citizen_hash_days": 60}))[0]
    assert spec.phone_retention_hours == 12
    assert spec.retention == {"comment_days": 180, "ip_days": 30, "citizen_hash_days": 60}


def test_the_old_phone_retention_hours_key_still_works():
    spec = parse_office_document(document(phone_retention_hours=48))[0]
    assert (spec.phone_retention_hours, spec.retention) == (48, None)


def test_both_phone_keys_saying_otherwise_are_refused():
    with pytest.raises(OfficeConfigError) as refused:
        parse_office_document(document(phone_retention_hours=48, retention={"phone_hours": 6}))
    assert "phone_retention_hours: deprecated alias" in str(refused.value)


def test_unknown_or_out_of_range_retention_keys_are_named():
    with pytest.raises(OfficeConfigError) as refused:
        parse_office_document(document(retention={"ip_days": 0, "photo_days": 3}))
    text = str(refused.value)
    assert "retention.ip_days: must be a whole number from 1 to 365" in text
    assert "retention.photo_days: unknown key" in text


def test_the_elderly_priority_must_be_one_of_the_offices_categories():
    spec = parse_office_document(document(elderly_age=65, elderly_priority="elderly",
                                          privacy_controller="UBND xã Thử"))[0]
    assert (spec.elderly_age, spec.elderly_priority, spec.privacy_controller) == (
        65, "elderly", "UBND xã Thử")
    with pytest.raises(OfficeConfigError) as refused:
        parse_office_document(document(elderly_priority="old-people"))
    assert "elderly_priority: unknown priority 'old-people'" in str(refused.value)


def test_the_elderly_age_defaults_to_the_law_on_the_elderly():
    assert parse_office_document(document())[0].elderly_age == 60
    with pytest.raises(OfficeConfigError):
        parse_office_document(document(elderly_age=30))
