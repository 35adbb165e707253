"""The Zalo ZNS channel against a real listener on 127.0.0.1 that answers like Zalo."""

import pytest

from queue_server.notify.channels import Outgoing, SendFailure
from queue_server.notify.zalo import ZaloZns

from ..support.gateway import FakeZns

DATA = {"number": "1005", "ahead": "3", "office": "UBND xã Thử"}


@pytest.fixture
def zns():
    listener = FakeZns().start()
    yield listener
    listener.stop()


def outgoing(phone="84912345678") -> Outgoing:
    return Outgoing("zalo", phone, "near_turn",
                    {"template_id": "301234", "template_data": DATA}, "a1b2c3")


def test_a_template_message_goes_with_the_token_header_and_the_tracking_id(zns):
    delivered = ZaloZns("token-123", zns.url).send(outgoing())
    [request] = zns.received
    assert request == {"phone": "84912345678", "template_id": "301234", "template_data": DATA,
                       "tracking_id": "a1b2c3", "access_token": "token-123"}
    assert delivered.provider_id == "zns-1"


def test_a_number_without_zalo_is_a_refusal_with_zalos_code_and_reason(zns):
    zns.refused["84912345678"] = (-118, "Zalo account not existed")
    with pytest.raises(SendFailure) as failure:
        ZaloZns("token-123", zns.url).send(outgoing())
    assert failure.value.is_refusal and failure.value.code == "-118"
    assert failure.value.reason == "Zalo error -118: Zalo account not existed"
    assert "912345678" not in failure.value.reason


def test_an_expired_token_is_a_refusal_with_code_minus_124(zns):
    zns.token_expired = True
    with pytest.raises(SendFailure) as failure:
        ZaloZns("old-token", zns.url).send(outgoing())
    assert failure.value.code == "-124" and failure.value.is_refusal


def test_zalo_out_of_reach_is_worth_another_try(zns):
    zns.is_down = True
    with pytest.raises(SendFailure) as failure:
        ZaloZns("token-123", zns.url, timeout_s=2).send(outgoing())
    assert not failure.value.is_refusal and failure.value.code == "no_answer"


def test_zalos_unknown_error_is_worth_another_try(zns, monkeypatch):
    monkeypatch.setattr(zns, "answer", lambda body, token: {"error": -100,
                                                            "message": "Unknown error"})
    with pytest.raises(SendFailure) as failure:
        ZaloZns("token-123", zns.url).send(outgoing())
    assert not failure.value.is_refusal and failure.value.code == "-100"
