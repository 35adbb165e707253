"""Answers kept a few seconds (edge.answers): many askers at once cost one answer."""

from __future__ import annotations

import threading
import time

import pytest

from queue_server.edge.answers import AnswerCache


def test_a_thousand_askers_at_once_are_answered_by_one_build():
    cache, builds, start = AnswerCache(ttl_s=5), [], threading.Event()

    def build() -> bytes:
        builds.append(1)
        time.sleep(0.05)  # a slow reading: the others arrive meanwhile
        return b"[]"

    answers: list[bytes] = []
    threads = [threading.Thread(target=lambda: (start.wait(),
                                                answers.append(cache.get("dat-dai", build))))
               for _ in range(1000)]
    for thread in threads:
        thread.start()
    start.set()
    for thread in threads:
        thread.join()
    assert len(builds) == 1 and answers == [b"[]"] * 1000


def test_an_answer_expires_and_an_error_is_not_kept(monkeypatch):
    moment = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: moment[0])
    cache, built = AnswerCache(ttl_s=5), []
    assert cache.get("a", lambda: built.append(1) or "first") == "first"
    moment[0] += 4.9
    assert cache.get("a", lambda: "second") == "first"
    moment[0] += 0.2
    assert cache.get("a", lambda: "second") == "second"

    def fail() -> str:
        raise LookupError("unknown code")

    with pytest.raises(LookupError):
        cache.get("b", fail)
    assert cache.get("b", lambda: "found") == "found"


def test_a_flood_of_distinct_questions_keeps_the_copy_bounded():
    cache = AnswerCache(ttl_s=5, max_entries=10)
    for number in range(25):
        cache.get(number, lambda number=number: number)
    assert len(cache._answers) <= 10
    assert cache.get(24, lambda: "rebuilt") == 24
