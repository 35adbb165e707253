"""End to end: a real server, real queue-printer processes and a real TCP printer."""

import signal

import pytest
import zxingcpp
from PIL import Image

from printer.journal import Journal, journal_path

from .conftest import wait_until

pytestmark = pytest.mark.slow


def printer_row(desk):
    status, rows = desk.server.api("GET", "/api/v1/offices/thu-nghiem/printers",
                                   token=staff_token(desk.server))
    assert status == 200
    return next(row for row in rows if row["name"] == f"printer {desk.name}")


_STAFF: dict[str, str] = {}


def staff_token(server):
    """A manager's token on the live server (created once)."""
    if server.url not in _STAFF:
        engine, sessions = server.sessions()
        from queue_server.core.clock import utc_now
        from queue_server.models import Role
        from queue_server.security.tokens import add_user
        from queue_server.tickets.queue_state import find_office

        with sessions() as session:
            add_user(session, "quanly-in", "mat-khau-quan-ly-in", Role.MANAGER,
                     find_office(session, "thu-nghiem"), now=utc_now())
            session.commit()
        engine.dispose()
        status, body = server.api("POST", "/api/v1/auth/token",
                                  {"username": "quanly-in", "password": "mat-khau-quan-ly-in"})
        assert status == 200
        _STAFF[server.url] = body["token"]
    return _STAFF[server.url]


def test_a_kiosk_ticket_prints_on_the_virtual_printer_with_a_working_qr(desk, start_agent,
                                                                       tmp_path):
    tickets = tmp_path / "tickets"
    agent = start_agent(desk, f"image://{tickets}")
    agent.wait_for_log("job(s) waiting")
    ticket = desk.issue()
    assert ticket["print"]["status"] == "queued"
    png = tickets / f"{ticket['number']}.png"
    wait_until(lambda: png.exists() and (tickets / f"{ticket['number']}.bin").exists(),
               what="the virtual printer's files")
    assert (tickets / f"{ticket['number']}.bin").read_bytes().startswith(b"\x1b@")
    with Image.open(png) as image:
        codes = zxingcpp.read_barcodes(image.convert("L"),
                                       formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in codes] == [ticket["track_url"]]
    wait_until(lambda: desk.server.job_rows(f"printer {desk.name}")[0][1] == "printed",
               what="the server to record the job as printed")
    assert printer_row(desk)["pending_jobs"] == 0


def test_a_network_printer_refusing_then_accepting_prints_the_ticket_once(
        desk, start_agent, network_printer):
    agent = start_agent(desk, network_printer.uri)
    agent.wait_for_log("job(s) waiting")
    ticket = desk.issue()
    # The agent said at start that the printer is unreachable: the kiosk shows the fault.
    assert (ticket["print"]["status"], ticket["print"]["reason"]) == ("printer_error", "error")
    agent.wait_for_log(f"ticket {ticket['number']} (job {ticket['print']['job']}) did not print",
                       count=2)
    row = printer_row(desk)
    assert (row["state"], row["pending_jobs"]) == ("error", 1)
    assert "offline or unreachable" in row["last_error"]
    network_printer.listen()
    wait_until(lambda: network_printer.jobs_containing(ticket["track_url"]),
               what="the ticket to reach the printer")
    wait_until(lambda: printer_row(desk)["state"] == "ok", what="the ok report")
    assert network_printer.jobs_containing(ticket["track_url"]) == 1
    assert printer_row(desk)["pending_jobs"] == 0


def test_paper_out_is_reported_and_the_ticket_prints_once_paper_is_back(
        desk, start_agent, network_printer):
    network_printer.paper_reply = 0x72
    network_printer.listen()
    agent = start_agent(desk, network_printer.uri)
    agent.wait_for_log("job(s) waiting")
    ticket = desk.issue()
    assert (ticket["print"]["status"], ticket["print"]["reason"]) == ("printer_error",
                                                                      "paper_out")
    agent.wait_for_log("out of paper", count=2)
    row = printer_row(desk)
    assert (row["state"], row["problem"], row["is_ok"]) == ("paper_out", "paper_out", False)
    assert network_printer.jobs_containing(ticket["track_url"]) == 0
    network_printer.paper_reply = 0x12
    wait_until(lambda: network_printer.jobs_containing(ticket["track_url"]),
               what="the ticket to print after the paper is back")
    wait_until(lambda: printer_row(desk)["state"] == "ok", what="the ok report")
    assert network_printer.jobs_containing(ticket["track_url"]) == 1
    assert printer_row(desk)["last_error"].endswith("reports that it is out of paper")


def test_tickets_pending_when_the_agent_is_killed_print_exactly_once_after_restart(
        desk, start_agent, network_printer, tmp_path):
    agent = start_agent(desk, network_printer.uri)
    agent.wait_for_log("job(s) waiting")
    tickets = [desk.issue() for _ in range(3)]
    agent.wait_for_log("did not print", count=2)
    agent.process.send_signal(signal.SIGKILL)
    agent.process.wait(timeout=10)
    tickets.append(desk.issue())  # issued while no agent runs
    network_printer.listen()
    restarted = start_agent(desk, network_printer.uri)
    for ticket in tickets:
        wait_until(lambda t=ticket: network_printer.jobs_containing(t["track_url"]),
                   what=f"ticket {ticket['number']}")
    wait_until(lambda: all(row[1] == "printed"
                           for row in desk.server.job_rows(f"printer {desk.name}")),
               what="every job acknowledged")
    restarted.kill()
    again = start_agent(desk, network_printer.uri)
    again.wait_for_log("0 job(s) waiting")  # nothing left to print: nothing prints twice
    assert [network_printer.jobs_containing(t["track_url"]) for t in tickets] == [1, 1, 1, 1]
    assert "printed ticket" not in again.log()


def test_a_ticket_printed_just_before_a_crash_is_acknowledged_not_printed_again(
        desk, start_agent, tmp_path):
    ticket = desk.issue()  # no agent yet: the job waits
    [(_number, status, key)] = desk.server.job_rows(f"printer {desk.name}")
    assert status == "pending"
    # What the agent leaves behind when it dies between the paper and the acknowledgement.
    Journal(journal_path(tmp_path / "state", desk.printer_token)).add(key)
    tickets = tmp_path / "tickets"
    agent = start_agent(desk, f"image://{tickets}")
    agent.wait_for_log(f"ticket {ticket['number']} (job {ticket['print']['job']}) was printed")
    wait_until(lambda: desk.server.job_rows(f"printer {desk.name}")[0][1] == "printed",
               what="the job acknowledged")
    assert not (tickets / f"{ticket['number']}.png").exists()


def test_the_agent_reconnects_by_itself_after_a_server_restart(desk, start_agent, tmp_path,
                                                              live_server):
    tickets = tmp_path / "tickets"
    agent = start_agent(desk, f"image://{tickets}")
    agent.wait_for_log("job(s) waiting")
    live_server.stop()
    agent.wait_for_log("disconnected from")
    live_server.start()
    agent.wait_for_log("job(s) waiting", count=2, timeout=30)
    agent.wait_for_log(" s without the server; 0 job(s) issued meanwhile")  # says what it missed
    ticket = desk.issue()
    wait_until((tickets / f"{ticket['number']}.png").exists,
               what="the ticket printed after the restart")


def test_a_bad_token_ends_the_agent_with_one_clear_line(desk, start_agent, tmp_path):
    agent = start_agent(desk, f"image://{tmp_path / 'tickets'}", token="d_not-a-real-token")
    assert agent.process.wait(timeout=30) == 1
    assert agent.errors() == "queue-printer: the server refused the token (401 bad_token)\n"
