"""Fonts: Be Vietnam Pro covers Vietnamese, and the renderer never draws tofu."""

import unicodedata
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from printer.fonts import (
    BOLD_FONT,
    REGULAR_FONT,
    VIETNAMESE_LETTERS,
    draw_line,
    glyph_bitmap,
    load_font,
    missing_letters,
    missing_letters_by_rendering,
    renders_as_notdef,
)

DEJAVU_SANS_MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
needs_dejavu_mono = pytest.mark.skipif(
    not DEJAVU_SANS_MONO.exists(),
    reason="DejaVu Sans Mono is not installed (apt-get install fonts-dejavu-core)",
)


def test_vietnamese_has_134_letters_with_diacritics():
    lowercase = [letter for letter in VIETNAMESE_LETTERS if letter.islower()]
    assert len(VIETNAMESE_LETTERS) == len(set(VIETNAMESE_LETTERS)) == 134
    assert len(lowercase) == 67
    assert {"đ", "Đ", "ố", "Ỗ", "ự", "Ỵ", "ẵ"} <= set(VIETNAMESE_LETTERS)


def test_every_vietnamese_letter_is_one_precomposed_code_point():
    assert all(unicodedata.normalize("NFC", letter) == letter for letter in VIETNAMESE_LETTERS)
    assert all(len(letter) == 1 for letter in VIETNAMESE_LETTERS)


@pytest.mark.parametrize("font_path", [REGULAR_FONT, BOLD_FONT], ids=["regular", "bold"])
def test_be_vietnam_pro_covers_every_vietnamese_letter(font_path):
    assert font_path.is_file()
    assert missing_letters(font_path) == []


@needs_dejavu_mono
def test_dejavu_sans_mono_lacks_vietnamese_letters():
    missing = missing_letters(DEJAVU_SANS_MONO)
    assert {"ả", "ố", "ở", "ử"} <= set(missing)
    assert len(missing) == 46


@needs_dejavu_mono
def test_the_pillow_check_finds_the_same_missing_letters_as_the_cmap():
    assert missing_letters_by_rendering(DEJAVU_SANS_MONO) == missing_letters(DEJAVU_SANS_MONO)
    assert missing_letters_by_rendering(REGULAR_FONT) == []


@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
def test_every_vietnamese_letter_renders_a_real_glyph_not_tofu(bold):
    font = load_font(40, bold=bold)
    assert renders_as_notdef(font, "\u4e2d"), "a CJK letter the font lacks must look like tofu"
    tofu = [letter for letter in VIETNAMESE_LETTERS if renders_as_notdef(font, letter)]
    assert tofu == []
    blank = [letter for letter in VIETNAMESE_LETTERS if not any(glyph_bitmap(font, letter)[1])]
    assert blank == []


def test_cached_glyphs_draw_the_same_dots_as_pillow():
    text = "Thời gian chờ dự kiến: khoảng 12 phút – ĐỒNG NAI"
    font = load_font(24)
    ours = Image.new("1", (600, 40), 1)
    draw_line(ours, (4, 30), text, font)
    pillows = Image.new("1", (600, 40), 1)
    draw = ImageDraw.Draw(pillows)
    draw.fontmode = "1"
    draw.text((4, 30), text, font=font, fill=0, anchor="ls")
    assert ours.tobytes() == pillows.tobytes()


def test_ticket_fonts_use_the_basic_layout_that_the_glyph_cache_reproduces():
    assert load_font(24).layout_engine == ImageFont.Layout.BASIC
    assert load_font(24) is load_font(24)
