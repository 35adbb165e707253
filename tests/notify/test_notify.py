"""The HTTP SMS gateway notifier against a real listener on 127.0.0.1."""

import json
import socket
from urllib.parse import parse_qs

import pytest

from queue_server.core.text_templates import template_problem
from queue_server.notify.gateway import HttpSmsGateway, NotifyError, message_text

from ..support.gateway import FakeGateway

TEXT = "Bộ phận Một cửa: số 1005 sắp đến lượt (còn 3 người trước). Mời quay lại “phòng chờ”."


@pytest.fixture
def gateway():
    listener = FakeGateway().start()
    yield listener
    listener.stop()


def test_it_posts_the_json_template_with_the_configured_headers(gateway):
    notifier = HttpSmsGateway(gateway.url + "/api/send",
                              (("Authorization", "Bearer key-123"), ("X-Brand", "UBND")),
                              '{"to": "$phone", "message": "$text", "unicode": true}')
    notifier.send_text("+84912345678", TEXT)
    [request] = gateway.received
    assert request.path == "/api/send"
    assert request.headers["Authorization"] == "Bearer key-123"
    assert request.headers["X-Brand"] == "UBND"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(request.body) == {"to": "+84912345678", "message": TEXT, "unicode": True}


def test_a_form_gateway_gets_url_encoded_values(gateway):
    notifier = HttpSmsGateway(gateway.url, (("Content-Type", "application/x-www-form-urlencoded"),),
                              "phone=$phone&content=$text&type=2")
    notifier.send_text("+84912345678", TEXT)
    fields = parse_qs(gateway.received[0].body.decode())
    assert fields == {"phone": ["+84912345678"], "content": [TEXT], "type": ["2"]}


def test_an_xml_gateway_gets_escaped_values(gateway):
    notifier = HttpSmsGateway(gateway.url, (("content-type", "text/xml; charset=utf-8"),),
                              "<sms><to>$phone</to><text>$text</text></sms>")
    notifier.send_text("+84912345678", "A & B <c>")
    assert gateway.received[0].body.decode() == (
        "<sms><to>+84912345678</to><text>A &amp; B &lt;c&gt;</text></sms>")


@pytest.mark.parametrize("status", [400, 401, 500, 503, 302])
def test_an_answer_other_than_2xx_is_a_failure(gateway, status):
    gateway.statuses = [status]
    with pytest.raises(NotifyError, match=f"HTTP {status}"):
        HttpSmsGateway(gateway.url).send_text("+84912345678", TEXT)


def test_no_listener_is_a_failure_that_names_neither_the_phone_nor_the_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    notifier = HttpSmsGateway(f"http://127.0.0.1:{port}/send?key=secret", timeout_s=2)
    with pytest.raises(NotifyError) as failure:
        notifier.send_text("+84912345678", TEXT)
    assert "secret" not in str(failure.value) and "912345678" not in str(failure.value)


def test_a_gateway_that_does_not_answer_in_time_is_a_failure(gateway):
    gateway.delay_s = 1.0
    with pytest.raises(NotifyError, match="Timeout"):
        HttpSmsGateway(gateway.url, timeout_s=0.2).send_text("+84912345678", TEXT)


def test_the_message_template_fills_the_ticket_values():
    text = message_text("$office: số $number ($service) còn $ahead người", number="1005",
                        office="UBND", service="Đất đai", ahead=3)
    assert text == "UBND: số 1005 (Đất đai) còn 3 người"


@pytest.mark.parametrize("name, template, problem", [
    ("sms_message_template", "số $number $phone", "$phone"),
    ("sms_body_template", '{"to": "$phone", "n": "$number"}', "$number"),
    ("sms_message_template", "giá 5$", "not a valid template"),
    ("sms_message_template", "số $number, còn $ahead", None),
    ("sms_body_template", "to=$phone&text=$text&cost=$$1", None),
])
def test_templates_are_checked_for_unknown_placeholders(name, template, problem):
    found = template_problem(name, template)
    assert (found is None) if problem is None else (problem in found)
