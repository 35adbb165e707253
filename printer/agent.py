"""queue-printer: the print agent of one printer, run on the kiosk PC next to it.

It connects to the server with its printer device token, receives its print jobs (all the
unacknowledged ones at every (re)connect, then each new one), renders each slip with its own
printer profile, prints one at a time, and acknowledges. Printer faults are retried with
backoff and reported; a local journal keeps a crash from printing a ticket twice.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from printer.devices import Device, ImageDevice, PrinterError, PrinterUriError, parse_printer_uri
from printer.jobs import Job, JobQueue
from printer.journal import Journal, journal_path
from printer.link import ServerLink, ServerUnreachable, TokenRejected
from printer.profiles import PROFILES, PrinterProfile, get_profile

log = logging.getLogger("queue_printer")

TOKEN_VARIABLE = "QUEUE_PRINTER_TOKEN"
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
# While the server is away, unsent acknowledgements are retried this often.
ACK_RETRY_S = 5.0
# How the printer's own answer to a status query maps to the state the server is told.
_STATES = {"ok": "ok", "paper_out": "paper_out", "offline": "error"}


class Backoff:
    """Delays that double from `first` up to `most`, restarting after a success."""

    def __init__(self, first: float, most: float) -> None:
        self.first, self.most = first, max(first, most)
        self._next = first

    def next_delay(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self.most)
        return delay

    def reset(self) -> None:
        self._next = self.first


class Agent:
    """Prints the jobs of one printer, in order, one at a time."""

    def __init__(self, device: Device, profile: PrinterProfile, link: ServerLink,
                 journal: Journal, jobs: JobQueue, *, retry: Backoff, heartbeat_s: float = 60,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.device, self.profile, self.link, self.journal = device, profile, link, journal
        self.retry, self.heartbeat_s, self.clock = retry, heartbeat_s, clock
        self.queue = jobs
        self.stop = threading.Event()
        self._acks: dict[int, tuple[bool, str | None]] = {}
        self._acks_retry_at = -float("inf")
        self._reported: tuple[str, str | None] | None = None
        self._reported_at = -float("inf")
        # Asking a printer that never answers costs seconds; stop asking before each ticket.
        self._asks_status = True

    def introduce(self, retry_max_s: float) -> bool:
        """Report the printer's state until the server answers; False if refused or stopped."""
        state, error = self._printer_state() or ("ok", None)
        delay = Backoff(1, retry_max_s)
        while not self._should_stop():
            self._report(state, error, force=True)
            if self._reported is not None or self.link.fatal:
                return self.link.fatal is None
            self.stop.wait(delay.next_delay())
        return False

    def run(self) -> None:
        """Print until stopped or the server refuses the token."""
        while not self._should_stop():
            self._send_acks()
            job = self.queue.take(timeout=1.0)
            if job is not None:
                self.print_job(job)
            elif self.clock() - self._reported_at >= self.heartbeat_s:
                self._heartbeat()

    def _should_stop(self) -> bool:
        return self.stop.is_set() or self.link.fatal is not None

    def print_job(self, job: Job) -> None:
        """Print one job, retrying printer faults until it prints, expires, or we stop."""
        if job.key in self.journal:
            log.info("ticket %s (job %s) was printed before; acknowledging it", job.number,
                     job.id)
            return self._acknowledge(job, printed=True)
        try:
            data, preview = self._render(job)
        except Exception as error:  # noqa: BLE001 - one bad slip must not stop the printer
            log.error("cannot render ticket %s (job %s): %s", job.number, job.id, error)
            return self._acknowledge(job, printed=False, error=f"cannot render: {error}")
        self.retry.reset()
        while not self._should_stop():
            if self.clock() > job.deadline:
                log.warning("ticket %s (job %s) expired unprinted", job.number, job.id)
                return self._acknowledge(job, printed=False, error="expired: not printed in time")
            if self._try_print(job, data, preview):
                return None
            self.stop.wait(self.retry.next_delay())
        return None

    def _render(self, job: Job) -> tuple[bytes, bytes | None]:
        from printer.render import render_escpos, render_png  # Pillow loads on first use

        slip = job.slip_object()
        preview = render_png(slip, self.profile) if self.device.wants_preview else None
        return render_escpos(slip, self.profile), preview

    def _try_print(self, job: Job, data: bytes, preview: bytes | None) -> bool:
        """One attempt: check the paper where the link can tell, send, journal, acknowledge."""
        try:
            self._check_printer()
            self.device.send(data, name=job.number, preview_png=preview)
        except PrinterError as error:
            state = "paper_out" if error.kind == "paper_out" else "error"
            log.warning("ticket %s (job %s) did not print: %s", job.number, job.id, error)
            self._report(state, str(error), job_id=job.id)
            return False
        self.journal.add(job.key)
        log.info("printed ticket %s (job %s) on %s", job.number, job.id, self.device)
        self._report("ok", None)
        self._acknowledge(job, printed=True)
        return True

    def _check_printer(self) -> None:
        """Raise PrinterError when the printer says it is out of paper or offline."""
        if not self._asks_status:
            return
        status = self.device.status()
        if status == "unknown":
            log.info("%s does not report its status; printing without asking", self.device)
            self._asks_status = False
        elif status == "paper_out":
            raise PrinterError("paper_out", f"{self.device} reports that it is out of paper")
        elif status == "offline":
            raise PrinterError("io", f"{self.device} is offline or unreachable")

    def _heartbeat(self) -> None:
        """Report the printer's state now and then, so the server knows the agent lives."""
        state = self._printer_state()
        if state is not None:
            self._asks_status = True
        self._report(*(state or self._reported or ("ok", None)), force=True)

    def _printer_state(self) -> tuple[str, str | None] | None:
        """The state the printer itself reports, or None when the link cannot tell."""
        status = self.device.status()
        if status not in _STATES:
            return None
        messages = {"paper_out": "reports that it is out of paper",
                    "offline": "is offline or unreachable"}
        error = f"{self.device} {messages[status]}" if status in messages else None
        return _STATES[status], error

    def _report(self, state: str, error: str | None, *, job_id: int | None = None,
                force: bool = False) -> None:
        """Send the printer state when it changed, for each failed try, or when forced."""
        if not force and job_id is None and self._reported == (state, error):
            return
        try:
            self.link.report_status(state, error, job_id)
        except ServerUnreachable as problem:
            log.warning("cannot report the printer state to %s: %s", self.link.server_url,
                        problem)
            return
        except TokenRejected as refusal:
            self.link.give_up(str(refusal))
            return
        self._reported, self._reported_at = (state, error), self.clock()

    def _acknowledge(self, job: Job, *, printed: bool, error: str | None = None) -> None:
        self._acks[job.id] = (printed, error)
        self._send_acks(now=True)

    def _send_acks(self, *, now: bool = False) -> None:
        """Send the outcomes the server has not taken yet (it may have been down)."""
        if not now and self.clock() < self._acks_retry_at:
            return
        for job_id, (printed, error) in list(self._acks.items()):
            try:
                self.link.acknowledge(job_id, printed, error)
            except ServerUnreachable as problem:
                log.warning("cannot acknowledge job %s yet: %s", job_id, problem)
                self._acks_retry_at = self.clock() + ACK_RETRY_S
                return
            except TokenRejected as refusal:
                self.link.give_up(str(refusal))
                return
            del self._acks[job_id]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the queue-printer console script."""
    arguments = _parser().parse_args(argv)
    logging.basicConfig(level=arguments.log_level, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(message)s", force=True)
    try:
        _check_server_url(arguments.server)
        token = _token_of(arguments)
        device = parse_printer_uri(arguments.printer)
    except (PrinterUriError, _UsageError) as error:
        return _die(str(error), EXIT_USAGE)
    state_dir = Path(arguments.state_dir) if arguments.state_dir else default_state_dir(device)
    journal = Journal(journal_path(state_dir, token))
    jobs = JobQueue()
    link = ServerLink(arguments.server, token, on_job=jobs.add,
                      reconnect_max_s=arguments.retry_max)
    agent = Agent(device, get_profile(arguments.profile), link, journal, jobs,
                  retry=Backoff(arguments.retry_min, arguments.retry_max),
                  heartbeat_s=arguments.heartbeat)
    _stop_on_signals(agent.stop)
    log.info("queue-printer: %s, profile %s, server %s, journal %s", device, arguments.profile,
             arguments.server, journal.path)
    try:
        return _serve(agent, link, arguments.retry_max)
    finally:
        link.close()


def _serve(agent: Agent, link: ServerLink, retry_max: float) -> int:
    """First contact over HTTP (a bad token ends here), then the socket, then print."""
    if not agent.introduce(retry_max) or not link.connect(agent.stop, retry_max_s=retry_max):
        return _die(link.fatal, EXIT_REFUSED) if link.fatal else EXIT_OK
    agent.run()
    if link.fatal:
        return _die(link.fatal, EXIT_REFUSED)
    log.info("queue-printer stopped")
    return EXIT_OK


def default_state_dir(device: Device) -> Path:
    """Beside a virtual printer's tickets, else ~/.queue-printer."""
    if isinstance(device, ImageDevice):
        return device.directory / ".queue-printer"
    return Path.home() / ".queue-printer"


class _UsageError(Exception):
    """A missing or contradictory option."""


def _check_server_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _UsageError(f"--server {url!r} must be a URL such as http://192.168.1.10:8000")


def _token_of(arguments: argparse.Namespace) -> str:
    if arguments.token and arguments.token_file:
        raise _UsageError("give --token or --token-file, not both")
    if arguments.token_file:
        try:
            token = Path(arguments.token_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise _UsageError(f"cannot read the token file: {error}") from None
    else:
        token = arguments.token or os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise _UsageError(f"no device token: give --token, --token-file or {TOKEN_VARIABLE}")
    return token


def _stop_on_signals(stop: threading.Event) -> None:
    """Ctrl-C, SIGTERM (and Ctrl-Break on Windows) finish the current ticket, then stop."""
    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):
        number = getattr(signal, name, None)
        # A shell starts background jobs with SIGINT ignored; that choice is kept.
        if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, lambda *_: stop.set())


def _die(message: str, status: int) -> int:
    print(f"queue-printer: {message}", file=sys.stderr, flush=True)
    return status


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="queue-printer", description="Print the tickets of one printer device.")
    parser.add_argument("--server", required=True, help="server URL, e.g. http://10.0.0.2:8000")
    parser.add_argument("--token", help=f"printer device token (or --token-file, or "
                                        f"the {TOKEN_VARIABLE} environment variable)")
    parser.add_argument("--token-file", help="a file holding the device token")
    parser.add_argument("--printer", required=True,
                        help="network://HOST:9100, usb://VID:PID, serial:///dev/ttyUSB0"
                             "?baudrate=115200, file:///dev/usb/lp0 or image://DIR")
    parser.add_argument("--profile", default="80mm", choices=sorted(PROFILES),
                        help="paper and printer model (default 80mm)")
    parser.add_argument("--state-dir", help="where the journal of printed jobs is kept "
                                            "(default: DIR/.queue-printer for image://DIR, "
                                            "else ~/.queue-printer)")
    parser.add_argument("--retry-min", type=_positive, default=1.0,
                        help="first delay before retrying a printer fault, seconds (1)")
    parser.add_argument("--retry-max", type=_positive, default=30.0,
                        help="longest delay between retries and reconnects, seconds (30)")
    parser.add_argument("--heartbeat", type=_positive, default=60.0,
                        help="seconds between state reports to the server (60)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


if __name__ == "__main__":
    sys.exit(main())
