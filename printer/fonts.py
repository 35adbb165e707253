"""Ticket fonts: Be Vietnam Pro files, Vietnamese coverage checks and a 1-bit glyph cache."""

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import fontpkg_be_vietnam_pro
from PIL import Image, ImageDraw, ImageFont

# Font files come from a PyPI package: the project commits no font binaries.
FONT_DIR = fontpkg_be_vietnam_pro.ROOT / "files"
REGULAR_FONT = FONT_DIR / "BeVietnamPro-Regular.ttf"
BOLD_FONT = FONT_DIR / "BeVietnamPro-Bold.ttf"

_VOWELS = "aăâeêioôơuưy"
_MODIFIED_LETTERS = "ăâđêôơư"
# Grave, acute, hook above, tilde, dot below: the five marked tones.
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"


def _toned_vowels() -> list[str]:
    """Every vowel with each of the five tone marks, precomposed (NFC)."""
    pairs = [vowel + mark for vowel in _VOWELS for mark in _TONE_MARKS]
    letters = [unicodedata.normalize("NFC", pair) for pair in pairs]
    assert all(len(letter) == 1 for letter in letters), "every toned vowel has one code point"
    return letters


def _vietnamese_letters() -> tuple[str, ...]:
    """The 134 letters Vietnamese adds to ASCII, lowercase then uppercase."""
    lowercase = list(_MODIFIED_LETTERS) + _toned_vowels()
    letters = tuple(lowercase + [letter.upper() for letter in lowercase])
    assert len(letters) == len(set(letters)) == 134, "Vietnamese has 67 + 67 non-ASCII letters"
    return letters


# The plain ASCII letters (a, b, c, ...) are left out: every font has them, and the
# 134 letters with diacritics are the ones fonts such as DejaVu Sans Mono lack.
VIETNAMESE_LETTERS: tuple[str, ...] = _vietnamese_letters()


_FREETYPE_LOCK = threading.Lock()
# A private-use code point no text font maps: it always renders as .notdef.
_UNMAPPED = "\U0010fffd"


def missing_letters(
    font_path: str | Path, letters: Iterable[str] = VIETNAMESE_LETTERS
) -> list[str]:
    """Letters the font has no glyph for (cmap via fontTools, else Pillow rendering)."""
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return missing_letters_by_rendering(font_path, letters)
    with TTFont(font_path, lazy=True) as font:
        cmap = font.getBestCmap() or {}
    return [letter for letter in letters if ord(letter) not in cmap]


def missing_letters_by_rendering(
    font_path: str | Path, letters: Iterable[str] = VIETNAMESE_LETTERS
) -> list[str]:
    """Letters whose rendering is the font's .notdef box (Pillow only, no fontTools)."""
    font = ImageFont.truetype(str(font_path), 48, layout_engine=ImageFont.Layout.BASIC)
    return [letter for letter in letters if renders_as_notdef(font, letter)]


def renders_as_notdef(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """Whether the font draws this character as its .notdef (tofu) glyph."""
    return glyph_bitmap(font, char) == glyph_bitmap(font, _UNMAPPED)


def glyph_bitmap(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    """The size and 1-bit pixels FreeType draws for the text, cropped to its ink box."""
    left, top, right, bottom = map(int, font.getbbox(text, mode="1"))
    image = Image.new("1", (max(right - left, 1), max(bottom - top, 1)), 0)
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"
    draw.text((-left, -top), text, font=font, fill=1)
    return image.size, image.tobytes()


@lru_cache(maxsize=64)
def load_font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The ticket font at a pixel size, one shared object per size so glyphs cache."""
    path = BOLD_FONT if bold else REGULAR_FONT
    # Basic layout places every glyph at whole-pixel hinted advances, which is what
    # the glyph cache below reproduces; NFC Vietnamese needs no shaping.
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@dataclass(frozen=True)
class Glyph:
    """One character's 1-bit ink, its offset from the pen on the baseline, and advance."""

    mask: Image.Image | None
    left: int
    top: int
    advance: int


@lru_cache(maxsize=8192)
def glyph(font: ImageFont.FreeTypeFont, char: str) -> Glyph:
    """A character rendered once per font: this font's hinting makes each render slow."""
    # A FreeType face is not safe to use from two threads; misses are rare, so lock them.
    with _FREETYPE_LOCK:
        advance = round(font.getlength(char))
        left, top, right, bottom = map(int, font.getbbox(char, mode="1", anchor="ls"))
        if right <= left or bottom <= top:
            return Glyph(None, 0, 0, advance)
        mask = Image.new("1", (right - left, bottom - top), 0)
        draw = ImageDraw.Draw(mask)
        draw.fontmode = "1"
        draw.text((-left, -top), char, font=font, fill=1, anchor="ls")
    return Glyph(mask, left, top, advance)


def text_length(font: ImageFont.FreeTypeFont, text: str) -> int:
    """The advance width of a line, in dots."""
    return sum(glyph(font, char).advance for char in text)


def ink_box(font: ImageFont.FreeTypeFont, text: str) -> tuple[int, int, int, int]:
    """The line's ink box (left, top, right, bottom) relative to the pen on the baseline."""
    boxes, pen = [], 0
    for char in text:
        shape = glyph(font, char)
        if shape.mask is not None:
            x, y = pen + shape.left, shape.top
            boxes.append((x, y, x + shape.mask.width, y + shape.mask.height))
        pen += shape.advance
    if not boxes:
        return 0, 0, 0, 0
    lefts, tops, rights, bottoms = zip(*boxes, strict=True)
    return min(lefts), min(tops), max(rights), max(bottoms)


def draw_line(image: Image.Image, origin: tuple[int, int], text: str,
              font: ImageFont.FreeTypeFont, ink: int = 0) -> None:
    """Draw a line with its pen starting at origin on the baseline, without anti-aliasing."""
    pen, baseline = origin
    for char in text:
        shape = glyph(font, char)
        if shape.mask is not None:
            image.paste(ink, (pen + shape.left, baseline + shape.top), shape.mask)
        pen += shape.advance
