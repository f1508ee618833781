"""The per-item time budget holds off the main thread too (the server analyses on a thread)."""

from __future__ import annotations

import threading
import time

import pytest

from narratrace.budget import OverBudget, time_budget


def _in_thread(fn: object) -> dict[str, object]:
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = fn()  # type: ignore[operator]
        except BaseException as exc:  # the test inspects what escaped
            out["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    t.join(10)
    assert not t.is_alive()
    return out


def test_a_python_loop_over_budget_on_a_thread_is_stopped() -> None:
    def spin() -> float:
        start = time.monotonic()
        with time_budget(0.3):
            while True:
                sum(range(1000))
        return time.monotonic() - start  # pragma: no cover - never reached

    start = time.monotonic()
    out = _in_thread(spin)
    assert isinstance(out.get("error"), OverBudget) and "0.3 s budget" in str(out["error"])
    assert time.monotonic() - start < 3


def test_work_within_budget_is_untouched_and_nothing_fires_later() -> None:
    def work() -> int:
        with time_budget(0.2):
            total = sum(range(10_000))
        time.sleep(0.5)  # past the deadline, outside the block: no exception may arrive here
        return total

    assert _in_thread(work) == {"value": sum(range(10_000))}


@pytest.mark.parametrize("seconds", [0, -1])
def test_no_limit(seconds: float) -> None:
    with time_budget(seconds):
        time.sleep(0.01)
