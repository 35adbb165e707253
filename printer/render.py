"""The ticket renderer: a slip becomes 1-bit images, ESC/POS bytes and a PNG preview."""

import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import qrcode
from escpos.constants import QR_ECLEVEL_M
from escpos.escpos import Escpos
from escpos.printer import Dummy
from PIL import Image, ImageFont

from printer.fonts import draw_line, ink_box, load_font, text_length
from printer.profiles import PrinterProfile
from printer.slip import ChecklistSlip, Slip

# Cheap printers garble or time out on tall raster commands (python-escpos #628).
FRAGMENT_HEIGHT = 256
# Four modules of white around the QR code, as the QR specification asks.
QR_QUIET_MODULES = 4
# The number's digits are this tall on an 80 mm (576-dot) ticket; 120 is the minimum.
NUMBER_DIGIT_HEIGHT = 124
# A new band costs an 8-byte header; a right edge 4 bytes (32 dots) narrower or wider
# than the band's saves more than that over a few rows (measured: about 4 % of a ticket).
BAND_SPLIT_BYTES = 4
WHITE, BLACK = 1, 0


@dataclass(frozen=True)
class Raster:
    """A 1-bit image for GS v 0; zoom 2 prints each dot as 2 x 2 dots (quadruple mode)."""

    image: Image.Image
    zoom: int = 1

    def on_paper(self) -> Image.Image:
        """The image at the size the printer puts it on paper."""
        if self.zoom == 1:
            return self.image
        size = (self.image.width * self.zoom, self.image.height * self.zoom)
        return self.image.resize(size, Image.Resampling.NEAREST)


@dataclass(frozen=True)
class NativeQr:
    """A QR code the printer draws itself with GS ( k, centered."""

    payload: str
    module: int


@dataclass(frozen=True)
class _Line:
    """One centered line of text and the space above it, in dots."""

    text: str
    font: ImageFont.FreeTypeFont
    space_above: int


def render_image(slip: Slip, profile: PrinterProfile) -> Image.Image:
    """The ticket's text above the QR code as a 1-bit image, profile.dot_width wide."""
    return _stack([block.on_paper() for block in _text_blocks(slip, profile)], profile)


def render_footer_image(slip: Slip, profile: PrinterProfile) -> Image.Image:
    """The QR caption and the thank-you line as a 1-bit image."""
    lines = _wrapped(slip.qr_caption or "", _font(22, profile), profile, space=0)
    lines += _wrapped(slip.footer, _font(22, profile), profile, space=_dots(14, profile))
    return _draw_lines(lines, profile.dot_width, top=0, bottom=_dots(8, profile))


def render_qr_image(payload: str, profile: PrinterProfile) -> Image.Image:
    """The QR code with its quiet zone, centered on a full-width 1-bit image."""
    return _qr_image(payload, _module_dots(len(_qr_matrix(payload)), profile), profile.dot_width)


def render_preview(slip: Slip | ChecklistSlip, profile: PrinterProfile) -> Image.Image:
    """What the paper shows, with the QR code drawn where the printer draws its own."""
    return _stack([_on_paper(block, profile) for block in slip_blocks(slip, profile)], profile)


def render_png(slip: Slip | ChecklistSlip, profile: PrinterProfile) -> bytes:
    """The preview as PNG bytes."""
    buffer = io.BytesIO()
    render_preview(slip, profile).save(buffer, format="PNG")
    return buffer.getvalue()


def render_escpos(slip: Slip | ChecklistSlip, profile: PrinterProfile) -> bytes:
    """The ESC/POS job for one slip: init, text, QR code, footer, cut."""
    printer = Dummy(profile=profile.escpos_profile)
    printer.hw("INIT")
    for block in slip_blocks(slip, profile):
        if isinstance(block, NativeQr):
            _print_native_qr(printer, block)
        else:
            print_raster(printer, block)
    printer.cut()
    output: bytes = printer.output
    return output


def slip_blocks(slip: Slip | ChecklistSlip, profile: PrinterProfile) -> list[Raster | NativeQr]:
    """A ticket's or a checklist's blocks, from top to bottom."""
    if isinstance(slip, ChecklistSlip):
        from printer.checklist import checklist_blocks  # it builds on this module's helpers

        return checklist_blocks(slip, profile)
    return ticket_blocks(slip, profile)


def ticket_blocks(slip: Slip, profile: PrinterProfile) -> list[Raster | NativeQr]:
    """The ticket from top to bottom, as the printer receives it."""
    footer = Raster(render_footer_image(slip, profile))
    return [*_text_blocks(slip, profile), _qr_block(slip.qr_payload, profile), footer]


def print_raster(printer: Escpos, raster: Raster) -> None:
    """Send a raster as GS v 0 bands, skipping the white that would only cost bytes."""
    full_density = raster.zoom == 1
    for band in raster_bands(raster.image):
        printer.image(
            band,
            high_density_vertical=full_density,
            high_density_horizontal=full_density,
            impl="bitImageRaster",
            fragment_height=FRAGMENT_HEIGHT,
        )


def raster_bands(image: Image.Image) -> Iterator[Image.Image]:
    """The image cut into bands of rows, each trimmed of the white on its right."""
    # Only the right is trimmed: many clones ignore ESC a for raster images (escpos-php
    # #260, #519), so the left white stays and places each line exactly. White rows
    # become one-byte-wide blank bands.
    widths = _inked_widths(image)
    top = 0
    while top < len(widths):
        bottom = _band_end(widths, top)
        right = max(*widths[top:bottom], 1) * 8
        yield image.crop((0, top, right, bottom))
        top = bottom


def _inked_widths(image: Image.Image) -> list[int]:
    """For each row, the number of bytes up to its last black dot (0 for white rows)."""
    row_bytes = image.width // 8
    data = image.tobytes()
    rows = range(0, len(data), row_bytes)
    return [len(data[at : at + row_bytes].rstrip(b"\xff")) for at in rows]


def _band_end(widths: list[int], top: int) -> int:
    """Where the band from top ends: white/ink change, right-edge jump or fragment limit."""
    is_white = widths[top] == 0
    band_width = widths[top]
    bottom = top + 1
    limit = min(len(widths), top + FRAGMENT_HEIGHT)
    while bottom < limit and (widths[bottom] == 0) == is_white:
        if abs(widths[bottom] - band_width) >= BAND_SPLIT_BYTES:
            break
        band_width = max(band_width, widths[bottom])
        bottom += 1
    return bottom


def _print_native_qr(printer: Escpos, block: NativeQr) -> None:
    """GS ( k QR code, centered, between blank rows that form its quiet zone."""
    quiet_zone = Raster(Image.new("1", (8, QR_QUIET_MODULES * block.module), WHITE))
    print_raster(printer, quiet_zone)
    # escpos's qr(center=True) raises for native codes; ESC a centers them instead,
    # and is reset so the raster bands that follow keep their left edge.
    printer.set(align="center")
    printer.qr(block.payload, ec=QR_ECLEVEL_M, size=block.module, native=True)
    printer.set(align="left")
    print_raster(printer, quiet_zone)


def _on_paper(block: Raster | NativeQr, profile: PrinterProfile) -> Image.Image:
    """A block as printed; a native QR code is drawn as the same modules in the same place."""
    if isinstance(block, NativeQr):
        return _qr_image(block.payload, block.module, profile.dot_width)
    return block.on_paper()


def _stack(images: list[Image.Image], profile: PrinterProfile) -> Image.Image:
    """Images one under the other on a white paper-wide image."""
    paper = Image.new("1", (profile.dot_width, sum(image.height for image in images)), WHITE)
    top = 0
    for image in images:
        paper.paste(image, (0, top))
        top += image.height
    return paper


def _zoom(profile: PrinterProfile) -> int:
    """2 when half-resolution rasters still fill whole bytes, else 1."""
    return 2 if profile.dot_width % 16 == 0 else 1


def _qr_block(payload: str, profile: PrinterProfile) -> Raster | NativeQr:
    """The QR code: native when the printer can, else an image (half size when lossless)."""
    if profile.has_native_qr:
        return NativeQr(payload, _module_dots(_qr_size(payload), profile))
    module = _module_dots(len(_qr_matrix(payload)), profile)
    zoom = _zoom(profile) if module % 2 == 0 else 1
    return Raster(_qr_image(payload, module // zoom, profile.dot_width // zoom), zoom)


def _qr_image(payload: str, module: int, width: int) -> Image.Image:
    """The QR modules at module dots each, centered on a white image of the given width."""
    matrix = _qr_matrix(payload)
    code = Image.new("1", (len(matrix), len(matrix)), WHITE)
    code.putdata([BLACK if dark else WHITE for row in matrix for dark in row])
    code = code.resize((len(matrix) * module,) * 2, Image.Resampling.NEAREST)
    image = Image.new("1", (width, code.height), WHITE)
    image.paste(code, ((width - code.width) // 2, 0))
    return image


def _new_qr(payload: str) -> qrcode.QRCode[Any]:
    """A QR code in one byte-mode segment, as printers encode GS ( k data."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_QUIET_MODULES)
    code.add_data(payload, optimize=0)
    return code


@lru_cache(maxsize=64)
def _qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules including the quiet zone, cached: a print and its preview share it."""
    code = _new_qr(payload)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


@lru_cache(maxsize=64)
def _qr_size(payload: str) -> int:
    """Modules per side including the quiet zone, without building the matrix."""
    version = _new_qr(payload).best_fit()
    return 17 + 4 * version + 2 * QR_QUIET_MODULES


def _module_dots(modules: int, profile: PrinterProfile) -> int:
    """The profile's module size, shrunk until the QR code fits the paper."""
    module = profile.qr_module_dots
    while module > 1 and modules * module > profile.dot_width:
        module -= 1
    return module


def _text_blocks(slip: Slip, profile: PrinterProfile) -> list[Raster]:
    """Office and heading, the number at half resolution, then service and waiting lines."""
    regular, bold = partial(_font, profile=profile), partial(_font, profile=profile, bold=True)
    above = _wrapped(slip.office_name, regular(24), profile, space=0)
    above += _wrapped(slip.heading, bold(28), profile, space=_dots(22, profile))
    below = _wrapped(slip.service, bold(34), profile, space=_dots(26, profile))
    if slip.procedure_line:
        below += _wrapped(slip.procedure_line, regular(24), profile, space=_dots(10, profile))
    below += _wrapped(slip.counters, bold(28), profile, space=_dots(12, profile))
    if slip.priority_line:
        below += _wrapped(slip.priority_line, bold(24), profile, space=_dots(12, profile))
    for text in (slip.ahead_line, slip.wait_line, slip.issued_line):
        below += _wrapped(text, regular(22), profile, space=_dots(14, profile))
    return [
        Raster(_draw_lines(above, profile.dot_width, top=_dots(8, profile), bottom=0)),
        _number_block(_clean(slip.number), profile),
        Raster(_draw_lines(below, profile.dot_width, top=0, bottom=_dots(8, profile))),
    ]


def _number_block(number: str, profile: PrinterProfile) -> Raster:
    """The number, drawn at half resolution and printed at quadruple size to save bytes."""
    zoom = _zoom(profile)
    line = _Line(number, _number_font(number, profile, zoom), _dots(24, profile) // zoom)
    return Raster(_draw_lines([line], profile.dot_width // zoom, top=0, bottom=0), zoom)


@lru_cache(maxsize=256)
def _number_font(number: str, profile: PrinterProfile, zoom: int) -> ImageFont.FreeTypeFont:
    """The bold font giving digits NUMBER_DIGIT_HEIGHT tall on paper, shrunk to fit."""
    reference = load_font(100, bold=True)
    _, top, _, bottom = ink_box(reference, "0123456789")
    size = round(100 * NUMBER_DIGIT_HEIGHT * profile.scale / (bottom - top) / zoom)
    width = text_length(reference, number) * size / 100
    if width > _text_width(profile) / zoom:
        size = max(1, int(size * _text_width(profile) / zoom / width))
    return load_font(size, bold=True)


def _font(size: int, profile: PrinterProfile, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A ticket font scaled to the paper, never below 22 px (about 2.8 mm) for legibility."""
    return load_font(max(22, round(size * profile.scale)), bold=bold)


def _dots(length: int, profile: PrinterProfile) -> int:
    """A length on the 576-dot reference ticket, scaled to the paper."""
    return round(length * profile.scale)


def _text_width(profile: PrinterProfile) -> int:
    """Dots available to a line of text between the side margins."""
    return profile.dot_width - 2 * _dots(12, profile)


def _clean(text: str) -> str:
    """NFC text on one line: every Vietnamese letter is then one precomposed glyph."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _wrapped(text: str, font: ImageFont.FreeTypeFont, profile: PrinterProfile, *,
             space: int) -> list[_Line]:
    """The text broken into lines that fit the paper; none if it is empty."""
    words = _clean(text).split()
    rows = _balanced_rows(words, font, _text_width(profile)) if words else []
    gap = round(font.size * 0.3)
    return [_Line(row, font, space if index == 0 else gap) for index, row in enumerate(rows)]


def _balanced_rows(words: list[str], font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Word-wrapped rows of even length, so no line is left with a lone word."""
    rows = _wrap_words(words, font, width)
    narrowest, widest = width // 2, width
    # The narrowest width that still needs no more rows gives the most even rows.
    while len(rows) > 1 and narrowest < widest:
        middle = (narrowest + widest) // 2
        if len(_wrap_words(words, font, middle)) > len(rows):
            narrowest = middle + 1
        else:
            widest = middle
    return _wrap_words(words, font, widest) if len(rows) > 1 else rows


def _wrap_words(words: list[str], font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap; a word wider than the line is split between letters."""
    rows: list[str] = []
    for word in words:
        candidate = f"{rows[-1]} {word}" if rows else word
        if rows and text_length(font, candidate) <= width:
            rows[-1] = candidate
        else:
            rows.extend(_split_long_word(word, font, width))
    return rows


def _split_long_word(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """A word cut into pieces no wider than the line (a long code or URL)."""
    pieces = [""]
    for letter in word:
        if pieces[-1] and text_length(font, pieces[-1] + letter) > width:
            pieces.append("")
        pieces[-1] += letter
    return pieces


def _draw_lines(lines: list[_Line], width: int, *, top: int, bottom: int) -> Image.Image:
    """Lines centered on a white 1-bit image exactly as tall as their ink and margins."""
    boxes = [ink_box(line.font, line.text) for line in lines]
    inked = sum(box[3] - box[1] + line.space_above for line, box in zip(lines, boxes, strict=True))
    image = Image.new("1", (width, max(top + inked + bottom, 1)), WHITE)
    for line, (left, ink_top, right, ink_bottom) in zip(lines, boxes, strict=True):
        top += line.space_above
        pen = (width - (right - left)) // 2 - left
        draw_line(image, (pen, top - ink_top), line.text, line.font, ink=BLACK)
        top += ink_bottom - ink_top
    return image
