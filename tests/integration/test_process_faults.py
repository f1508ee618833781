"""Crashes, Ctrl+C and a killed parent (issue 12 items 7 and 8), in real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

PY = sys.executable


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "run.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


CRASHING = """
    import sys
    import narratrace.cli.analyze as a
    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")
    a.analyze = boom
    from narratrace.cli import main
    sys.argv = ["narratrace", "analyze", sys.argv[1], "--db", sys.argv[2], "--no-progress"] + sys.argv[3:]
    main()
"""


def test_a_crash_exits_70_with_one_line_and_the_traceback_only_under_v(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nSome body text.\n", encoding="utf-8")
    script = _script(tmp_path, CRASHING)
    args = [PY, str(script), str(tmp_path / "a.txt"), str(tmp_path / "x.db")]
    plain = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert plain.returncode == 70, plain.stderr
    assert "Traceback" not in plain.stderr
    lines = [ln for ln in plain.stderr.splitlines() if ln.strip()]
    assert lines == ["narratrace: crashed: OSError: [Errno 28] No space left on device "
                     "(run again with -v for the traceback)"]
    verbose = subprocess.run([*args, "-v"], capture_output=True, text=True, timeout=60)
    assert verbose.returncode == 70 and "Traceback" in verbose.stderr


SLOW_RUN = """
    import os, sys, time
    import narratrace.pipeline as p
    def _work(settings, added, item):
        print("worker", os.getpid(), flush=True)
        time.sleep(60)
    _work.__module__ = "narratrace.pipeline"  # pickled by reference to the patched name
    p._work = _work
    p.warm_up = lambda *args: None
    from narratrace.cli import main
    sys.argv = ["narratrace", "analyze", sys.argv[1], "--db", sys.argv[2], "--no-progress", "-j", "2"]
    main()
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for i in range(4):
        (d / f"{i}.txt").write_text(f"Title {i}\n\nBody number {i} of the test.\n", encoding="utf-8")
    return d


def _start(tmp_path: Path, folder: Path) -> tuple[subprocess.Popen[str], list[int]]:
    script = _script(tmp_path, SLOW_RUN)
    proc = subprocess.Popen([PY, str(script), str(folder), str(tmp_path / "s.db")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("worker"):
            workers.append(int(line.split()[1]))
    assert len(workers) == 2, "workers did not start"
    return proc, workers


def test_ctrl_c_exits_130_promptly_and_ends_the_workers(tmp_path: Path, folder: Path) -> None:
    proc, workers = _start(tmp_path, folder)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert time.monotonic() - sent < 3.0
    assert "interrupted" in err and "Traceback" not in err
    time.sleep(0.5)
    assert not any(_alive(w) for w in workers)


def test_workers_die_with_a_killed_parent(tmp_path: Path, folder: Path) -> None:
    proc, workers = _start(tmp_path, folder)
    proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)
