"""The agent's local queue of print jobs, fed by the server's snapshots and events."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from printer.slip import ChecklistSlip, Slip, parse_slip


@dataclass(frozen=True)
class Job:
    """One job as the server sent it; deadline is on the agent's monotonic clock."""

    id: int
    key: str
    number: str
    slip: dict[str, Any]
    deadline: float

    @classmethod
    def from_payload(cls, payload: object, received_at: float) -> Job:
        """A job from the server's JSON; malformed payloads are a ValueError."""
        if not isinstance(payload, dict):
            raise ValueError("a print job must be an object")
        job_id, key, slip = payload.get("id"), payload.get("key"), payload.get("slip")
        if not isinstance(job_id, int) or not isinstance(key, str) or not key:
            raise ValueError(f"print job without a valid id and key: {payload!r}")
        if not isinstance(slip, dict):
            raise ValueError(f"print job {job_id} has no slip")
        expires_in = payload.get("expires_in_s")
        lifetime = expires_in if isinstance(expires_in, int | float) else math.inf
        number = payload.get("number") if isinstance(payload.get("number"), str) else ""
        return cls(job_id, key, number or f"job-{job_id}", slip, received_at + lifetime)

    def slip_object(self) -> Slip | ChecklistSlip:
        """The slip to render; a ValueError when the server sent something unusable."""
        return parse_slip(self.slip)


class JobQueue:
    """Jobs waiting to print, oldest first; each job id is taken at most once per run."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._waiting: dict[int, Job] = {}
        self._taken: set[int] = set()
        self._changed = threading.Condition()

    def add(self, payload: object) -> Job | None:
        """Queue a job unless it is already queued or was taken; returns the new job."""
        job = Job.from_payload(payload, self._clock())
        with self._changed:
            if job.id in self._waiting or job.id in self._taken:
                return None
            self._waiting[job.id] = job
            self._changed.notify_all()
            return job

    def take(self, timeout: float) -> Job | None:
        """The oldest waiting job, waiting up to timeout seconds for one."""
        with self._changed:
            if not self._waiting:
                self._changed.wait(timeout)
            if not self._waiting:
                return None
            job = self._waiting.pop(min(self._waiting))
            self._taken.add(job.id)
            return job

    def __len__(self) -> int:
        with self._changed:
            return len(self._waiting)
