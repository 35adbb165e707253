"""The renderer: ESC/POS bytes from escpos's Dummy printer, and a preview that matches them."""

import io
import unicodedata

import pytest
import zxingcpp
from escpos.capabilities import get_profile as get_escpos_profile
from PIL import Image, ImageFilter

from printer.profiles import PROFILES, get_profile
from printer.render import (
    NativeQr,
    render_escpos,
    render_image,
    render_png,
    render_preview,
    render_qr_image,
    ticket_blocks,
)

ALL_PROFILES = sorted(PROFILES)
INVERT = bytes(255 - value for value in range(256))


def read_commands(job: bytes) -> list[tuple]:
    """Split a job into commands; bytes the renderer should never send fail the test."""
    commands, at = [], 0
    while at < len(job):
        command, at = _read_command(job, at)
        commands.append(command)
    return commands


def _read_command(job: bytes, at: int) -> tuple[tuple, int]:
    """One command starting at `at`, and where the next one starts."""
    if job.startswith(b"\x1b@", at):
        return ("init",), at + 2
    if job.startswith((b"\x1ba", b"\x1bd"), at):
        return ("align" if job[at + 1] == ord("a") else "feed", job[at + 2]), at + 3
    if job.startswith(b"\x1dV", at):
        return ("cut", job[at + 2]), at + 3
    if job.startswith(b"\x1dv0", at):
        mode, width_bytes, height = job[at + 3], _int16(job, at + 4), _int16(job, at + 6)
        end = at + 8 + width_bytes * height
        return ("raster", mode, width_bytes, height, job[at + 8 : end]), end
    if job.startswith(b"\x1d(k", at):
        end = at + 5 + _int16(job, at + 3)
        return ("qr", job[at + 6], job[at + 7 : end]), end
    raise AssertionError(f"unexpected byte {job[at]:#04x} at offset {at}")


def _int16(job: bytes, at: int) -> int:
    return job[at] | job[at + 1] << 8


def rebuild_paper(job: bytes, profile, payload: str) -> Image.Image:
    """The paper a printer would produce, drawing native QR codes like the preview does."""
    strips, module = [], None
    for command in read_commands(job):
        if command[0] == "raster":
            strips.append(_raster_strip(*command[1:]))
        elif command[0] == "qr" and command[1] == ord("C"):
            module = command[2][0]
        elif command[0] == "qr" and command[1] == ord("Q"):
            symbol = render_qr_image(payload, profile)
            quiet = 4 * module
            strips.append(symbol.crop((0, quiet, symbol.width, symbol.height - quiet)))
    paper = Image.new("1", (profile.dot_width, sum(strip.height for strip in strips)), 1)
    top = 0
    for strip in strips:
        paper.paste(strip, (0, top))
        top += strip.height
    return paper


def _raster_strip(mode: int, width_bytes: int, height: int, data: bytes) -> Image.Image:
    """A GS v 0 image as dots on paper (mode 3 doubles both ways)."""
    image = Image.frombytes("1", (width_bytes * 8, height), data.translate(INVERT))
    zoom = {0: 1, 3: 2}[mode]
    return image.resize((image.width * zoom, image.height * zoom), Image.Resampling.NEAREST)


def black_share(image: Image.Image) -> float:
    return image.convert("L").histogram()[0] / (image.width * image.height)


def test_a_ticket_starts_by_initialising_the_printer(make_slip):
    for name in ALL_PROFILES:
        assert render_escpos(make_slip(), get_profile(name)).startswith(b"\x1b@")


@pytest.mark.parametrize("name", ["80mm", "tm-t88", "80mm-image-qr"])
def test_a_ticket_ends_with_a_feed_and_a_full_cut(make_slip, name):
    assert render_escpos(make_slip(), get_profile(name)).endswith(b"\x1bd\x06\x1dV\x00")


def test_a_58mm_ticket_ends_with_a_tear_off_feed_because_the_printer_has_no_cutter(make_slip):
    profile = get_profile("58mm")
    assert not get_escpos_profile(profile.escpos_profile).supports("paperFullCut")
    job = render_escpos(make_slip(), profile)
    assert job.endswith(b"\x1bd\x06")
    assert b"\x1dV" not in job


@pytest.mark.parametrize(("name", "row_bytes"), [("80mm", 72), ("tm-t88", 64), ("58mm", 48)])
def test_raster_images_are_gs_v_0_no_wider_than_the_paper(make_slip, name, row_bytes):
    rasters = [
        c for c in read_commands(render_escpos(make_slip(), get_profile(name))) if c[0] == "raster"
    ]
    text = [width for _, mode, width, _, _ in rasters if mode == 0]
    zoomed = [width for _, mode, width, _, _ in rasters if mode == 3]
    assert {mode for _, mode, *_ in rasters} == {0, 3}
    assert max(text) <= row_bytes and max(zoomed) <= row_bytes // 2
    # The longest line spans most of the paper, so the widest raster row comes close.
    assert max(text) >= row_bytes - 8


@pytest.mark.parametrize("name", ["80mm", "tm-t88"])
def test_printers_with_native_qr_get_a_centred_gs_k_qr_code(make_slip, name):
    profile, slip = get_profile(name), make_slip()
    commands = read_commands(render_escpos(slip, profile))
    qr = [command for command in commands if command[0] == "qr"]
    assert {chr(fn): data for _, fn, data in qr} == {
        "A": b"2\x00",  # model 2
        "C": bytes([profile.qr_module_dots]),
        "E": b"1",  # error correction level M
        "P": b"0" + slip.qr_payload.encode(),
        "Q": b"0",
    }
    first, last = commands.index(qr[0]), commands.index(qr[-1])
    assert commands[first - 1] == ("align", 1) and commands[last + 1] == ("align", 0)


@pytest.mark.parametrize("name", ["58mm", "80mm-image-qr"])
def test_printers_without_native_qr_get_the_qr_code_as_an_image(make_slip, name):
    job = render_escpos(make_slip(), get_profile(name))
    assert b"\x1d(k" not in job
    assert not any(
        isinstance(block, NativeQr) for block in ticket_blocks(make_slip(), get_profile(name))
    )


def test_an_80mm_ticket_fits_in_16_kb(make_slip):
    assert len(render_escpos(make_slip(), get_profile("80mm"))) <= 16 * 1024


@pytest.mark.parametrize("name", ALL_PROFILES)
def test_the_printed_rasters_rebuild_the_preview_dot_for_dot(make_slip, name):
    profile, slip = get_profile(name), make_slip()
    paper = rebuild_paper(render_escpos(slip, profile), profile, slip.qr_payload)
    assert paper.tobytes() == render_preview(slip, profile).tobytes()


@pytest.mark.parametrize("name", ALL_PROFILES)
def test_the_preview_qr_code_decodes_to_the_slip_payload(make_slip, name):
    slip = make_slip()
    preview = Image.open(io.BytesIO(render_png(slip, get_profile(name))))
    assert preview.format == "PNG" and preview.width == get_profile(name).dot_width
    codes = zxingcpp.read_barcodes(preview.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in codes] == [slip.qr_payload]


@pytest.mark.parametrize("name", ALL_PROFILES)
def test_the_text_image_is_one_bit_paper_wide_and_cropped_to_its_content(make_slip, name):
    profile = get_profile(name)
    image = render_image(make_slip(), profile)
    ink_top, ink_bottom = image.convert("L").point(lambda value: 255 - value).getbbox()[1::2]
    assert image.mode == "1" and image.width == profile.dot_width
    assert ink_top <= 8 and image.height - ink_bottom <= 8


@pytest.mark.parametrize(("name", "minimum"), [("80mm", 120), ("tm-t88", 106), ("58mm", 80)])
def test_the_number_is_very_large(make_slip, name, minimum):
    number = ticket_blocks(make_slip(number="1005"), get_profile(name))[1].on_paper()
    _, top, _, bottom = number.convert("L").point(lambda value: 255 - value).getbbox()
    assert bottom - top >= minimum


@pytest.mark.parametrize("name", ALL_PROFILES)
def test_the_ticket_has_no_large_black_areas(make_slip, name):
    preview = render_preview(make_slip(number="8888"), get_profile(name)).convert("L")
    # 16 passes of a 3 x 3 maximum filter leave black only inside a solid 33 x 33 square.
    eroded = preview
    for _ in range(16):
        eroded = eroded.filter(ImageFilter.MaxFilter(3))
    assert black_share(preview) < 0.2
    assert eroded.getextrema() == (255, 255)


def test_a_long_office_name_wraps_within_the_paper(make_slip):
    profile = get_profile("58mm")
    short = render_image(make_slip(office_name="UBND phường Bến Thành"), profile)
    long_name = "Trung tâm Phục vụ hành chính công tỉnh Bà Rịa – Vũng Tàu, điểm tiếp nhận số 2"
    wrapped = render_image(make_slip(office_name=long_name), profile)
    margins = [wrapped.crop((0, 0, 8, wrapped.height)), wrapped.crop((376, 0, 384, wrapped.height))]
    assert wrapped.width == 384 and wrapped.height > short.height + 40
    assert all(black_share(margin) == 0 for margin in margins)


def test_a_number_too_wide_for_the_paper_is_shrunk_to_fit(make_slip):
    number = ticket_blocks(make_slip(number="A1005-2026-99"), get_profile("58mm"))[1].on_paper()
    left, _, right, _ = number.convert("L").point(lambda value: 255 - value).getbbox()
    assert left >= 8 and right <= number.width - 8


def test_decomposed_text_prints_like_precomposed_text(make_slip):
    nfc = make_slip()
    nfd = make_slip(
        **{key: unicodedata.normalize("NFD", value) for key, value in nfc.to_dict().items()}
    )
    assert nfd != nfc
    assert render_escpos(nfd, get_profile("80mm")) == render_escpos(nfc, get_profile("80mm"))


def test_a_ticket_without_a_qr_caption_is_shorter(make_slip):
    profile = get_profile("80mm")
    with_caption = render_preview(make_slip(), profile)
    assert render_preview(make_slip(qr_caption=None), profile).height < with_caption.height


def test_a_priority_ticket_prints_its_priority_group(make_slip):
    profile = get_profile("80mm")
    ordinary = render_preview(make_slip(), profile)
    priority = render_preview(make_slip(priority_line="Ưu tiên: Người cao tuổi"), profile)
    assert priority.height > ordinary.height


def test_a_slip_from_an_older_server_without_a_priority_line_is_accepted(make_slip):
    data = make_slip().to_dict()
    del data["priority_line"]
    assert type(make_slip()).from_dict(data).priority_line == ""


def test_rendering_prints_nothing_to_stdout(make_slip, capsys):
    for name in ALL_PROFILES:
        render_escpos(make_slip(), get_profile(name))
    assert capsys.readouterr().out == ""
