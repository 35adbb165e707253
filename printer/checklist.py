"""The checklist slip: a procedure's documents as boxes to tick, left-aligned under a heading."""

from __future__ import annotations

from functools import partial

from PIL import Image, ImageDraw, ImageFont

from printer.fonts import draw_line
from printer.profiles import PrinterProfile
from printer.render import (
    BLACK,
    WHITE,
    NativeQr,
    Raster,
    _clean,
    _dots,
    _draw_lines,
    _font,
    _qr_block,
    _text_width,
    _wrap_words,
    _wrapped,
)
from printer.slip import ChecklistSlip


def checklist_blocks(slip: ChecklistSlip, profile: PrinterProfile) -> list[Raster | NativeQr]:
    """The checklist from top to bottom, as the printer receives it."""
    regular, bold = partial(_font, profile=profile), partial(_font, profile=profile, bold=True)
    top = _wrapped(slip.office_name, regular(24), profile, space=0)
    top += _wrapped(slip.heading, bold(28), profile, space=_dots(22, profile))
    top += _wrapped(slip.title, bold(30), profile, space=_dots(18, profile))
    top += _wrapped(slip.code_line, regular(22), profile, space=_dots(10, profile))
    bottom = _wrapped(slip.printed_line, regular(22), profile, space=_dots(18, profile))
    caption = _wrapped(slip.qr_caption, regular(22), profile, space=0)
    caption += _wrapped(slip.footer, regular(22), profile, space=_dots(14, profile))
    return [
        Raster(_draw_lines(top, profile.dot_width, top=_dots(8, profile), bottom=0)),
        Raster(_items_image(slip.items, regular(24), profile)),
        Raster(_notes_image(slip.notes, regular(22), profile)),
        Raster(_draw_lines(bottom, profile.dot_width, top=0, bottom=_dots(8, profile))),
        _qr_block(slip.qr_payload, profile),
        Raster(_draw_lines(caption, profile.dot_width, top=0, bottom=_dots(8, profile))),
    ]


def _items_image(items: tuple[str, ...], font: ImageFont.FreeTypeFont,
                 profile: PrinterProfile) -> Image.Image:
    """Each document after an empty box, wrapped under its own first word."""
    box = round(font.size * 0.8)
    indent = box + _dots(14, profile)
    rows = [(index, row) for index, item in enumerate(items)
            for row in _rows(item, font, _text_width(profile) - indent)]
    return _left_aligned(rows, font, profile, indent=indent, box=box)


def _notes_image(notes: tuple[str, ...], font: ImageFont.FreeTypeFont,
                 profile: PrinterProfile) -> Image.Image:
    """Time, fees and counters, one note per paragraph, left-aligned."""
    rows = [(index, row) for index, note in enumerate(notes)
            for row in _rows(note, font, _text_width(profile))]
    return _left_aligned(rows, font, profile, indent=0, box=0)


def _rows(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    words = _clean(text).split()
    return _wrap_words(words, font, width) if words else []


def _left_aligned(rows: list[tuple[int, str]], font: ImageFont.FreeTypeFont,
                  profile: PrinterProfile, *, indent: int, box: int) -> Image.Image:
    """Rows of paragraphs; the first row of each gets the box (when box > 0)."""
    line_height = round(font.size * 1.45)
    # Room above for the marks over capitals (Ấ, Ể), below for the tails (g, y, ạ).
    baseline = round(font.size * 1.1)
    paragraph_gap = _dots(12, profile)
    paragraphs = len({index for index, _ in rows})
    height = len(rows) * line_height + paragraphs * paragraph_gap + _dots(12, profile)
    image = Image.new("1", (profile.dot_width, max(height, 1)), WHITE)
    left = _dots(12, profile)
    y, previous = 0, None
    for index, row in rows:
        if index != previous:
            y += paragraph_gap
            if box:
                _draw_box(image, left, y + baseline - box, box, profile)
        draw_line(image, (left + indent, y + baseline), row, font, ink=BLACK)
        y += line_height
        previous = index
    return image


def _draw_box(image: Image.Image, left: int, top: int, size: int,
              profile: PrinterProfile) -> None:
    border = max(2, _dots(3, profile))
    ImageDraw.Draw(image).rectangle((left, top, left + size, top + size), outline=BLACK,
                                    width=border)
