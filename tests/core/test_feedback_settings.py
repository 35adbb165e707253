"""The office keys and server settings of the ticket page, ratings and SMS."""

import json
from pathlib import Path

import pytest

from queue_server.core.errors import SettingsError
from queue_server.core.settings import load_settings
from queue_server.setup.office_file import (
    OfficeConfigError,
    load_office_file,
    parse_office_document,
)

DEMO = Path(__file__).parents[2] / "config" / "demo.toml"


def office(**keys) -> dict:
    table = {"slug": "xa-a", "name": "Xã A", "opening_hours": "24/7",
             "service": [{"code": "dat-dai", "name": "Đất đai", "prefix": "1"}],
             "counter": [{"number": 1, "name": "Quầy 1", "services": ["dat-dai"]}], **keys}
    return {"office": [table]}


def test_threshold_and_retention_default_to_three_people_and_one_day():
    spec, = parse_office_document(office())
    assert spec.near_threshold == 3 and spec.phone_retention_hours == 24


def test_the_demo_office_sets_both():
    spec, = load_office_file(DEMO)
    assert spec.near_threshold == 3 and spec.phone_retention_hours == 24


@pytest.mark.parametrize("value", [0, 169, "24", 2.5, True])
def test_a_retention_outside_one_hour_to_a_week_is_refused_by_place(value):
    with pytest.raises(OfficeConfigError) as refused:
        parse_office_document(office(phone_retention_hours=value), "offices.toml")
    assert any(problem.startswith("office[1] (xa-a).phone_retention_hours")
               for problem in refused.value.problems)


def test_sms_is_off_unless_a_gateway_is_configured(tmp_path):
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path)})
    assert settings.sms_gateway_url is None and settings.sms_gateway_headers == ()


def test_the_gateway_comes_from_the_settings_file_with_its_headers(tmp_path):
    path = tmp_path / "server.toml"
    path.write_text('sms_gateway_url = "https://sms.example.vn/send"\n'
                    'sms_message_template = "Số $number: còn $ahead người"\n'
                    '[sms_gateway_headers]\nAuthorization = "Bearer k"\n')
    settings = load_settings({"QUEUE_CONFIG": str(path), "QUEUE_VAR_DIR": str(tmp_path)})
    assert settings.sms_gateway_url == "https://sms.example.vn/send"
    assert settings.sms_gateway_headers == (("Authorization", "Bearer k"),)
    assert settings.sms_message_template == "Số $number: còn $ahead người"


def test_headers_can_come_as_json_in_the_environment(tmp_path):
    settings = load_settings({"QUEUE_VAR_DIR": str(tmp_path),
                              "QUEUE_SMS_GATEWAY_HEADERS": json.dumps({"X-Key": "abc"})})
    assert settings.sms_gateway_headers == (("X-Key", "abc"),)


@pytest.mark.parametrize("environ, fragment", [
    ({"QUEUE_SMS_GATEWAY_URL": "ftp://sms"}, "sms_gateway_url"),
    ({"QUEUE_SMS_GATEWAY_HEADERS": "not json"}, "QUEUE_SMS_GATEWAY_HEADERS"),
    ({"QUEUE_SMS_GATEWAY_HEADERS": '{"X-Key": 5}'}, "QUEUE_SMS_GATEWAY_HEADERS"),
    ({"QUEUE_SMS_GATEWAY_HEADERS": "[1]"}, "QUEUE_SMS_GATEWAY_HEADERS"),
    ({"QUEUE_SMS_MESSAGE_TEMPLATE": "Số $number cho $phone"}, "$phone"),
    ({"QUEUE_SMS_BODY_TEMPLATE": '{"to": "$to"}'}, "$to"),
])
def test_bad_sms_settings_are_refused_by_name(tmp_path, environ, fragment):
    with pytest.raises(SettingsError, match=fragment.replace("$", r"\$")):
        load_settings({"QUEUE_VAR_DIR": str(tmp_path), **environ})
