"""Two versions side by side in one run: issuing, call-next (with hundreds waiting too) and
call -> screen, measured on a server from each source tree in turn, rounds alternating.

The same benchmark code and the same installed libraries drive both trees; only the server's
source differs. Each round runs both trees back to back (the order flips every round) so a
noisy machine weighs on both alike; the table gives each figure's median over the rounds.

Usage: .venv/bin/python bench/compare.py --base 5339704 [--rounds 3] [--clients 500]
       [--calls 20] [--duration 4] [--only issue long-queue fanout]
       (--base takes a commit, checked out into a temporary worktree, or a tree's path)
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fanout
import issue_and_call
from _server import ROOT, running_server

OFFICES = issue_and_call.OFFICES[:8]
LONG_QUEUE = 400  # waiting in one office before the long-queue calls
LONG_QUEUE_CALLS = 60


def issue_rows(root: Path) -> dict[str, float]:
    """Issue with 1 and 8 clients, then call-next + finish from 6 counters."""
    figures = {}
    with running_server(OFFICES, root=root) as (base, kiosks, staff, _pid):
        for clients in (1, 8):
            def issuer(index: int):
                client, turns = issue_and_call.Client(base, "none"), itertools.count(index)

                def step() -> int:
                    slug = OFFICES[next(turns) % len(OFFICES)]
                    return client.post(f"/api/v1/offices/{slug}/tickets",
                                       {"service": f"s{index % 4}"}, kiosks[slug])
                return step
            count, elapsed, latencies, _errors = issue_and_call.load(clients, issuer)
            figures[f"issue, {clients} client(s): tickets/s"] = count / elapsed
            figures[f"issue, {clients} client(s): p50 ms"] = 1000 * statistics.median(latencies)

        def counter(index: int):
            client = issue_and_call.Client(base, staff[OFFICES[0]])
            path = f"/api/v1/offices/{OFFICES[0]}/counters/{index + 1}"

            def step() -> int:
                status = client.post(path + "/call-next")
                client.post(path + "/finish")
                return status
            return step
        count, elapsed, latencies, _errors = issue_and_call.load(6, counter)
        figures["call-next + finish, 6 counters: calls/s"] = count / elapsed
        figures["call-next + finish, 6 counters: p50 ms"] = 1000 * statistics.median(latencies)
    return figures


def long_queue_rows(root: Path) -> dict[str, float]:
    """One counter calling, one after another, from an office with hundreds waiting."""
    slug = OFFICES[0]
    with running_server([slug], root=root) as (base, kiosks, staff, _pid):
        kiosk = issue_and_call.Client(base, kiosks[slug])
        for index in range(LONG_QUEUE):
            status = kiosk.post(f"/api/v1/offices/{slug}/tickets", {"service": f"s{index % 2}"})
            assert status == 201
        client = issue_and_call.Client(base, staff[slug])
        latencies = []
        for _ in range(LONG_QUEUE_CALLS):
            started = time.perf_counter()
            assert client.post(f"/api/v1/offices/{slug}/counters/1/call-next") == 200
            latencies.append(time.perf_counter() - started)
    return {f"call-next, {LONG_QUEUE} waiting: p50 ms": 1000 * statistics.median(latencies),
            f"call-next, {LONG_QUEUE} waiting: p95 ms":
                1000 * issue_and_call.percentile(latencies, 0.95)}


def fanout_rows(root: Path, clients: int, calls: int) -> dict[str, float]:
    """call-next -> ticket_called at every board subscriber (bench/fanout.py's swarm)."""
    fanout.raise_file_limit(clients * 2 + 256)
    with running_server([fanout.OFFICE], root=root) as (base, kiosks, staff, pid):
        worker = fanout.worker_pid(pid)
        fanout.pin_apart(worker)
        host, port = base.split("//")[1].split(":")
        swarm = fanout.Swarm(host, int(port), worker)
        try:
            deadline = time.monotonic() + fanout.MAX_RUNTIME_S
            swarm.grow_to(clients, deadline)
            result = fanout.measure(swarm, fanout.Api(base), kiosks[fanout.OFFICE],
                                    staff[fanout.OFFICE], calls, deadline)
        finally:
            swarm.close()
    return {f"call -> screen, {clients} screens: p50 ms": fanout.percentile(result.kernel_ms, 0.5),
            f"call -> screen, {clients} screens: p99 ms": fanout.percentile(result.kernel_ms, 0.99),
            f"issue -> screen, {clients} screens: p50 ms": fanout.percentile(result.issue_ms, 0.5),
            f"call-next response with {clients} screens: p50 ms":
                fanout.percentile(result.response_ms, 0.5),
            "server CPU per call, ms": 1000 * result.server_cpu_s / max(result.calls, 1)}


def measure(root: Path, arguments: argparse.Namespace) -> dict[str, float]:
    parts = {"issue": lambda: issue_rows(root), "long-queue": lambda: long_queue_rows(root),
             "fanout": lambda: fanout_rows(root, arguments.clients, arguments.calls)}
    figures = {}
    for name in arguments.only or parts:
        figures.update(parts[name]())
    return figures


@contextmanager
def source_tree(base: str):
    """A tree's path as given, or the commit checked out into a temporary worktree."""
    if Path(base).is_dir():
        yield Path(base).resolve()
        return
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), base],
                       check=True, capture_output=True)
        try:
            yield tree
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           check=False, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="a commit or a source tree's path")
    parser.add_argument("--head", default=str(ROOT), help="the tree to compare (this one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=500, help="board subscribers")
    parser.add_argument("--calls", type=int, default=20, help="calls per fan-out round")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per load row")
    parser.add_argument("--only", nargs="+", choices=["issue", "long-queue", "fanout"],
                        help="measure these parts only (default: all)")
    arguments = parser.parse_args()
    issue_and_call.DURATION_S = arguments.duration
    head = Path(arguments.head).resolve()
    commits = {}
    with source_tree(arguments.base) as base:
        trees = {"base": base, "head": head}
        for name, tree in trees.items():
            commits[name] = subprocess.run(
                ["git", "-C", str(tree), "describe", "--always", "--dirty"],
                capture_output=True, text=True, check=False).stdout.strip()
        print(f"base {commits['base']} ({base})  vs  head {commits['head']} ({head}); "
              f"{arguments.rounds} round(s), load average {os.getloadavg()[0]:.1f}",
              flush=True)
        figures: dict[str, dict[str, list[float]]] = {"base": {}, "head": {}}
        for round_number in range(arguments.rounds):
            order = ["base", "head"] if round_number % 2 == 0 else ["head", "base"]
            for name in order:
                for key, value in measure(trees[name], arguments).items():
                    figures[name].setdefault(key, []).append(value)
                print(f"  round {round_number + 1}: {name} done", flush=True)
    print(f"\n{'median over rounds':<48} {'base':>9} {'head':>9} {'head/base':>9}")
    for key in figures["base"]:
        before = statistics.median(figures["base"][key])
        after = statistics.median(figures["head"][key])
        print(f"{key:<48} {before:9.1f} {after:9.1f} {after / before if before else 0:9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
