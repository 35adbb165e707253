"""let_others_run: under gevent, other greenlets run between the steps of a long task."""

from __future__ import annotations

import itertools
import subprocess
import sys

from queue_server.core.greenlets import let_others_run

# A long task of 5 steps beside a ticker greenlet: the ticker's count seen after each step.
UNDER_GEVENT = """
from gevent import monkey; monkey.patch_all()
import gevent
from queue_server.core.greenlets import let_others_run
ticks = []
def ticker():
    while True:
        ticks.append(1)
        gevent.sleep(0)
gevent.spawn(ticker)
seen = []
for _ in range(5):
    sum(range(10_000))
    let_others_run()
    seen.append(len(ticks))
print(seen)
"""


def test_under_gevent_a_waiting_greenlet_runs_between_two_steps():
    done = subprocess.run([sys.executable, "-c", UNDER_GEVENT], capture_output=True, text=True,
                          timeout=60, check=True)
    seen = [int(n) for n in done.stdout.strip().strip("[]").split(",")]
    assert seen[0] >= 1
    assert all(later > earlier for earlier, later in itertools.pairwise(seen))


def test_without_gevent_it_does_nothing():
    assert let_others_run() is None
