"""A compressed day of faults under load: PostgreSQL + Redis, two server processes.

Kiosks issue tickets (each retrying with its Idempotency-Key, on the other process when its own
does not answer), counters call, finish and mark no-shows, two TV displays (one per process)
follow the board over Socket.IO as display.js does, phones poll their tickets, and the real
print agent prints on the image printer, whose folder sits on a small scratch filesystem.
While the day runs it restarts Redis, restarts PostgreSQL, kills a server process with
SIGKILL, takes the printer away for a minute and fills the scratch filesystem. At the end it
checks that no acknowledged ticket was lost, no number was given twice, every ticket was
printed exactly once, every display shows what the database holds, and cross-process events
flowed again within 10 s of Redis coming back; it prints each fault's recovery time.

Needs PostgreSQL's server binaries and redis-server (it starts private ones on free ports),
and root for the scratch filesystem (tmpfs; skipped otherwise). Not part of `make test`.
Run: .venv/bin/python bench/soak.py [--minutes 8]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The private PostgreSQL cluster, Redis and server processes of the scale-out tests.
from tests.core.conftest import PostgresCluster, RedisServer, ServerProcess, free_port  # noqa: E402

OFFICE = "soak"
API = f"/api/v1/offices/{OFFICE}"
OFFICE_TOML = f"""
[[office]]
slug = "{OFFICE}"
name = "Trung tâm thử tải"
opening_hours = "24/7"
min_seconds_before_no_show = 0
""" + "".join(f"""
  [[office.service]]
  code = "s{index}"
  name = "Lĩnh vực {index}"
  prefix = "{index + 1}"
""" for index in range(3)) + "".join(f"""
  [[office.counter]]
  number = {number}
  services = ["s{(number - 1) % 3}", "s{number % 3}"]
""" for number in range(1, 5))
PASSWORD = "soak-password-123"
KIOSKS, PHONES = 4, 3
REDIS_FLOW_LIMIT_S = 10.0


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


@dataclass
class Ledger:
    """What the clients were told, and when things worked last."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: dict[str, str] = field(default_factory=dict)  # code -> number
    issue_retries: int = 0
    issue_given_up: int = 0
    calls: int = 0
    finished: int = 0
    no_shows: int = 0
    phone_errors: int = 0
    last_issue_at: float = 0.0

    def issued(self, code: str, number: str) -> None:
        with self.lock:
            self.acknowledged[code] = number
            self.last_issue_at = time.monotonic()


@dataclass
class Display:
    """A TV's board as display.js keeps it: the snapshot, then the events."""

    name: str
    url: str
    serving: dict[int, str] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    calls_seen: list[tuple[float, int]] = field(default_factory=list)  # (when, counter)
    client: socketio.Client = field(default_factory=lambda: socketio.Client(
        reconnection_delay=0.5, reconnection_delay_max=3))

    def start(self) -> None:
        client = self.client
        client.on("connect", self.subscribe)
        client.on("resync", lambda _data=None: self.subscribe())
        client.on("ticket_called", self.on_call)
        client.on("ticket_issued", lambda event: self.waiting.update(event.get("waiting") or {}))
        client.on("queue_changed", self.on_board)
        client.connect(self.url, transports=["websocket"], wait_timeout=10)

    def subscribe(self) -> None:
        def answer(snapshot: dict) -> None:
            if isinstance(snapshot, dict) and "now_serving" in snapshot:
                self.serving = {row["counter"]: row["number"] for row in snapshot["now_serving"]}
                self.waiting = dict(snapshot["waiting"])
        self.client.emit("subscribe", {"office": OFFICE, "channel": "board"}, callback=answer)

    def on_call(self, event: dict) -> None:
        self.calls_seen.append((time.monotonic(), event["counter"]))
        self.serving[event["counter"]] = event["number"]

    def on_board(self, event: dict) -> None:
        self.waiting = dict(event.get("waiting") or {})
        if isinstance(event.get("now_serving"), list):
            self.serving = {row["counter"]: row["number"] for row in event["now_serving"]}


class Day:
    """The installation and everyone using it."""

    def __init__(self, folder: Path, postgres: PostgresCluster, redis: RedisServer) -> None:
        self.folder, self.postgres, self.redis = folder, postgres, redis
        (folder / "offices.toml").write_text(OFFICE_TOML)
        environment = {k: v for k, v in os.environ.items() if not k.startswith("QUEUE_")}
        environment.update({"QUEUE_DATABASE_URL": postgres.create_database(),
                            "QUEUE_REDIS_URL": redis.url, "QUEUE_SECRET_KEY": "soak",
                            "QUEUE_REDIS_CHANNEL": "soak-" + uuid.uuid4().hex[:8],
                            "QUEUE_VAR_DIR": str(folder), "QUEUE_LOG_LEVEL": "WARNING",
                            "QUEUE_OFFICE_FILE": str(folder / "offices.toml")})
        self.environment = environment
        self.cli("init")
        self.kiosks = [self.cli("device", "add", f"kiosk-{index}", "--kind", "kiosk",
                                "--office", OFFICE) for index in range(KIOSKS)]
        self.printer_token = self.cli("device", "add", "printer-1", "--kind", "printer",
                                      "--office", OFFICE)
        self.cli("user", "add", "canbo", "--role", "staff", "--office", OFFICE,
                 "--password-stdin", stdin=PASSWORD + "\n")
        self.servers = [ServerProcess(free_port(), environment, folder) for _ in range(2)]
        for server in self.servers:
            server.start()
        self.staff = requests.post(self.servers[0].url + "/api/v1/auth/token", timeout=10, json={
            "username": "canbo", "password": PASSWORD}).json()["token"]
        self.ledger = Ledger()
        self.stop = threading.Event()
        self.displays = [Display(f"tv-{index}", server.url)
                         for index, server in enumerate(self.servers)]
        self.scratch = folder / "scratch"
        self.printed_dir = self.scratch / "tickets"
        self.agent: subprocess.Popen | None = None

    def cli(self, *arguments: str, stdin: str = "") -> str:
        result = subprocess.run([sys.executable, "-m", "queue_server.cli", *arguments],
                                input=stdin, env=self.environment, cwd=ROOT,
                                capture_output=True, text=True, timeout=120, check=True)
        return result.stdout.strip()

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    # --- the people ------------------------------------------------------------------

    def kiosk(self, index: int) -> None:
        headers = {"Authorization": f"Bearer {self.kiosks[index]}"}
        while not self.stop.is_set():
            key, service = uuid.uuid4().hex, f"s{random.randrange(3)}"
            for attempt in range(240):  # a kiosk keeps trying one press for about two minutes
                url = self.urls[(index + attempt) % 2]  # its own process, then the other
                try:
                    response = requests.post(url + API + "/tickets", json={"service": service},
                                             headers={**headers, "Idempotency-Key": key},
                                             timeout=5)
                except requests.RequestException:
                    response = None
                if response is not None and response.status_code == 201:
                    body = response.json()
                    self.ledger.issued(body["code"], body["number"])
                    break
                with self.ledger.lock:
                    self.ledger.issue_retries += 1
                time.sleep(0.5)
            else:
                with self.ledger.lock:
                    self.ledger.issue_given_up += 1
            self.stop.wait(random.uniform(0.6, 1.6))

    def counter(self, number: int) -> None:
        headers = {"Authorization": f"Bearer {self.staff}"}
        base = f"{API}/counters/{number}"
        while not self.stop.is_set():
            url = self.urls[number % 2]
            try:
                response = requests.post(url + base + "/call-next", headers=headers, timeout=5)
                if response.status_code == 200:
                    with self.ledger.lock:
                        self.ledger.calls += 1
                    self.stop.wait(random.uniform(0.5, 2.0))
                    if random.random() < 0.15:
                        requests.post(url + base + "/recall", headers=headers, timeout=5)
                        done = requests.post(url + base + "/no-show", headers=headers, timeout=5)
                        kind = "no_shows"
                    else:
                        done = requests.post(url + base + "/finish", headers=headers, timeout=5)
                        kind = "finished"
                    if done.status_code == 200:
                        with self.ledger.lock:
                            setattr(self.ledger, kind, getattr(self.ledger, kind) + 1)
                else:
                    self.stop.wait(1.0)
            except requests.RequestException:
                self.stop.wait(1.0)

    def phone(self, _index: int) -> None:
        while not self.stop.is_set():
            with self.ledger.lock:
                codes = list(self.ledger.acknowledged)
            if codes:
                try:
                    answer = requests.get(f"{random.choice(self.urls)}/api/v1/tickets/"
                                          f"{random.choice(codes)}", timeout=5)
                    failed = answer.status_code != 200
                except requests.RequestException:
                    failed = True
                if failed:
                    with self.ledger.lock:
                        self.ledger.phone_errors += 1
            self.stop.wait(1.0)

    def start_agent(self) -> None:
        agent_log = open(self.folder / "agent.log", "a")  # noqa: SIM115 - lives as long as the agent
        self.agent = subprocess.Popen(
            [sys.executable, "-m", "printer.agent", "--server", self.urls[0], "--token",
             self.printer_token, "--printer", f"image://{self.printed_dir}", "--state-dir",
             str(self.folder / "agent-state"), "--retry-max", "3", "--heartbeat", "10"],
            cwd=ROOT, stdout=agent_log, stderr=subprocess.STDOUT)

    # --- measuring --------------------------------------------------------------------

    def unprinted(self) -> int | None:
        try:
            text = requests.get(self.urls[1] + "/metrics", timeout=5).text
        except requests.RequestException:
            return None
        match = re.search(r'^queue_print_jobs_pending\{office="soak"\} (\S+)$', text,
                          re.MULTILINE)
        return int(float(match[1])) if match else 0

    def wait_until(self, condition, limit_s: float) -> float | None:
        """Seconds until condition() holds, or None after limit_s."""
        started = time.monotonic()
        while time.monotonic() - started < limit_s:
            if condition():
                return time.monotonic() - started
            time.sleep(0.2)
        return None

    def healthy(self, url: str) -> bool:
        try:
            return requests.get(url + "/healthz", timeout=2).status_code == 200
        except requests.RequestException:
            return False


# --- the faults -----------------------------------------------------------------------

def restart_redis(day: Day) -> str:
    day.redis.stop()
    time.sleep(3)
    day.redis.start()
    back = time.monotonic()

    def flows_both_ways() -> bool:
        # A call made on the other process reached each display (counters alternate processes).
        return all(any(when > back and counter % 2 != index % 2 for when, counter in
                       display.calls_seen) for index, display in enumerate(day.displays))

    seconds = day.wait_until(flows_both_ways, 60)
    verdict = "ok" if seconds is not None and seconds <= REDIS_FLOW_LIMIT_S else "TOO SLOW"
    return f"cross-process events again after {_s(seconds)} ({verdict}, limit 10 s)"


def restart_postgres(day: Day) -> str:
    day.postgres.stop()
    time.sleep(5)
    day.postgres.start()
    back = time.monotonic()
    seconds = day.wait_until(lambda: day.ledger.last_issue_at > back, 60)
    return f"first ticket issued {_s(seconds)} after PostgreSQL was back"


def kill_a_server(day: Day) -> str:
    victim = day.servers[0]
    started = time.monotonic()
    victim.kill()
    victim.start()
    seconds = day.wait_until(lambda: day.healthy(victim.url), 60)
    total = time.monotonic() - started
    return f"process answering /healthz again {total:.1f} s after SIGKILL " \
           f"(+{_s(seconds)} after its restart)"


def printer_away(day: Day, away_s: float) -> str:
    away = day.printed_dir.with_name("tickets-away")
    day.printed_dir.rename(away)
    day.printed_dir.write_text("the printer is unplugged")  # mkdir fails: the device is gone
    time.sleep(away_s)
    backlog = day.unprinted()
    day.printed_dir.unlink()
    away.rename(day.printed_dir)
    seconds = day.wait_until(lambda: day.unprinted() == 0, 120)
    return f"away {away_s:.0f} s with {backlog} slips waiting; all printed {_s(seconds)} after"


def disk_full(day: Day, full_s: float, has_scratch: bool) -> str:
    if not has_scratch:
        return "skipped: no scratch filesystem could be mounted (needs root)"
    filler = day.scratch / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    time.sleep(full_s)
    backlog = day.unprinted()
    filler.unlink()
    seconds = day.wait_until(lambda: day.unprinted() == 0, 120)
    return f"full {full_s:.0f} s with {backlog} slips waiting; all printed {_s(seconds)} after"


def _s(seconds: float | None) -> str:
    return "NEVER (within the limit)" if seconds is None else f"{seconds:.1f} s"


# --- the checks -----------------------------------------------------------------------

def check(day: Day) -> list[tuple[str, bool, str]]:
    import psycopg

    url = day.environment["QUEUE_DATABASE_URL"].replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url) as connection:
        stored = dict(connection.execute("SELECT code, number FROM tickets").fetchall())
        twice = connection.execute(
            "SELECT issued_service_id, day, number, count(*) FROM tickets "
            "GROUP BY issued_service_id, day, number HAVING count(*) > 1").fetchall()
        jobs = connection.execute(
            "SELECT t.code, count(j.id), sum(CASE WHEN j.status = 'printed' THEN 1 ELSE 0 END)"
            " FROM tickets t LEFT JOIN print_jobs j ON j.ticket_id = t.id AND NOT j.is_reprint"
            " GROUP BY t.code").fetchall()
    acknowledged = day.ledger.acknowledged
    lost = [code for code in acknowledged if code not in stored]
    agent_log = (day.folder / "agent.log").read_text()
    printed = Counter(re.findall(r"printed ticket (\S+) \(job", agent_log))
    files = {path.stem for path in day.printed_dir.glob("*.bin")}
    unprinted = [code for code, count, done in jobs if count != 1 or done != 1]
    twice_printed = [number for number, times in printed.items() if times > 1]
    missing_files = sorted(set(stored.values()) - files)
    board = requests.get(day.urls[0] + API + "/board", timeout=10).json()
    truth = {row["counter"]: row["number"] for row in board["now_serving"]}
    displays = [(display.name, display.serving == truth and display.waiting == board["waiting"])
                for display in day.displays]
    return [
        ("no acknowledged ticket lost", not lost,
         f"{len(acknowledged)} acknowledged, {len(stored)} stored, {len(lost)} lost"),
        ("no number given twice", not twice, f"{len(twice)} duplicates"),
        ("every ticket printed exactly once", not unprinted and not twice_printed
         and not missing_files,
         f"{len(jobs)} tickets; {len(unprinted)} without exactly one printed job, "
         f"{len(twice_printed)} printed twice by the agent, {len(missing_files)} with no slip"),
        ("every display shows the database's board", all(ok for _name, ok in displays),
         ", ".join(f"{name}: {'same' if ok else 'DIFFERENT'}" for name, ok in displays)),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=8.0, help="length of the day")
    arguments = parser.parse_args()
    length = arguments.minutes * 60
    folder = Path(tempfile.mkdtemp(prefix="queue-soak-"))
    postgres, redis = PostgresCluster(), RedisServer()
    postgres.start()
    redis.start()
    day: Day | None = None
    has_scratch = False
    try:
        day = Day(folder, postgres, redis)
        day.scratch.mkdir()
        # Room for the day's slips (about 21 kB each, .bin and .png), until the filler comes.
        size_mb = max(64, int(arguments.minutes * 16))
        has_scratch = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs",
                                      str(day.scratch)], capture_output=True).returncode == 0
        day.printed_dir.mkdir()
        day.start_agent()
        for display in day.displays:
            display.start()
        people = [threading.Thread(target=day.kiosk, args=(index,)) for index in range(KIOSKS)]
        people += [threading.Thread(target=day.counter, args=(number,)) for number in range(1, 5)]
        people += [threading.Thread(target=day.phone, args=(index,)) for index in range(PHONES)]
        for person in people:
            person.start()
        started = time.monotonic()
        faults = [(0.12, "Redis restart", lambda: restart_redis(day)),
                  (0.28, "PostgreSQL restart", lambda: restart_postgres(day)),
                  (0.45, "server process SIGKILL", lambda: kill_a_server(day)),
                  (0.60, "printer away", lambda: printer_away(day, min(60.0, length * 0.12))),
                  (0.78, "scratch disk full", lambda: disk_full(day, min(30.0, length * 0.06),
                                                               has_scratch))]
        recoveries = []
        for share, name, fault in faults:
            time.sleep(max(0.0, started + share * length - time.monotonic()))
            log(f"fault: {name}")
            outcome = fault()
            log(f"  {outcome}")
            recoveries.append((name, outcome))
        time.sleep(max(0.0, started + length - time.monotonic()))
        log("end of the day: people go home")
        day.stop.set()
        for person in people:
            person.join(timeout=180)
        drained = day.wait_until(lambda: day.unprinted() == 0, 120)
        time.sleep(3)  # the last broadcasts reach the displays
        log(f"print queue drained {_s(drained)} after the last ticket")
        results = check(day)
        ledger = day.ledger
        print(f"\nSoak: {arguments.minutes:g}-minute day, 2 processes, PostgreSQL + Redis, "
              f"{KIOSKS} kiosks, 4 counters, 2 displays, {PHONES} phones, 1 printer")
        print(f"  tickets acknowledged {len(ledger.acknowledged)}, calls {ledger.calls}, "
              f"finished {ledger.finished}, no-shows {ledger.no_shows}, kiosk retries "
              f"{ledger.issue_retries}, presses given up {ledger.issue_given_up}, "
              f"phone lookups failed {ledger.phone_errors}")
        print("Recovery per fault:")
        for name, outcome in recoveries:
            print(f"  {name}: {outcome}")
        print("Checks:")
        for name, ok, detail in results:
            print(f"  [{'ok' if ok else 'FAIL'}] {name}: {detail}")
        return 0 if all(ok for _name, ok, _detail in results) else 1
    finally:
        if day is not None:
            day.stop.set()
            for display in day.displays:
                display.client.disconnect()
            if day.agent is not None:
                day.agent.terminate()
                day.agent.wait(timeout=20)
            for server in day.servers:
                server.stop()
        if has_scratch:
            subprocess.run(["umount", str(folder / "scratch")], check=False)
        redis.stop()
        postgres.remove()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
