"""Scale-out benchmark: 1, 2 and 4 server processes on PostgreSQL + Redis.

For each process count it starts that many `queue-server serve` processes sharing one fresh
PostgreSQL database (the machine's, on 127.0.0.1:5432) and Redis (a private channel), then
drives them with wrk (from Debian) on loopback: issuing tickets, then call-next, with the
connections spread evenly over the processes. Issuing runs twice: every process taking
tickets for every office (the worst case for each process's queue cache: the others change
its offices), then each office's requests on one process, as nginx's ip_hash does when each
office's devices share a subnet. It prints tickets per second and latency percentiles per
row, and for the office → process row where the machine's CPU went per ticket (from /proc):
the server processes, PostgreSQL, and the rest (Redis, wrk, the kernel). From the 1-process
row it prints the most N processes could reach on this machine if each cost what one does:
the cores left beside PostgreSQL and the rest bound it, whatever the server does. Then it
connects 2,000 Socket.IO board clients spread evenly over the processes and measures, as
bench/fanout.py does, the time from call-next on the first process to each client's receipt
of ticket_called (events between processes go through Redis).
Last, when 1 and 2 are among the counts, it runs 1 and 2 processes at once on separate
databases and alternates their issuing rows for a few rounds: the VM's speed drifts within
minutes, so the 2 : 1 ratio the target asks for is taken within each round.
Run: .venv/bin/python bench/scale.py [PROCESSES ...]   (default: 1 2 4)
     .venv/bin/python bench/scale.py --side-by-side   (the alternating comparison alone)
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fanout
from _server import _login, cli, office_toml, scale_out_environment, serving

OFFICES = [f"office-{index:02d}" for index in range(16)]
CONNECTIONS = 16
DURATION_S = 8
SIDE_BY_SIDE_ROUNDS = 4
FAN_OUT_OFFICE = "fanout"
FAN_OUT_CLIENTS = 2000
FAN_OUT_CALLS = 20


def wrk(script: str, urls: list[str], environment: dict | list[dict],
        seconds: int = DURATION_S) -> list[str]:
    """Run one wrk per server at once (one environment each, or one for all); outputs."""
    per_server = max(1, CONNECTIONS // len(urls))
    environments = environment if isinstance(environment, list) else [environment] * len(urls)
    runs = [subprocess.Popen(
        ["wrk", "-t", "1", "-c", str(per_server), "-d", f"{seconds}s", "--latency",
         "-s", str(Path(__file__).with_name(script)), url],
        env=env, stdout=subprocess.PIPE, text=True)
        for url, env in zip(urls, environments, strict=True)]
    return [run.communicate()[0] for run in runs]


def by_office(environment: dict, processes: int, tokens: list[str]) -> list[dict]:
    """One environment per server: each office's requests all go to one process."""
    return [{**environment, "OFFICES": ",".join(OFFICES[index::processes]),
             "TOKENS": ",".join(tokens[index::processes])} for index in range(processes)]


def rate(outputs: list[str]) -> float:
    return sum(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) for out in outputs)


def summary(outputs: list[str]) -> str:
    errors = sum(int(m.group(1)) for out in outputs
                 for m in [re.search(r"Non-2xx or 3xx responses: (\d+)", out)] if m)

    def worst(label: str) -> str:
        values = [re.search(rf"{label}\s+([\d.]+\w+)", out).group(1) for out in outputs]
        return max(values, key=_milliseconds)
    return (f"{rate(outputs):8.0f}/s   p50 {worst('50%'):>8}   p90 {worst('90%'):>8}   "
            f"p99 {worst('99%'):>8}   non-2xx {errors}")


def _milliseconds(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


@dataclass(frozen=True)
class Cpu:
    """CPU seconds used so far: the whole machine, the server processes, PostgreSQL."""

    machine: float
    servers: float
    postgres: float

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.machine - other.machine, self.servers - other.servers,
                   self.postgres - other.postgres)

    def per_ticket(self, tickets: float) -> str:
        rest = self.machine - self.servers - self.postgres
        return (f"CPU per ticket: servers {self.servers / tickets * 1000:.2f} ms, PostgreSQL "
                f"{self.postgres / tickets * 1000:.2f} ms, the rest (Redis, wrk, kernel) "
                f"{rest / tickets * 1000:.2f} ms")

    def ceiling(self) -> str:
        """What N processes could reach here if each cost what this one process did."""
        cores = os.cpu_count() or 1
        # One process is bound by its own core; N are bound by N of those or by the cores.
        bounds = [min(n, cores * self.servers / self.machine) for n in (2, 4)]
        return (f"on {cores} cores, PostgreSQL and the rest beside them, 2 processes can reach "
                f"at most x {bounds[0]:.2f} this rate, 4 at most x {bounds[1]:.2f}")


def cpu_now(server_pids: list[int]) -> Cpu:
    """The machine's busy CPU time, and that of the servers (with their workers) and
    PostgreSQL, read from /proc."""
    user, nice, system, _idle, _iowait, irq, softirq = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8])
    servers = sum(fanout.cpu_seconds(pid) + fanout.cpu_seconds(fanout.worker_pid(pid))
                  for pid in server_pids)
    postgres = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().startswith("postgres"):
                postgres += fanout.cpu_seconds(int(entry.name))
        except OSError:  # the process ended meanwhile
            continue
    machine = (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")
    return Cpu(machine, servers, postgres)


@dataclass
class Installation:
    """N server processes on one fresh database, with a kiosk and an officer per office."""

    environment: dict
    servers: list[subprocess.Popen]
    ports: list[int]
    kiosks: list[str]
    staff: list[str]

    @property
    def processes(self) -> int:
        return len(self.servers)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]


@contextmanager
def installation(processes: int) -> Iterator[Installation]:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "offices.toml"
        # The fan-out office takes no load from wrk, so its calls are the tickets just issued.
        config.write_text("\n".join(office_toml(slug) for slug in [*OFFICES, FAN_OUT_OFFICE]))
        environment = scale_out_environment(folder, config)
        cli(environment, "init")
        kiosks = [cli(environment, "device", "add", f"k-{slug}", "--kind", "kiosk",
                      "--office", slug) for slug in [*OFFICES, FAN_OUT_OFFICE]]
        for slug in [*OFFICES, FAN_OUT_OFFICE]:
            cli(environment, "user", "add", f"u-{slug}", "--role", "staff", "--office", slug,
                "--password-stdin", stdin="bench-password-123\n")
        with serving(environment, processes) as (servers, ports):
            staff = [_login(f"http://127.0.0.1:{ports[0]}", f"u-{slug}", "bench-password-123")
                     for slug in [*OFFICES, FAN_OUT_OFFICE]]
            yield Installation(environment, servers, ports, kiosks, staff)
        time.sleep(1)


def issue_by_office(site: Installation, seconds: int = DURATION_S) -> tuple[list[str], Cpu]:
    """Issue with each office's requests on one process; wrk's outputs and the CPU spent."""
    pids = [server.pid for server in site.servers]
    before = cpu_now(pids)
    outputs = wrk("wrk_issue.lua", site.urls,
                  by_office(site.environment, site.processes, site.kiosks[:-1]), seconds)
    return outputs, cpu_now(pids) - before


def print_cpu(spent: Cpu, outputs: list[str], processes: int) -> None:
    """Under an issuing row: CPU per ticket, and for one process the machine's ceiling."""
    tickets = sum(int(re.search(r"(\d+) requests in", out).group(1)) for out in outputs)
    print(f"{' ' * 24}{spent.per_ticket(tickets)}")
    if processes == 1:
        print(f"{' ' * 24}{spent.ceiling()}")


def run(processes: int) -> None:
    with installation(processes) as site:
        offices = ",".join(OFFICES)
        issue = wrk("wrk_issue.lua", site.urls, {**site.environment, "OFFICES": offices,
                                                 "TOKENS": ",".join(site.kiosks[:-1])})
        print(f"{processes} process(es)  issue      {summary(issue)}   (offices spread)")
        issue, spent = issue_by_office(site)
        print(f"{processes} process(es)  issue      {summary(issue)}   (office → process)")
        print_cpu(spent, issue, processes)
        calls = wrk("wrk_call.lua", site.urls, {**site.environment, "OFFICES": offices,
                                                "TOKENS": ",".join(site.staff[:-1])})
        print(f"{processes} process(es)  call-next  {summary(calls)}")
        spread = fan_out(site.ports, FAN_OUT_OFFICE, site.kiosks[-1], site.staff[-1],
                         site.servers[0].pid)
        print(f"{processes} process(es)  fan-out    {spread}", flush=True)


def side_by_side(rounds: int = SIDE_BY_SIDE_ROUNDS) -> None:
    """1 and 2 processes running at once, their issuing rows taking turns.

    The VM's speed drifts by a third within minutes, so rows measured minutes apart compare
    the machine with itself as much as the server. Each round runs one row of each, in
    alternating order, and the ratio is taken within the round.
    """
    print(f"\nside by side: 1 and 2 processes, issuing with each office on one process, "
          f"{rounds} rounds in alternating order")
    with installation(1) as one, installation(2) as two:
        for site in (one, two):
            issue_by_office(site, seconds=3)  # warm: pools, prepared statements, caches
        ratios = []
        for turn in range(rounds):
            rates = {}
            for site in (one, two) if turn % 2 == 0 else (two, one):
                issue, spent = issue_by_office(site)
                rates[site.processes] = rate(issue)
                print(f"round {turn + 1}  {site.processes} process(es)  {summary(issue)}")
                print_cpu(spent, issue, site.processes)
            ratios.append(rates[2] / rates[1])
            print(f"round {turn + 1}  ratio 2 : 1 = x {ratios[-1]:.2f}", flush=True)
        print(f"ratio 2 : 1 per round: {', '.join(f'x {r:.2f}' for r in ratios)}; "
              f"median x {statistics.median(ratios):.2f}")


def fan_out(ports: list[int], office: str, kiosk: str, staff: str, master_pid: int) -> str:
    """Call-next on the first process → ticket_called at every client, all processes."""
    fanout.OFFICE = office
    worker = fanout.worker_pid(master_pid)
    swarm = fanout.Swarm("127.0.0.1", ports[0], worker, ports)
    try:
        deadline = time.monotonic() + fanout.MAX_RUNTIME_S
        try:
            swarm.grow_to(FAN_OUT_CLIENTS, time.monotonic() + 120)
        except TimeoutError as error:
            print(f"  ({error}; measuring those)", flush=True)
        result = fanout.measure(swarm, fanout.Api(f"http://127.0.0.1:{ports[0]}"), kiosk,
                                staff, FAN_OUT_CALLS, deadline)
    finally:
        swarm.close()
    return (f"{result.clients} clients, {result.calls} calls, "
            f"missed {result.missed}: p50 {fanout.percentile(result.kernel_ms, 0.5):.1f} ms"
            f"   p99 {fanout.percentile(result.kernel_ms, 0.99):.1f} ms"
            f"   max {max(result.kernel_ms, default=float('nan')):.1f} ms")


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("bench/scale.py needs wrk (apt-get install wrk)")
    print(f"PostgreSQL + Redis, {len(OFFICES)} offices, {CONNECTIONS} connections, "
          f"{DURATION_S} s per row")
    fanout.raise_file_limit(FAN_OUT_CLIENTS * 2 + 256)
    arguments = sys.argv[1:]
    only_side_by_side = "--side-by-side" in arguments
    counts = [int(n) for n in arguments if n != "--side-by-side"] or [1, 2, 4]
    if not only_side_by_side:
        for processes in counts:
            run(processes)
    if only_side_by_side or {1, 2} <= set(counts):
        side_by_side()
    print("\ntargets (issue 8): issue rate at 2 processes >= 1.6 x 1 process; fan-out p99 "
          "< 100 ms at 2,000 clients")


if __name__ == "__main__":
    main()
