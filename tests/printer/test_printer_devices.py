"""Printer URIs and devices: the image printer, files, and a real TCP listener as printer."""

import os
import time
from pathlib import Path

import pytest
from PIL import Image

from printer.devices import (
    FileDevice,
    ImageDevice,
    NetworkDevice,
    PrinterError,
    PrinterUriError,
    SerialDevice,
    UsbDevice,
    parse_printer_uri,
    status_from_replies,
)
from printer.profiles import get_profile
from printer.render import render_escpos, render_png

PAPER_END = 0x72  # DLE EOT 4 reply with the paper-end sensor bits set (escpos RT_MASK_NOPAPER)
ALL_GOOD = 0x12  # the fixed bits only: online, paper adequate


@pytest.mark.parametrize(
    ("uri", "device"),
    [
        ("network://192.168.1.50:9100", NetworkDevice("192.168.1.50", 9100)),
        ("network://printer.local", NetworkDevice("printer.local", 9100)),
        ("network://[fe80::1]:9101", NetworkDevice("fe80::1", 9101)),
        ("usb://04b8:0202", UsbDevice(0x04B8, 0x0202)),
        ("usb://0x0416:0x5011?in_ep=0x81&out_ep=0x03", UsbDevice(0x0416, 0x5011, 0x81, 0x03)),
        ("serial:///dev/ttyUSB0?baudrate=115200", SerialDevice("/dev/ttyUSB0", 115200)),
        ("serial:///dev/ttyS0", SerialDevice("/dev/ttyS0", 9600)),
        ("file:///dev/usb/lp0", FileDevice("/dev/usb/lp0")),
        ("image://var/tickets", ImageDevice(Path("var/tickets"))),
        ("image:///srv/queue/tickets", ImageDevice(Path("/srv/queue/tickets"))),
    ],
)
def test_the_contract_uri_forms_name_their_devices(uri, device):
    assert parse_printer_uri(uri) == device


def test_timeouts_are_passed_to_network_devices():
    device = parse_printer_uri("network://10.0.0.9", connect_timeout=1.5, status_timeout=0.5)
    assert (device.connect_timeout, device.status_timeout) == (1.5, 0.5)


@pytest.mark.parametrize(
    ("uri", "complaint"),
    [
        ("", "must start with one of network://"),
        ("192.168.1.50:9100", "must start with one of"),
        ("tcp://192.168.1.50", "must start with one of"),
        ("network://", "names no host"),
        ("network://192.168.1.50:99999", "invalid port"),
        ("network://192.168.1.50/queue", "must not have a path"),
        ("network://192.168.1.50?timeout=3", "unknown options"),
        ("usb://04b8", "hexadecimal VID:PID"),
        ("usb://epson:tm", "hexadecimal VID:PID"),
        ("usb://0000:0202", "zero USB id"),
        ("serial://", "names no port"),
        ("serial:///dev/ttyUSB0?baudrate=fast", "baudrate must be a positive integer"),
        ("serial:///dev/ttyUSB0?baudrate=9600&baudrate=19200", "repeats an option"),
        ("file://dev/usb/lp0", "absolute path"),
        ("image://", "names no directory"),
        ("image://var/tickets#today", "fragment"),
    ],
)
def test_bad_printer_uris_are_rejected_with_a_clear_message(uri, complaint):
    with pytest.raises(PrinterUriError, match=complaint) as raised:
        parse_printer_uri(uri)
    assert repr(uri) in str(raised.value)


def test_the_image_printer_writes_the_exact_bytes_and_the_preview(tmp_path, make_slip):
    profile, slip = get_profile("80mm"), make_slip()
    job, preview = render_escpos(slip, profile), render_png(slip, profile)
    device = parse_printer_uri(f"image://{tmp_path}/var/tickets")
    device.send(job, name="1005", preview_png=preview)
    written = tmp_path / "var" / "tickets"
    assert (written / "1005.bin").read_bytes() == job
    assert (written / "1005.png").read_bytes() == preview
    with Image.open(written / "1005.png") as png:
        assert png.width == 576
    assert sorted(path.name for path in written.iterdir()) == ["1005.bin", "1005.png"]
    assert device.wants_preview and device.status() == "ok"


def test_the_image_printer_takes_a_directory_relative_to_the_working_directory(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    parse_printer_uri("image://var/tickets").send(b"\x1b@", name="A005", preview_png=b"png")
    assert (tmp_path / "var" / "tickets" / "A005.bin").read_bytes() == b"\x1b@"


def test_the_image_printer_replaces_a_reprinted_ticket_whole(tmp_path):
    device = ImageDevice(tmp_path)
    device.send(b"first", name="1005")
    device.send(b"second", name="1005")
    assert [path.name for path in tmp_path.iterdir()] == ["1005.bin"]
    assert (tmp_path / "1005.bin").read_bytes() == b"second"


@pytest.mark.parametrize("name", ["../1005", "a/b", ".hidden", ""])
def test_the_image_printer_refuses_names_that_are_not_plain_file_names(tmp_path, name):
    with pytest.raises(ValueError, match="safe file name"):
        ImageDevice(tmp_path).send(b"x", name=name)


def test_the_image_printer_is_offline_when_its_directory_is_a_file(tmp_path):
    blocker = tmp_path / "tickets"
    blocker.write_text("not a directory")
    device = ImageDevice(blocker)
    assert device.status() == "offline"
    with pytest.raises(PrinterError) as raised:
        device.send(b"x", name="1005")
    assert raised.value.kind == "io"


def test_the_file_printer_writes_the_job_to_the_device_node(tmp_path):
    node = tmp_path / "lp0"
    node.touch()
    device = parse_printer_uri(f"file://{node}")
    device.send(b"\x1b@ticket", name="1005")
    assert node.read_bytes() == b"\x1b@ticket"
    assert device.status() == "unknown"


def test_a_missing_device_node_is_not_found_and_offline(tmp_path):
    device = FileDevice(str(tmp_path / "usb" / "lp0"))
    with pytest.raises(PrinterError) as raised:
        device.send(b"x", name="1005")
    assert raised.value.kind == "not_found" and "lp0" in raised.value.message
    assert device.status() == "offline"


def test_a_network_printer_receives_the_exact_bytes_in_one_connection(fake_printer, make_slip):
    printer = fake_printer()
    job = render_escpos(make_slip(), get_profile("80mm"))
    NetworkDevice("127.0.0.1", printer.port).send(job, name="1005")
    assert printer.jobs.get(timeout=5) == job
    assert printer.jobs.empty()


def test_a_refused_connection_is_a_refused_printer_error(refused_port):
    with pytest.raises(PrinterError) as raised:
        NetworkDevice("127.0.0.1", refused_port, connect_timeout=2).send(b"x", name="1005")
    assert raised.value.kind == "refused"
    assert f"127.0.0.1:{refused_port}" in raised.value.message


def test_a_printer_that_stops_reading_is_a_timeout(fake_printer):
    printer = fake_printer(reads=False)
    device = NetworkDevice("127.0.0.1", printer.port, connect_timeout=0.5)
    with pytest.raises(PrinterError) as raised:
        device.send(bytes(32 * 1024 * 1024), name="1005")
    assert raised.value.kind == "timeout"


def test_status_is_paper_out_when_the_printer_reports_paper_end(fake_printer):
    printer = fake_printer({1: ALL_GOOD, 4: PAPER_END})
    device = NetworkDevice("127.0.0.1", printer.port)
    assert device.status() == "paper_out"
    with pytest.raises(PrinterError) as raised:
        device.ensure_paper()
    assert raised.value.kind == "paper_out"


def test_status_is_ok_when_the_printer_answers_0x12(fake_printer):
    printer = fake_printer({1: ALL_GOOD, 4: ALL_GOOD})
    device = NetworkDevice("127.0.0.1", printer.port)
    assert device.status() == "ok"
    device.ensure_paper()
    # Each check is one short connection asking DLE EOT 1, then DLE EOT 4.
    assert [printer.jobs.get(timeout=5) for _ in range(2)] == [b"\x10\x04\x01\x10\x04\x04"] * 2


def test_status_is_offline_when_the_printer_sets_its_offline_bit(fake_printer):
    printer = fake_printer({1: ALL_GOOD | 0x08, 4: ALL_GOOD})
    assert NetworkDevice("127.0.0.1", printer.port).status() == "offline"


def test_status_is_offline_when_nothing_listens(refused_port):
    assert NetworkDevice("127.0.0.1", refused_port).status() == "offline"


def test_status_is_unknown_after_a_short_wait_when_the_printer_never_answers(fake_printer):
    printer = fake_printer({})
    started = time.monotonic()
    assert NetworkDevice("127.0.0.1", printer.port, status_timeout=0.3).status() == "unknown"
    assert time.monotonic() - started < 2


def test_status_replies_are_read_with_escpos_masks():
    assert status_from_replies(bytes([ALL_GOOD]), bytes([0x1E])) == "ok"  # paper near its end
    assert status_from_replies(bytes([ALL_GOOD]), bytes([PAPER_END])) == "paper_out"
    assert status_from_replies(b"", bytes([ALL_GOOD])) == "unknown"


def test_printer_errors_only_take_known_kinds():
    assert PrinterError("timeout", "slow").kind == "timeout"
    with pytest.raises(ValueError, match="unknown printer error kind"):
        PrinterError("jammed", "paper jam")


@pytest.mark.skipif(os.name != "posix", reason="device paths are POSIX here")
def test_a_serial_port_that_does_not_exist_is_not_found(tmp_path):
    with pytest.raises(PrinterError) as raised:
        SerialDevice(str(tmp_path / "ttyUSB9")).send(b"x", name="1005")
    assert raised.value.kind == "not_found"
