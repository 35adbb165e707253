"""Printer profiles: widths, native QR support and the escpos profile behind each."""

import pytest
from escpos.capabilities import get_profile as get_escpos_profile

from printer.profiles import PROFILES, PrinterProfile, get_profile


@pytest.mark.parametrize(
    ("name", "dot_width", "has_native_qr"),
    [
        ("80mm", 576, True),
        ("tm-t88", 512, True),
        ("58mm", 384, False),
        ("80mm-image-qr", 576, False),
    ],
)
def test_built_in_profiles_have_the_paper_width_and_qr_mode(name, dot_width, has_native_qr):
    profile = get_profile(name)
    assert (profile.dot_width, profile.has_native_qr) == (dot_width, has_native_qr)


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_each_profile_matches_its_escpos_media_width(name):
    profile = get_profile(name)
    escpos_width = get_escpos_profile(profile.escpos_profile).profile_data["media"]["width"]
    assert escpos_width["pixels"] == profile.dot_width


def test_an_unknown_profile_name_is_an_error_listing_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown printer profile '57mm'.*58mm, 80mm"):
        get_profile("57mm")


def test_a_profile_width_must_be_whole_bytes():
    with pytest.raises(ValueError, match="multiple of 8"):
        PrinterProfile("odd", 580, False, "default")
