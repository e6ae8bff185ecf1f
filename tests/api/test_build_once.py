"""The boards' build-once cache: one build per key however many ask at once, and a family's previous
value served while its next version is being built."""

from __future__ import annotations

import threading
import time

import pytest

from api.services.build_once import BuildOnce

pytestmark = pytest.mark.db_independent


def test_concurrent_callers_of_one_key_build_it_once() -> None:
    cache: BuildOnce[int] = BuildOnce(max_entries=4)
    builds: list[int] = []

    def build() -> int:
        builds.append(1)
        time.sleep(0.2)  # long enough for every caller to arrive while it is being built
        return 42

    results: list[int] = []
    callers = [threading.Thread(target=lambda: results.append(cache.get("k", build))) for _ in range(8)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert results == [42] * 8
    assert len(builds) == 1


def test_a_family_serves_its_previous_value_while_the_next_is_built() -> None:
    cache: BuildOnce[str] = BuildOnce(max_entries=4)
    assert cache.get(("board", 1), lambda: "v1", family="board") == "v1"
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "v2"

    builder = threading.Thread(target=lambda: cache.get(("board", 2), slow, family="board"))
    builder.start()
    assert started.wait(5)
    assert cache.get(("board", 2), lambda: "never", family="board") == "v1"  # not waiting, not building twice
    release.set()
    builder.join()
    assert cache.get(("board", 2), lambda: "never", family="board") == "v2"


def test_the_oldest_entries_leave_first() -> None:
    cache: BuildOnce[int] = BuildOnce(max_entries=2)
    for n in range(3):
        cache.get(n, lambda n=n: n)
    assert cache.get(0, lambda: -1) == -1  # evicted, so built again
    assert cache.get(2, lambda: -1) == 2
