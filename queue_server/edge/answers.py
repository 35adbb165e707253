"""Answers kept a few seconds: a thousand phones asking the same question cost one reply.

Each process keeps its own copy, so with several processes an answer is at most `ttl_s`
old; a question asked by many at once is answered once, the others wait for that answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

Answer = TypeVar("Answer")

# Questions answered at once by one process; more keys share these locks.
_TURNS = 64
_NOTHING = object()


class AnswerCache:
    """Recent answers by key, each kept ttl_s seconds; at most max_entries of them.

    Answers are shared by every request that asks: callers never change them.
    """

    def __init__(self, ttl_s: float, max_entries: int = 1024) -> None:
        self.ttl_s, self.max_entries = ttl_s, max_entries
        self._answers: dict[Hashable, tuple[float, Any]] = {}
        self._turns = [threading.Lock() for _ in range(_TURNS)]

    def get(self, key: Hashable, build: Callable[[], Answer]) -> Answer:
        """The kept answer while fresh, else build's (an error raised by build is not kept)."""
        found = self._fresh(key)
        if found is not _NOTHING:
            return found  # type: ignore[no-any-return]  # what build gave for this key
        with self._turns[hash(key) % _TURNS]:
            found = self._fresh(key)  # built by another request while this one waited
            if found is not _NOTHING:
                return found  # type: ignore[no-any-return]
            answer = build()
            self._keep(key, answer)
            return answer

    def clear(self) -> None:
        """Forget every answer."""
        self._answers.clear()

    def _fresh(self, key: Hashable) -> Any:
        kept = self._answers.get(key)
        if kept is None or kept[0] <= time.monotonic():
            return _NOTHING
        return kept[1]

    def _keep(self, key: Hashable, answer: object) -> None:
        if len(self._answers) >= self.max_entries:
            moment = time.monotonic()
            for stale in [k for k, (expires, _) in self._answers.items() if expires <= moment]:
                self._answers.pop(stale, None)
            if len(self._answers) >= self.max_entries:
                self._answers.clear()  # a flood of distinct keys: start again
        self._answers[key] = (time.monotonic() + self.ttl_s, answer)
