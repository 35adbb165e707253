"""A ticket header, footer and service name typed with printer commands print as text.

The printer receives only what the renderer itself sends: initialise, raster images, the
native QR code, feeds and the cut. A manager who types ESC @ (reset), GS V (cut), DLE EOT
(status), ESC p (cash drawer) or ESC d (feed) into a name must get those characters drawn as
pixels inside a raster image, never as commands: every byte of the job is read as one of the
renderer's own commands, and the commands around the images are exactly those of a ticket
with benign names.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from printer.profiles import PROFILES, get_profile
from printer.render import render_escpos, render_png
from printer.slip import Slip
from queue_server.core.extensions import socketio

from ..conftest import bearer
from ..support.browsing import Browser

OFFICE = "/api/v1/offices/test-office"
ADMIN = "/admin/offices/test-office"

HEADER = "\x1b@\x1dV0 UBND <script>alert(1)</script>"
FOOTER = "Cảm ơn \x1dVA\x03\x10\x04\x01 quý khách \x1bp0\x19\xfa"
SERVICE = "\x1bd\x7f\x1d(k\x03\x011P0 Đất đai =HYPERLINK(\"http://x\",\"y\")"
BENIGN = {"office_name": "UBND xã Thử", "service": "Đất đai", "footer": "Cảm ơn quý công dân"}
# Every control sequence typed above, as the bytes a printer would obey.
TYPED_COMMANDS = (b"\x1b@", b"\x1dV", b"\x10\x04", b"\x1bp", b"\x1bd\x7f", b"\x1d(k\x03")


def read_commands(job: bytes) -> list[tuple]:
    """The job split into the renderer's commands; any other byte fails the test."""
    commands, at = [], 0
    while at < len(job):
        if job.startswith(b"\x1b@", at):
            command, end = ("init",), at + 2
        elif job.startswith((b"\x1ba", b"\x1bd"), at):
            command, end = (job[at:at + 2], job[at + 2]), at + 3
        elif job.startswith(b"\x1dV", at):
            command, end = ("cut", job[at + 2]), at + 3
        elif job.startswith(b"\x1dv0", at):
            width, height = _int16(job, at + 4), _int16(job, at + 6)
            command, end = ("raster", job[at + 3], width, height), at + 8 + width * height
            assert end <= len(job), "a raster image runs past the end of the job"
        elif job.startswith(b"\x1d(k", at):
            end = at + 5 + _int16(job, at + 3)
            command = ("qr", job[at + 6], job[at + 7:end])
        else:
            raise AssertionError(f"unexpected byte {job[at]:#04x} at offset {at}")
        commands.append(command)
        at = end
    return commands


def _int16(job: bytes, at: int) -> int:
    return job[at] | job[at + 1] << 8


def commands_around_images(job: bytes) -> list[tuple]:
    """The commands with every run of raster images folded into one ("images",)."""
    folded: list[tuple] = []
    for command in read_commands(job):
        if command[0] == "raster":
            if not folded or folded[-1] != ("images",):
                folded.append(("images",))
        else:
            folded.append(command)
    return folded


def outside_images(job: bytes) -> bytes:
    """Every byte of the job that is not the pixels of a raster image."""
    kept, at = b"", 0
    for command in read_commands(job):
        if command[0] == "raster":
            _, _, width, height = command
            kept += job[at:at + 8]
            at += 8 + width * height
        else:
            length = {"init": 2, "cut": 3}.get(command[0], 3)
            if command[0] == "qr":
                length = 5 + _int16(job, at + 3)
            kept += job[at:at + length]
            at += length
    assert at == len(job)
    return kept


@pytest.fixture
def hostile_slip(app, client, accounts, add_printer) -> dict:
    """The slip the server sends the printer's agent after the names were typed in /admin."""
    manager = Browser(app, "manager1")
    saved = [manager.post(ADMIN, {"ticket_header": HEADER, "ticket_footer": FOOTER}),
             manager.post(ADMIN + "/services/dat-dai", {"name": SERVICE})]
    assert [answer.status_code for answer in saved] == [303, 303]
    printer = add_printer("printer-1")
    assert client.post("/api/v1/printers/status", json={"state": "ok"},
                       headers=bearer(printer)).status_code == 200
    agent = socketio.test_client(app, flask_test_client=client, auth={"token": printer})
    agent.emit("subscribe", {"channel": "printer"}, callback=True)
    ticket = client.post(OFFICE + "/tickets", json={"service": "dat-dai"},
                         headers=bearer(accounts["kiosk"])).get_json()
    jobs = [event["args"][0] for event in agent.get_received() if event["name"] == "print_job"]
    assert [job["number"] for job in jobs] == [ticket["number"]]
    return {"slip": jobs[0]["slip"], "ticket": ticket}


def test_the_slip_keeps_the_typed_names_as_plain_text(hostile_slip):
    slip = hostile_slip["slip"]
    assert (slip["office_name"], slip["service"], slip["footer"]) == (HEADER, SERVICE, FOOTER)


@pytest.mark.parametrize("profile_name", sorted(PROFILES))
def test_typed_printer_commands_never_reach_the_printer(hostile_slip, profile_name):
    profile = get_profile(profile_name)
    hostile = Slip.from_dict(hostile_slip["slip"])
    benign = replace(hostile, **BENIGN)
    hostile_job, benign_job = render_escpos(hostile, profile), render_escpos(benign, profile)
    # The typed names were drawn: the images differ from the benign ticket's.
    assert hostile_job != benign_job
    assert commands_around_images(hostile_job) == commands_around_images(benign_job)
    commands = outside_images(hostile_job)
    benign_commands = outside_images(benign_job)
    for typed in TYPED_COMMANDS:
        assert commands.count(typed) == benign_commands.count(typed), typed
    assert commands.startswith(b"\x1b@") and commands.count(b"\x1b@") == 1


def test_the_preview_of_a_hostile_ticket_is_an_image(client, hostile_slip):
    answer = client.get(f"/api/v1/tickets/{hostile_slip['ticket']['code']}/slip.png")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert render_png(Slip.from_dict(hostile_slip["slip"]), get_profile("80mm")).startswith(
        b"\x89PNG")
