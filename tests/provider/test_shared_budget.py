"""Provider processes of one machine that use the same API key share its rate budget: two
processes together never put more requests in a window than the limit, a pause after a 429
in one holds the other, and the shared file names and holds no key."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from pulumi_jetemail._ratelimit import SharedRateLimiter, shared_path

WORKER = """
import json, sys, time
from pathlib import Path
from pulumi_jetemail._ratelimit import SharedRateLimiter
path, count = Path(sys.argv[1]), int(sys.argv[2])
limiter = SharedRateLimiter(10, per=1.0, burst=1, path=path)
print(json.dumps([limiter.acquire() for _ in range(count)]))
"""


def _run_together(paths: list[Path], count: int) -> list[float]:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), str(count)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for path in paths
    ]
    slots: list[float] = []
    for worker in workers:
        out, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0
        slots += json.loads(out)
    return sorted(slots)


def _one_slot_in_another_process(path: Path) -> float:
    """The slot a fresh process sharing `path` gets for one request."""
    out = subprocess.run(
        [sys.executable, "-c", WORKER, str(path), "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    (slot,) = json.loads(out)
    return float(slot)


def _most_in_a_window(slots: list[float], per: float) -> int:
    return max(sum(1 for t in slots if start <= t < start + per) for start in slots)


def test_two_processes_on_one_key_stay_under_the_limit_together(tmp_path: Path) -> None:
    shared = tmp_path / "rate.json"
    slots = _run_together([shared, shared], count=15)
    assert len(slots) == 30
    assert _most_in_a_window(slots, 1.0) <= 10
    # ... and they do use the budget: 30 requests at 10 a second take about 3 s, not 6.
    assert slots[-1] - slots[0] < 3.5


def test_without_sharing_two_processes_would_go_over(tmp_path: Path) -> None:
    """The control: each process alone keeps its limit, and together they exceed it."""
    slots = _run_together([tmp_path / "a.json", tmp_path / "b.json"], count=15)
    assert _most_in_a_window(slots, 1.0) > 10


def test_a_pause_after_a_429_holds_every_process_of_the_key(tmp_path: Path) -> None:
    shared = tmp_path / "rate.json"
    SharedRateLimiter(10, per=1.0, burst=1, path=shared).pause(1.0)
    paused_at = time.monotonic()
    assert _one_slot_in_another_process(shared) >= paused_at + 1.0 - 0.05


def test_the_shared_file_is_named_by_a_hash_and_holds_only_times(tmp_path: Path) -> None:
    key = "api_s3cret_key_value"
    path = shared_path("https://api.jetemail.com", key)
    assert key not in str(path)
    assert path != shared_path("https://api.jetemail.com", "api_other")
    assert path != shared_path("http://127.0.0.1:8025", key)
    limiter = SharedRateLimiter(10, per=1.0, burst=1, path=tmp_path / path.name)
    limiter.acquire()
    state = json.loads((tmp_path / path.name).read_text())
    assert set(state) == {"slots", "next_due", "paused_until"}
    assert key not in json.dumps(state)


def test_a_damaged_or_stale_file_does_not_stop_requests(tmp_path: Path) -> None:
    path = tmp_path / "rate.json"
    path.write_text("{not json")
    assert SharedRateLimiter(10, per=1.0, path=path).acquire() <= time.monotonic()
    future = time.monotonic() + 10_000  # written before a reboot reset the clock
    path.write_text(json.dumps({"slots": [future], "next_due": future, "paused_until": None}))
    assert SharedRateLimiter(10, per=1.0, path=path).acquire() <= time.monotonic()


def test_a_removed_file_is_made_again_and_still_shared(tmp_path: Path) -> None:
    """The file stays open between requests; a cleaned temporary directory must not leave one
    process pacing on a file no other process can see."""
    path = tmp_path / "dir" / "rate.json"
    first = SharedRateLimiter(10, per=1.0, burst=1, path=path)
    first.acquire()
    path.unlink()
    path.parent.rmdir()
    taken = first.acquire()
    assert json.loads(path.read_text())["slots"][-1] == taken
    # a process opening the file now waits behind that slot
    assert _one_slot_in_another_process(path) >= taken + 0.1 - 1e-6


def test_a_shorter_state_leaves_no_stale_bytes(tmp_path: Path) -> None:
    path = tmp_path / "rate.json"
    now = [1000.0]
    limiter = SharedRateLimiter(
        10,
        per=1.0,
        burst=1,
        path=path,
        clock=lambda: now[0],
        sleep=lambda s: now.__setitem__(0, now[0] + s),
    )
    for _ in range(5):
        limiter.acquire()
    longest = len(path.read_bytes())
    now[0] += 2.0  # the window passes: the next state holds one slot
    limiter.acquire()
    assert len(path.read_bytes()) < longest
    assert json.loads(path.read_text())["slots"] == [now[0]]
