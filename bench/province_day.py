"""A province's day, measured: 150 offices on PostgreSQL + Redis with two server processes.

The province (bench/_province.py): one centre (30 counters), 10 branches (14 each) and 139
communes (one or two each), 400 counters in all, sharing six service codes. Its day is 60,000
tickets over the opening hours 07:30-11:30 and 13:30-17:00 with a morning peak around 09:00.
The bench replays a window of that day (07:30-10:00 by default: the opening and the peak, half
the day's tickets) at 20 times its speed, on today's clock (every office is open all day in the
file, so the replay runs at any hour):

- each office's kiosks (one per 8 counters) issue its tickets at their moments;
- each counter's officer calls the next ticket when the office's board shows one waiting for
  the counter's services, serves it (150 s of the day on average), and finishes it, or, for 5%,
  recalls it and marks a no-show;
- two TV displays per office (300) follow its board over Socket.IO; 2,000 phones follow
  tickets over Socket.IO, each taking the next ticket issued once its own is called;
- 1,000 phones have "where to go now" open (`GET /api/v1/waits?service=…`), refreshed every
  30 s of the day as the /province page does, each at its own moment: 20 times as often in
  the replay, like everything else (a 404 there is counted apart, as "waits API absent").

As nginx's ip_hash does for an office's devices on one subnet, an office's kiosks, counters
and displays all use one process (office by office in turn); phones use either. Counters and
kiosk devices are seeded straight into the database (one password hash, tokens as a login
would store them), not through 400 logins.

It prints issue and call-next p50/p99, call -> screen and call -> phone p50/p99 (from sending
call-next to the kernel's receipt stamp of ticket_called at each display, ticket_updated at
the phone), errors by kind, the servers' CPU and memory, and the load generator's own CPU,
after the day's calibration row (bench/issue_and_call.py's). The load is one asyncio loop
for HTTP and one epoll swarm (bench/fanout.py's) for the WebSockets, in this one process.

Run: .venv/bin/python bench/province_day.py [--window 07:30-10:00] [--speed 20]
     [--tickets 60000] [--poll-every 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import secrets
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import itertools

import fanout
import issue_and_call
import scale
from _province import (
    Arrival,
    OfficePlan,
    clock_of,
    day_arrivals,
    office_file,
    province_offices,
    seconds_of,
)
from _server import cli, drop_database, scale_out_environment, serving
from fanout import percentile

PROCESSES = 2
DISPLAYS_PER_OFFICE = 2
PHONES = 2000
WAITS_PHONES = 1000
SERVICE_MEAN_S = 150.0  # of the day, per citizen at the counter; at least MIN_SERVICE_S
MIN_SERVICE_S = 30.0
WALK_TO_COUNTER_S = 60.0  # of the day: how long an officer waits after a recall
NO_SHOW_SHARE = 0.05
PHASE_S = 1800  # of the day: the figures are also printed per half-hour
IDLE_CHECK_S = 0.25  # wall: how often an idle officer looks at the board
IDLE_TRY_S = 600.0  # of the day: an idle officer presses call-next anyway this often
KEEPALIVE_S = 3.0  # wall: reopen a connection idle longer (gunicorn closes it at 5 s)
SETTLE_S = 3.0
QUIET_S = 5.0  # before the day: how busy the machine is without the day's load
TARGETS = {"errors": 0, "call_screen_p99_ms": 250.0, "issue_p99_ms": 150.0}


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


# ---------------------------------------------------------------- HTTP on asyncio

class Http:
    """One keep-alive HTTP/1.1 connection on asyncio streams."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    async def request(self, method: str, path: str, token: str | None = None,
                      body: dict | None = None) -> tuple[int, object]:
        """Status and decoded JSON (None when empty); network faults raise OSError/EOFError.

        A GET on a kept-alive connection that the server closed meanwhile is sent again on a
        new one, as browsers do; a POST is not (it might have been done).
        """
        is_reused = self.writer is not None
        try:
            return await self._request(method, path, token, body)
        except (ConnectionError, EOFError):
            if method != "GET" or not is_reused:
                raise
            return await self._request(method, path, token, body)

    async def _request(self, method: str, path: str, token: str | None,
                       body: dict | None) -> tuple[int, object]:
        if self.writer is None or time.monotonic() - self.used > KEEPALIVE_S:
            self.close()
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        data = b"" if body is None else json.dumps(body).encode()
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(data)}\r\n"
                + ("Content-Type: application/json\r\n" if body is not None else "")
                + (f"Authorization: Bearer {token}\r\n" if token else "") + "\r\n")
        try:
            self.writer.write(head.encode() + data)
            await self.writer.drain()
            status, length, closing = await self._head(self.reader)
            payload = await self.reader.readexactly(length) if length else b""
        except BaseException:
            self.close()
            raise
        self.used = time.monotonic()
        if closing:
            self.close()
        return status, json.loads(payload) if payload else None

    @staticmethod
    async def _head(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
        line = await reader.readline()
        if not line:
            raise ConnectionError("the server closed the connection")
        status, length, closing = int(line.split()[1]), 0, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection":
                closing = "close" in value.lower()
            elif name == "transfer-encoding":
                raise ConnectionError("a chunked answer: not expected from the API")
        return status, length, closing

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# ---------------------------------------------------------------- the WebSockets

class DaySwarm(fanout.Swarm):
    """The displays and the phones: their events go to the day's ledger."""

    def __init__(self, day: Day, ports: list[int]) -> None:
        super().__init__("127.0.0.1", ports[0], 0, ports)
        self.day = day
        self.displays: dict[int, str] = {}  # descriptor -> office slug
        self.following: dict[int, str] = {}  # phone descriptor -> ticket code
        self.free_phones: list[fanout.Client] = []
        self.leaving: list[int] = []  # phones whose ticket was just called

    def connect(self, displays: list[tuple[int, str]], phones: list[int],
                deadline: float) -> None:
        """Open the displays (port, office) subscribed to their boards, then the phones."""
        pending: list[tuple[int, str | None]] = [*displays, *((port, None) for port in phones)]
        pending.reverse()
        while pending or self.ready < len(self.clients):
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.ready} of {len(displays) + len(phones)} "
                                   f"WebSockets connected")
            for _ in range(max(0, min(fanout.SETUP_WINDOW - (len(self.clients) - self.ready),
                                      len(pending)))):
                port, office = pending.pop()
                board = b"" if office is None else fanout.client_frame(
                    '420["subscribe",' + json.dumps({"office": office, "channel": "board"})
                    + "]")
                client = self._open(port, board)
                if office is None:
                    self.free_phones.append(client)
                else:
                    self.displays[client.sock.fileno()] = office
            self.pump(0.05)

    def follow(self, code: str) -> None:
        """A free phone opens this ticket's page (none free: nobody follows it)."""
        # The newest phones may still be connecting: take the latest one that is ready.
        for position in range(len(self.free_phones) - 1, -1, -1):
            phone = self.free_phones[position]
            if phone.stage == "ready":
                del self.free_phones[position]
                self.following[phone.sock.fileno()] = code
                phone.sock.sendall(fanout.client_frame(
                    '42["subscribe",' + json.dumps({"channel": "ticket", "code": code}) + "]"))
                return

    def pump(self, timeout: float) -> None:
        super().pump(timeout)
        for descriptor in self.leaving:
            self.next_citizen(descriptor)
        self.leaving.clear()

    def next_citizen(self, descriptor: int) -> None:
        """The citizen was called and closes the page; another phone comes in its place."""
        del self.following[descriptor]
        self.poller.unregister(descriptor)
        self.clients.pop(descriptor).sock.close()
        self.free_phones.append(self._open(self.day.rng.choice(self.ports), b""))
        self.day.phones_opened += 1

    def _on_event(self, descriptor: int, packet: bytes, kernel_ns: int, user_ns: int) -> None:
        name, payload = json.loads(packet[2:])[:2]
        office = self.displays.get(descriptor)
        if office is not None:
            if isinstance(payload.get("waiting"), dict):
                self.day.waiting[office] = payload["waiting"]
            if name == "ticket_called" and not payload.get("is_recall"):
                self.day.screens.append((payload["office"], payload["number"], kernel_ns))
        elif name == "ticket_updated" and payload.get("status") == "called":
            self.day.phone_seen.setdefault(payload["code"], kernel_ns)
            if self.following.get(descriptor) == payload["code"]:
                self.leaving.append(descriptor)  # after this read: its buffer may hold more

    def _read(self, descriptor: int, client: fanout.Client) -> None:
        try:
            super()._read(descriptor, client)
        except (ConnectionError, OSError) as error:
            self.day.errors[f"WebSocket lost ({type(error).__name__})"] += 1
            self.poller.unregister(descriptor)
            client.sock.close()
            del self.clients[descriptor]
            self.following.pop(descriptor, None)


# ---------------------------------------------------------------- the day

@dataclass
class Call:
    """A call-next answered with a ticket."""

    code: str
    sent_ns: int
    day_at: float


@dataclass
class Day:
    """The province's people, and what they saw."""

    offices: list[OfficePlan]
    kiosks: dict[str, list[str]]
    officers: dict[str, list[str]]
    ports: list[int]
    start_s: float
    end_s: float
    speed: float
    poll_every_s: float
    rng: random.Random = field(default_factory=lambda: random.Random(2))
    started: float = 0.0
    is_over: bool = False
    waiting: dict[str, dict] = field(default_factory=dict)
    issues: list[tuple[float, float]] = field(default_factory=list)  # (day moment, ms)
    call_ms: list[tuple[float, float]] = field(default_factory=list)
    calls: dict[tuple[str, str], Call] = field(default_factory=dict)  # (office, number)
    screens: list[tuple[str, str, int]] = field(default_factory=list)  # office, number, ns
    phone_seen: dict[str, int] = field(default_factory=dict)  # ticket code -> ns
    polls: list[float] = field(default_factory=list)
    waits_absent: int = 0
    finished: int = 0
    no_shows: int = 0
    offered_tickets: int = 0  # the window's arrivals
    phones_opened: int = 0  # ticket pages opened during the day (a WebSocket each)
    behind_s: float = 0.0  # how late the latest kiosk press was against its moment
    loop_lag_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    swarm: DaySwarm | None = None

    def port_of(self, index: int) -> int:
        return self.ports[index % len(self.ports)]

    def wall_at(self, moment: float) -> float:
        return self.started + (moment - self.start_s) / self.speed

    def moment(self) -> float:
        """Now, in the replayed day's seconds after midnight."""
        return self.start_s + (time.monotonic() - self.started) * self.speed

    async def sleep_day(self, seconds: float) -> None:
        await asyncio.sleep(seconds / self.speed)

    async def kiosk(self, index: int, token: str, arrivals: list[Arrival]) -> None:
        office = self.offices[index].slug
        http = Http(self.port_of(index))
        for arrival in arrivals:
            delay = self.wall_at(arrival.at) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.behind_s = max(self.behind_s, -delay)
            if self.is_over:
                break
            started = time.perf_counter()
            try:
                status, ticket = await http.request(
                    "POST", f"/api/v1/offices/{office}/tickets", token,
                    {"service": arrival.service})
            except (OSError, EOFError) as error:
                self.errors[f"issue: {type(error).__name__}"] += 1
                continue
            if status != 201 or not isinstance(ticket, dict):
                self.errors[f"issue: HTTP {status}"] += 1
                continue
            self.issues.append((arrival.at, (time.perf_counter() - started) * 1000))
            assert self.swarm is not None
            self.swarm.follow(ticket["code"])

    async def counter(self, index: int, number: int, token: str) -> None:
        office = self.offices[index]
        served = office.counters[number - 1]
        http = Http(self.port_of(index))
        path = f"/api/v1/offices/{office.slug}/counters/{number}"
        await asyncio.sleep(self.rng.uniform(0, IDLE_CHECK_S))
        while not self.is_over:
            await self._until_someone_waits(office.slug, served)
            if self.is_over:
                return
            called = await self._post(http, path + "/call-next", token, "call-next")
            if not isinstance(called, dict):  # nobody left for it, or an error
                await asyncio.sleep(IDLE_CHECK_S * 2)
                continue
            await self.sleep_day(max(MIN_SERVICE_S, self.rng.expovariate(1 / SERVICE_MEAN_S)))
            if self.rng.random() < NO_SHOW_SHARE:
                await self._post(http, path + "/recall", token, "recall")
                await self.sleep_day(WALK_TO_COUNTER_S)
                if await self._post(http, path + "/no-show", token, "no-show") is not None:
                    self.no_shows += 1
            elif await self._post(http, path + "/finish", token, "finish") is not None:
                self.finished += 1

    async def _until_someone_waits(self, office: str, served: tuple[str, ...]) -> None:
        """As an officer watches the console: return when the board shows a ticket waiting
        for this counter (or every IDLE_TRY_S of the day anyway, in case an event was missed)."""
        give_up = time.monotonic() + IDLE_TRY_S / self.speed
        while not self.is_over and time.monotonic() < give_up:
            waiting = self.waiting.get(office) or {}
            for code in served:
                if waiting.get(code):
                    # The console shows it taken: the office's other idle officers do not
                    # all press for the same citizen.
                    waiting[code] -= 1
                    return
            await asyncio.sleep(IDLE_CHECK_S)

    async def _post(self, http: Http, path: str, token: str, what: str) -> object:
        """POST an officer's action; the answer's JSON (None on 204 or an error)."""
        sent_ns, started, moment = time.time_ns(), time.perf_counter(), self.moment()
        try:
            status, answer = await http.request("POST", path, token)
        except (OSError, EOFError) as error:
            self.errors[f"{what}: {type(error).__name__}"] += 1
            return None
        if what == "call-next" and status in (200, 204):
            self.call_ms.append((moment, (time.perf_counter() - started) * 1000))
            if status == 200 and isinstance(answer, dict):
                office = path.split("/")[4]
                self.calls[(office, answer["number"])] = Call(answer["code"], sent_ns, moment)
            return answer
        if status != 200:
            self.errors[f"{what}: HTTP {status}"] += 1
            return None
        return answer

    async def phone_polling(self, service_codes: list[str], weights: list[float]) -> None:
        """A phone on "where to go now": a look every poll_every_s of the day."""
        http = Http(self.rng.choice(self.ports))
        await self.sleep_day(self.rng.uniform(0, self.poll_every_s))
        while not self.is_over:
            service = self.rng.choices(service_codes, weights=weights)[0]
            started = time.perf_counter()
            try:
                status, _answer = await http.request("GET", f"/api/v1/waits?service={service}")
            except (OSError, EOFError) as error:
                self.errors[f"waits: {type(error).__name__}"] += 1
                status = 0
            if status == 200:
                self.polls.append((time.perf_counter() - started) * 1000)
            elif status == 404:
                self.waits_absent += 1
            elif status:
                self.errors[f"waits: HTTP {status}"] += 1
            await self.sleep_day(self.poll_every_s)

    async def measure_loop_lag(self) -> None:
        """How late this process's loop wakes up: the load generator's own delay."""
        while not self.is_over:
            expected = time.perf_counter() + 0.1
            await asyncio.sleep(0.1)
            self.loop_lag_ms.append((time.perf_counter() - expected) * 1000)


# ---------------------------------------------------------------- set-up

def network_keys_known() -> bool:
    """Whether this tree's office file takes kind, area, address, location and [province]."""
    from queue_server.setup.office_file import OfficeConfigError, parse_office_document

    sample = province_offices()[:1]
    import tomllib

    try:
        parse_office_document(tomllib.loads(office_file(sample, network_keys=True)))
    except OfficeConfigError:
        return False
    return True


def seed_people(database_url: str, offices: list[OfficePlan]
                ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Kiosk tokens and one officer's token per counter, by office, in one transaction.

    One password hash serves every officer (they never log in here), and each officer's
    token is stored as a login stores it: 400 logins would spend a minute on Argon2.
    """
    from sqlalchemy import select

    from queue_server.core.clock import utc_now
    from queue_server.core.db import make_engine, make_session_factory
    from queue_server.models import ApiToken, DeviceKind, Office, Role, User
    from queue_server.security.hashing import hash_password
    from queue_server.security.tokens import USER_TOKEN_PREFIX, add_device, hash_token

    engine = make_engine(database_url)
    now, password_hash = utc_now(), hash_password(secrets.token_urlsafe(16))
    kiosks: dict[str, list[str]] = {}
    officers: dict[str, list[str]] = {}
    try:
        with make_session_factory(engine)() as session:
            stored = {office.slug: office for office in session.scalars(select(Office))}
            for plan in offices:
                office = stored[plan.slug]
                kiosks[plan.slug] = [add_device(session, f"kiosk-{index}", DeviceKind.KIOSK,
                                                office, now=now)[1]
                                     for index in range(1, plan.kiosks + 1)]
                users = [User(username=f"{plan.slug}-{number}", role=Role.STAFF,
                              office_id=office.id, password_hash=password_hash, created_at=now,
                              full_name=f"Cán bộ quầy {number}")
                         for number in range(1, len(plan.counters) + 1)]
                session.add_all(users)
                session.flush()
                tokens = [USER_TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in users]
                session.add_all(ApiToken(user_id=user.id, token_hash=hash_token(token),
                                         created_at=now, expires_at=now + timedelta(hours=12))
                                for user, token in zip(users, tokens, strict=True))
                officers[plan.slug] = tokens
            session.commit()
    finally:
        engine.dispose()
    return kiosks, officers


def processes_cpu() -> dict[int, tuple[str, float]]:
    """Every process's CPU seconds so far, named by command and working folder."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
            name += f" in {os.readlink(entry / 'cwd')}" if name.startswith("python") else ""
            found[int(entry.name)] = (name, fanout.cpu_seconds(int(entry.name)))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def others_busiest(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]],
                   mine: set[int], wall: float) -> str:
    """The other processes that took the most CPU over the day (processes that ended
    meanwhile are not seen)."""
    spent: Counter = Counter()
    for pid, (name, seconds) in after.items():
        if pid not in mine and not name.startswith("postgres"):
            spent[name] += seconds - before.get(pid, (name, 0.0))[1]
    cores = os.cpu_count() or 1
    return ", ".join(f"{name} {seconds / wall / cores:.0%}"
                     for name, seconds in spent.most_common(4) if seconds > 0.01 * wall)


# ---------------------------------------------------------------- the run

async def replay(day: Day, arrivals: list[Arrival], swarm: DaySwarm,
                 server_pids: list[int]) -> list[tuple[str, scale.Cpu]]:
    """Run the window; the machine's CPU counters at each half-hour of the day."""
    from _province import SERVICES

    loop = asyncio.get_running_loop()
    loop.add_reader(swarm.poller.fileno(), swarm.drain)
    day.started = time.monotonic()
    tasks = [asyncio.create_task(day.measure_loop_lag())]
    for index, office in enumerate(day.offices):
        mine = [arrival for arrival in arrivals if arrival.office == index]
        for turn, token in enumerate(day.kiosks[office.slug]):
            tasks.append(asyncio.create_task(day.kiosk(index, token, mine[turn::len(
                day.kiosks[office.slug])])))
        for number, token in enumerate(day.officers[office.slug], 1):
            tasks.append(asyncio.create_task(day.counter(index, number, token)))
    codes = [code for code, _name, _share in SERVICES]
    weights = [share for _code, _name, share in SERVICES]
    tasks += [asyncio.create_task(day.phone_polling(codes, weights))
              for _ in range(WAITS_PHONES)]
    samples = [(clock_of(day.start_s), scale.cpu_now(server_pids))]
    moment = day.start_s
    while moment < day.end_s:
        moment = min(day.end_s, (moment // PHASE_S + 1) * PHASE_S)
        await asyncio.sleep(max(0.0, day.wall_at(moment) - time.monotonic()))
        samples.append((clock_of(moment), scale.cpu_now(server_pids)))
        log(f"{clock_of(moment)} of the day: {len(day.issues)} issued, {len(day.calls)} "
            f"called, {sum(day.errors.values())} errors")
    day.is_over = True
    await asyncio.sleep(SETTLE_S)  # the last calls reach the screens
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    loop.remove_reader(swarm.poller.fileno())
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", default="07:30-10:00", help="the part of the day replayed")
    parser.add_argument("--speed", type=float, default=20.0, help="times faster than real")
    parser.add_argument("--tickets", type=int, default=60000, help="the whole day's tickets")
    parser.add_argument("--poll-every", type=float, default=30.0,
                        help="seconds of the day between a phone's looks at the waits API")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    run_started = time.monotonic()
    start_s, end_s = (seconds_of(clock) for clock in arguments.window.split("-"))
    offices = province_offices(seed=arguments.seed)
    everyone = day_arrivals(offices, arguments.tickets, seed=arguments.seed)
    arrivals = [arrival for arrival in everyone if start_s <= arrival.at < end_s]
    kinds = Counter(office.kind for office in offices)
    counters = sum(len(office.counters) for office in offices)
    kiosk_count = sum(office.kiosks for office in offices)
    print(f"A province's day: {len(offices)} offices ({kinds['centre']} centre, "
          f"{kinds['branch']} branches, {kinds['commune']} communes), {counters} counters, "
          f"{kiosk_count} kiosks, {len(offices) * DISPLAYS_PER_OFFICE} displays, {PHONES} "
          f"phones following tickets, {WAITS_PHONES} phones on the waits API; {PROCESSES} "
          f"server processes on PostgreSQL + Redis; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at start", flush=True)
    calibration = issue_and_call.calibrate()
    print(f"Replayed: {arguments.window} of a {arguments.tickets:,}-ticket day "
          f"({len(arrivals):,} tickets, {len(arrivals) / len(everyone):.1%} of the day) at "
          f"{arguments.speed:g}x: {(end_s - start_s) / arguments.speed:.0f} s; phones look "
          f"at the waits every {arguments.poll_every:g} s of the day", flush=True)
    fanout.raise_file_limit(2 * (PHONES + WAITS_PHONES + counters + kiosk_count) + 1024)
    has_network_keys = network_keys_known()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "province.toml"
        config.write_text(office_file(offices, network_keys=has_network_keys))
        environment = scale_out_environment(folder, config)
        cli(environment, "init")
        kiosks, officers = seed_people(environment["QUEUE_DATABASE_URL"], offices)
        log(f"office file ({'with' if has_network_keys else 'without'} the network keys), "
            f"init and seeding done")
        with serving(environment, PROCESSES, folder) as (servers, ports):
            day = Day(offices, kiosks, officers, ports, start_s, end_s, arguments.speed,
                      arguments.poll_every)
            swarm = DaySwarm(day, ports)
            day.swarm, day.offered_tickets = swarm, len(arrivals)
            displays = [(day.port_of(index), office.slug)
                        for index, office in enumerate(offices)
                        for _ in range(DISPLAYS_PER_OFFICE)]
            phone_rng = random.Random(arguments.seed)
            swarm.connect(displays, [phone_rng.choice(ports) for _ in range(PHONES)],
                          time.monotonic() + 180)
            log(f"{swarm.ready} WebSockets connected")
            idle = scale.cpu_now([])
            quiet_until = time.monotonic() + QUIET_S
            while time.monotonic() < quiet_until:  # the WebSockets answer pings, nothing else
                swarm.pump(0.1)
            idle = scale.cpu_now([]) - idle
            log(f"the machine before the day starts: {idle.machine / QUIET_S / os.cpu_count():.0%} "
                f"busy (other processes, PostgreSQL, idle WebSockets); the day starts")
            pids = [server.pid for server in servers]
            before, everyone_before = resource.getrusage(resource.RUSAGE_SELF), processes_cpu()
            samples = asyncio.run(replay(day, arrivals, swarm, pids))
            after = resource.getrusage(resource.RUSAGE_SELF)
            mine = {os.getpid(), *pids, *(fanout.worker_pid(pid) for pid in pids)}
            others = others_busiest(everyone_before, processes_cpu(), mine,
                                    (end_s - start_s) / arguments.speed)
            memory = [fanout.memory_mb(fanout.worker_pid(pid)) for pid in pids]
            swarm.close()
            load_s = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            report(day, samples, load_s, memory, calibration)
            print(f"other processes on the machine meanwhile: {others or 'none busy'}")
        logged = [line for path in sorted(Path(folder).glob("server-*.log"))
                  for line in path.read_text().splitlines()]
        drop_database(environment["QUEUE_DATABASE_URL"])
    errors = [index for index, line in enumerate(logged) if " ERROR " in line]
    if errors:
        # The logged line and the exception that ends its traceback.
        end = next((index for index in range(errors[0] + 1, len(logged))
                    if logged[index] and not logged[index][0].isspace()
                    and not logged[index].startswith("Traceback")), len(logged))
        print(f"server logs: {len(errors)} errors; the first: {logged[errors[0]]}\n  "
              f"{logged[end] if end < len(logged) else ''}")
    print(f"run took {(time.monotonic() - run_started) / 60:.1f} min")
    return 0


# ---------------------------------------------------------------- the figures

def report(day: Day, samples: list[tuple[str, scale.Cpu]], load_s: float,
           memory: list[tuple[float, float]], calibration: float) -> None:
    sent = {(office, number): call for (office, number), call in day.calls.items()}
    screen_ms: list[tuple[float, float]] = []
    seen: Counter = Counter()
    for office, number, kernel_ns in day.screens:
        call = sent.get((office, number))
        if call is not None:
            screen_ms.append((call.day_at, (kernel_ns - call.sent_ns) / 1e6))
            seen[(office, number)] += 1
    missed = sum(max(0, DISPLAYS_PER_OFFICE - seen[key]) for key in sent)
    phone_ms = [(day.phone_seen[call.code] - call.sent_ns) / 1e6 for call in sent.values()
                if call.code in day.phone_seen]
    cores = os.cpu_count() or 1
    print(f"\n{'day time':<13} {'issued':>6} {'issue p99':>9} {'calls':>6} {'call p99':>8} "
          f"{'screen p50':>10} {'screen p99':>10} | machine busy   servers  PostgreSQL")
    for (start, first), (end, last) in itertools.pairwise(samples):
        spent = last - first

        def within(rows: list[tuple[float, float]], start: str = start,
                   end: str = end) -> list[float]:
            return [ms for at, ms in rows if seconds_of(start) <= at < seconds_of(end)]
        issued, called, screens = within(day.issues), within(day.call_ms), within(screen_ms)
        wall = (seconds_of(end) - seconds_of(start)) / day.speed
        print(f"{start}-{end:<7} {len(issued):6d} {percentile(issued, 0.99):9.1f} "
              f"{len(called):6d} {percentile(called, 0.99):8.1f} "
              f"{percentile(screens, 0.5):10.1f} {percentile(screens, 0.99):10.1f} | "
              f"{spent.machine / wall / cores:11.0%} {spent.servers / wall / cores:9.0%} "
              f"{spent.postgres / wall / cores:10.0%}")
    issues = [ms for _at, ms in day.issues]
    calls = [ms for _at, ms in day.call_ms]
    screens = [ms for _at, ms in screen_ms]
    total = samples[-1][1] - samples[0][1]
    wall = (day.end_s - day.start_s) / day.speed
    errors = sum(day.errors.values()) + missed
    print(f"\nissue      {len(issues):7d}  p50 {percentile(issues, 0.5):6.1f} ms  p99 "
          f"{percentile(issues, 0.99):6.1f} ms  (kiosks at most {day.behind_s:.1f} s behind "
          f"their moments)")
    print(f"call-next  {len(calls):7d}  p50 {percentile(calls, 0.5):6.1f} ms  p99 "
          f"{percentile(calls, 0.99):6.1f} ms  ({len(day.calls)} called, {day.finished} "
          f"finished, {day.no_shows} no-shows)")
    print(f"call→screen {len(screens):6d}  p50 {percentile(screens, 0.5):6.1f} ms  p99 "
          f"{percentile(screens, 0.99):6.1f} ms  max {max(screens, default=float('nan')):.1f}"
          f" ms  (missed {missed})")
    print(f"call→phone {len(phone_ms):7d}  p50 {percentile(phone_ms, 0.5):6.1f} ms  p99 "
          f"{percentile(phone_ms, 0.99):6.1f} ms")
    if day.polls or not day.waits_absent:
        print(f"waits API  {len(day.polls):7d}  p50 {percentile(day.polls, 0.5):6.1f} ms  "
              f"p99 {percentile(day.polls, 0.99):6.1f} ms")
    if day.waits_absent:
        print(f"waits API absent: {day.waits_absent} looks answered 404 (not counted as errors)")
    print(f"errors     {errors}" + (": " + ", ".join(
        f"{what} x{count}" for what, count in day.errors.most_common()) if day.errors else "")
        + (f", screens missed x{missed}" if missed else ""))
    actions = day.finished + day.no_shows * 2
    requests = len(issues) + len(calls) + actions + len(day.polls) + day.waits_absent
    print(f"requests per second: issue {len(issues) / wall:.1f}, call-next {len(calls) / wall:.1f}"
          f" ({(len(calls) - len(day.calls)) / wall:.1f} of them answered 204), finish, recall "
          f"and no-show {actions / wall:.1f}, waits "
          f"{(len(day.polls) + day.waits_absent) / wall:.1f}, ticket pages opened (WebSocket "
          f"and subscription) {day.phones_opened / wall:.1f}; HTTP all told "
          f"{requests / wall:.0f}")
    print(f"CPU over the day, share of {cores} cores: machine busy "
          f"{total.machine / wall / cores:.0%}; servers {total.servers / wall / cores:.0%} "
          f"({total.servers / max(1, requests) * 1000:.1f} ms per HTTP request, the "
          f"WebSockets' share included), PostgreSQL {total.postgres / wall / cores:.0%}, this load "
          f"generator {load_s / wall / cores:.0%}, the rest (Redis, kernel, other processes) "
          f"{(total.machine - total.servers - total.postgres - load_s) / wall / cores:.0%}")
    print("memory: " + ", ".join(f"worker {index + 1} RSS {rss:.0f} MB (peak {peak:.0f})"
                                 for index, (rss, peak) in enumerate(memory)))
    print(f"load generator loop lag p99 {percentile(day.loop_lag_ms, 0.99):.1f} ms, "
          f"max {max(day.loop_lag_ms, default=float('nan')):.1f} ms; calibration "
          f"{calibration:,.0f}/s")
    verdicts = [("0 errors", errors == TARGETS["errors"]),
                ("call→screen p99 < 250 ms", percentile(screens, 0.99)
                 < TARGETS["call_screen_p99_ms"]),
                ("issue p99 < 150 ms", percentile(issues, 0.99) < TARGETS["issue_p99_ms"])]
    print("targets: " + "; ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in verdicts))
    if not all(ok for _name, ok in verdicts):
        busiest = max(itertools.pairwise(samples),
                      key=lambda pair: (pair[1][1] - pair[0][1]).machine)
        (start, first), (end, last) = busiest
        phase_wall = (seconds_of(end) - seconds_of(start)) / day.speed
        print(f"what limits it: the busiest half-hour ({start}-{end}) kept the machine "
              f"{(last - first).machine / phase_wall / cores:.0%} busy")
        # What the replay asked for: each ticket issued, called and finished, and every
        # phone's look at its moment; at the cost per request the servers showed.
        looks = WAITS_PHONES * (day.end_s - day.start_s) / day.poll_every_s
        offered = (3 * day.offered_tickets + looks) / wall
        print(f"  the replay asked for {day.offered_tickets:,} tickets ({len(issues):,} issued) "
              f"and {looks:,.0f} looks at the waits ({len(day.polls) + day.waits_absent:,} "
              f"made): about {offered:.0f} HTTP requests/s; at "
              f"{total.servers / max(1, requests) * 1000:.1f} ms each the servers alone would "
              f"need {offered * total.servers / max(1, requests):.1f} of the {cores} cores")


if __name__ == "__main__":
    sys.exit(main())
