"""The slip: plain translated strings that travel as JSON."""

import dataclasses
import json

import pytest

from printer.slip import Slip


def test_a_slip_survives_a_json_round_trip(make_slip):
    slip = make_slip()
    assert Slip.from_dict(json.loads(json.dumps(slip.to_dict()))) == slip


def test_the_qr_caption_may_be_left_out_of_a_slip_dict(make_slip):
    data = make_slip().to_dict()
    del data["qr_caption"]
    assert Slip.from_dict(data).qr_caption is None


def test_a_slip_dict_missing_keys_is_rejected_naming_them(make_slip):
    data = make_slip().to_dict()
    del data["number"], data["footer"]
    with pytest.raises(ValueError, match="missing keys: footer, number"):
        Slip.from_dict(data)


def test_a_slip_dict_with_unknown_keys_is_rejected_naming_them(make_slip):
    data = make_slip().to_dict() | {"phone": "0901234567"}
    with pytest.raises(ValueError, match="unknown keys: phone"):
        Slip.from_dict(data)


def test_a_slip_dict_with_a_non_text_value_is_rejected(make_slip):
    data = make_slip().to_dict() | {"number": 1005}
    with pytest.raises(ValueError, match="'number' must be a string"):
        Slip.from_dict(data)


def test_a_slip_must_be_a_json_object():
    with pytest.raises(ValueError, match="JSON object"):
        Slip.from_dict(["1005"])


def test_a_slip_cannot_be_changed_after_it_is_built(make_slip):
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_slip().number = "1006"
