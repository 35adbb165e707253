"""The agent's logic with a fake server link and a fake printer: order, retries, the journal."""

import subprocess
import sys
import threading

import pytest

from printer.agent import Agent, Backoff, default_state_dir, main
from printer.devices import Device, PrinterError, parse_printer_uri
from printer.jobs import JobQueue
from printer.journal import Journal, journal_path
from printer.link import ServerUnreachable, TokenRejected
from printer.profiles import get_profile
from printer.slip import Slip

SLIP = Slip(office_name="Xã Thử", heading="SỐ THỨ TỰ", number="1001", service="Đất đai",
            counters="Quầy 1", ahead_line="Số người đang chờ trước: Không có ai",
            wait_line="Thời gian chờ dự kiến: Sắp đến lượt",
            issued_line="Giờ lấy số: 09:00 26/11/2026", qr_payload="http://queue.test/t/abc",
            footer="Cảm ơn!")


def payload(job_id, number=None, expires_in_s=300, **slip_changes):
    number = number or f"10{job_id:02d}"
    slip = {**SLIP.to_dict(), "number": number, **slip_changes}
    return {"id": job_id, "key": f"key-{job_id}", "number": number, "slip": slip,
            "is_reprint": False, "expires_in_s": expires_in_s}


class FakeLink:
    """Records what the agent tells the server; can play a server that is down."""

    server_url = "http://queue.test"

    def __init__(self):
        self.reports, self.acks = [], []
        self.fatal = None
        self.down = False
        self.refuses = False

    def _answer(self):
        if self.refuses:
            raise TokenRejected("the server refused the token (401 bad_token)")
        if self.down:
            raise ServerUnreachable("connection refused")

    def report_status(self, state, error=None, job_id=None):
        self._answer()
        self.reports.append((state, job_id))

    def acknowledge(self, job_id, printed, error=None):
        self._answer()
        self.acks.append((job_id, printed, error))

    def give_up(self, reason):
        self.fatal = reason


class FakePrinter(Device):
    """A printer that fails as told, then prints; it answers status queries in turn."""

    wants_preview = True

    def __init__(self, failures=(), statuses=()):
        self.failures, self.statuses = list(failures), list(statuses)
        self.printed, self.status_queries = [], 0

    def send(self, job, *, name, preview_png=None):
        if self.failures:
            raise self.failures.pop(0)
        assert job.startswith(b"\x1b@") and preview_png.startswith(b"\x89PNG")
        self.printed.append(name)

    def status(self):
        self.status_queries += 1
        return self.statuses.pop(0) if self.statuses else "ok"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def make_agent(tmp_path):
    def build(device=None, link=None, clock=None):
        clock = clock or Clock()
        return Agent(device or FakePrinter(), get_profile("80mm"), link or FakeLink(),
                     Journal(tmp_path / "journal.txt"), JobQueue(clock),
                     retry=Backoff(0.001, 0.004), clock=clock)

    return build


def drain(agent):
    """Print everything queued, as the run loop would."""
    while (job := agent.queue.take(timeout=0)) is not None:
        agent.print_job(job)


def test_jobs_print_oldest_first_and_each_is_acknowledged(make_agent):
    agent = make_agent()
    for job_id in (3, 1, 2):
        agent.queue.add(payload(job_id))
    drain(agent)
    assert agent.device.printed == ["1001", "1002", "1003"]
    assert agent.link.acks == [(1, True, None), (2, True, None), (3, True, None)]
    assert all(f"key-{job_id}" in agent.journal for job_id in (1, 2, 3))


def test_a_job_delivered_twice_prints_once(make_agent):
    agent = make_agent()
    assert agent.queue.add(payload(1)) is not None
    assert agent.queue.add(payload(1)) is None
    drain(agent)
    assert agent.queue.add(payload(1)) is None
    drain(agent)
    assert agent.device.printed == ["1001"]


def test_a_job_in_the_journal_is_acknowledged_without_printing_again(make_agent, tmp_path):
    Journal(tmp_path / "journal.txt").add("key-7")  # printed, then the agent died before the ack
    agent = make_agent()
    agent.queue.add(payload(7))
    drain(agent)
    assert agent.device.printed == []
    assert agent.link.acks == [(7, True, None)]


def test_a_refused_printer_is_retried_reported_and_prints_once_later(make_agent):
    refused = PrinterError("refused", "network://10.0.0.9:9100: connection refused")
    agent = make_agent(FakePrinter(failures=[refused, refused]))
    agent.queue.add(payload(1))
    drain(agent)
    assert agent.device.printed == ["1001"]
    assert agent.link.reports == [("error", 1), ("error", 1), ("ok", None)]
    assert agent.link.acks == [(1, True, None)]


def test_paper_out_holds_the_ticket_until_paper_is_back(make_agent):
    agent = make_agent(FakePrinter(statuses=["paper_out", "paper_out", "ok"]))
    agent.queue.add(payload(1))
    drain(agent)
    assert agent.device.printed == ["1001"]
    assert agent.link.reports[:2] == [("paper_out", 1), ("paper_out", 1)]
    assert agent.link.reports[-1] == ("ok", None)


def test_a_printer_that_cannot_tell_its_status_is_not_asked_before_each_ticket(make_agent):
    agent = make_agent(FakePrinter(statuses=["unknown"]))
    for job_id in (1, 2, 3):
        agent.queue.add(payload(job_id))
    drain(agent)
    assert agent.device.status_queries == 1 and len(agent.device.printed) == 3


def test_a_ticket_past_its_time_is_given_up_without_printing(make_agent):
    clock = Clock()
    agent = make_agent(clock=clock)
    agent.queue.add(payload(1, expires_in_s=30))
    clock.now += 31
    drain(agent)
    assert agent.device.printed == []
    assert agent.link.acks == [(1, False, "expired: not printed in time")]


def test_a_slip_that_cannot_be_rendered_fails_its_job_only(make_agent):
    agent = make_agent()
    broken = payload(1)
    broken["slip"].pop("qr_payload")
    agent.queue.add(broken)
    agent.queue.add(payload(2))
    drain(agent)
    assert agent.device.printed == ["1002"]
    assert agent.link.acks[0][:2] == (1, False) and "qr_payload" in agent.link.acks[0][2]


def test_acks_wait_for_the_server_and_are_never_lost(make_agent):
    link = FakeLink()
    agent = make_agent(link=link)
    link.down = True
    agent.queue.add(payload(1))
    agent.queue.add(payload(2))
    drain(agent)
    assert agent.device.printed == ["1001", "1002"] and link.acks == []
    link.down = False
    agent._send_acks()
    assert link.acks == []  # not yet: the server was away a moment ago
    agent.clock.now += 5
    agent._send_acks()
    assert link.acks == [(1, True, None), (2, True, None)]


def test_a_token_refused_while_printing_stops_the_agent(make_agent):
    link = FakeLink()
    agent = make_agent(link=link)
    link.refuses = True
    agent.queue.add(payload(1))
    drain(agent)
    assert link.fatal.startswith("the server refused the token")


def test_the_run_loop_prints_what_arrives_and_stops_when_asked(make_agent):
    agent = make_agent()
    worker = threading.Thread(target=agent.run)
    worker.start()
    agent.queue.add(payload(1))
    try:
        for _ in range(200):
            if agent.link.acks:
                break
            agent.stop.wait(0.01)
    finally:
        agent.stop.set()
        worker.join(timeout=5)
    assert not worker.is_alive() and agent.link.acks == [(1, True, None)]


def test_the_journal_survives_a_restart_and_stays_small(tmp_path):
    path = tmp_path / "state" / "journal.txt"
    journal = Journal(path, keep=3)
    for number in range(8):
        journal.add(f"k{number}")
    path.write_text(path.read_text() + "k-partial")  # a crash in the middle of an append
    reopened = Journal(path, keep=3)
    assert [key in reopened for key in ("k4", "k5", "k6", "k7")] == [False, True, True, True]
    reopened.add("k8")
    assert path.read_text() == "k5\nk6\nk7\nk8\n"  # the half key is gone, nothing glued
    assert "k8" in Journal(path, keep=3)


def test_each_token_has_its_own_journal_in_a_shared_folder(tmp_path):
    assert journal_path(tmp_path, "d_a") != journal_path(tmp_path, "d_b")
    assert journal_path(tmp_path, "d_a").parent == tmp_path


def test_the_virtual_printer_keeps_its_state_beside_its_tickets(tmp_path):
    device = parse_printer_uri(f"image://{tmp_path}")
    assert default_state_dir(device) == tmp_path / ".queue-printer"


def run_agent(*arguments):
    return subprocess.run([sys.executable, "-m", "printer.agent", *arguments],
                          capture_output=True, text=True, timeout=60)


def test_a_bad_printer_uri_ends_the_agent_with_one_clear_line():
    result = run_agent("--server", "http://127.0.0.1:9", "--token", "d_x",
                       "--printer", "lpt://1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("queue-printer: printer URI 'lpt://1' must start with")


def test_a_missing_token_ends_the_agent_with_one_clear_line(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("QUEUE_PRINTER_TOKEN", raising=False)
    status = main(["--server", "http://127.0.0.1:9", "--printer", f"image://{tmp_path}"])
    assert status == 2
    assert capsys.readouterr().err == (
        "queue-printer: no device token: give --token, --token-file or QUEUE_PRINTER_TOKEN\n")


def test_the_agent_runs_without_the_server_package():
    probe = ("import sys, printer.agent; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'queue_server', 'flask', "
             "'sqlalchemy'}))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
