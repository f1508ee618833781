"""Hostile and broken inputs: each is reported with a reason, the rest of the run goes on,
memory stays bounded and nothing hangs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = "Convoy Reaches Ariha\n\nARIHA – A convoy of twelve trucks reached the town on 4 June 2020, officials said.\n"


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "narratrace", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


# Runs the CLI and writes the process's own peak memory (KiB) to a file on exit: the
# RUSAGE_CHILDREN maximum of the test process would include every earlier child.
_MEASURED = """
import atexit, resource, sys
from pathlib import Path
peak = Path(sys.argv[1])
atexit.register(lambda: peak.write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
sys.argv = ["narratrace", *sys.argv[2:]]
from narratrace.cli import main
main()
"""


def _run_measured(args: list[str], peak_file: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _MEASURED, str(peak_file), *args], capture_output=True,
                          text=True, timeout=timeout, check=False)


@pytest.mark.slow
def test_every_kind_of_bad_input_is_rejected_and_the_run_goes_on(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(GOOD, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (d / "corrupt.txt").write_bytes("Titre réel\n\nUn texte en français.".encode() + b"\xff\xfe\xfa")
    (d / "tag-soup.html").write_text("<html><body><div><p><b>" + "<i>" * 5000 + "x", encoding="utf-8")
    with open(d / "huge.txt", "wb") as fh:  # 200 MB, sparse: costs no disk, must not be read
        fh.truncate(200 * 1024 * 1024)
    with open(d / "dump.jsonl", "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "ok1", "title": "A title-only item", "lang": "en"}) + "\n")
        fh.write("{broken json\n")
        fh.write('{"id": "big", "text": "' + "a" * (20 * 1024 * 1024) + '"}\n')  # one 20 MB line
        fh.write(json.dumps({"id": "ok2", "text": GOOD.replace("twelve", "nine")}) + "\n")
    (d / "loop").symlink_to(d)
    db = str(tmp_path / "t.db")
    peak_file = tmp_path / "peak"
    res = _run_measured(["analyze", str(d), "--db", db, "--no-progress", "--jobs", "1", "-v"], peak_file)
    peak_kb = int(peak_file.read_text())
    assert res.returncode == 1, res.stderr
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("select coalesce(external_id, source_path) from articles")}
        reasons = sorted(r[0] for r in conn.execute("select reason from rejections"))
    assert stored == {str(d / "good.txt"), "ok1", "ok2"}
    # 5,000 unclosed <i>: refused for its nesting (it used to come out as a misleading "no_text")
    assert reasons == sorted(["empty", "binary", "invalid_utf8", "too_deep", "too_large", "invalid_json",
                              "too_large", "symlink_loop"])
    for fragment in ("huge.txt: 210 MB is over the", "dump.jsonl:2: not valid JSON", "dump.jsonl:3: line longer",
                     "corrupt.txt: invalid UTF-8", "binary.txt:", "folder already visited"):
        assert fragment in res.stderr, fragment
    assert peak_kb < 500 * 1024  # KiB: the 200 MB file was never loaded


@pytest.mark.slow
def test_kill_9_mid_run_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    d = tmp_path / "many"
    d.mkdir()
    n = 300
    for i in range(n):
        (d / f"a{i:04d}.txt").write_text(GOOD.replace("twelve", f"{i} and {i * 7}"), encoding="utf-8")
    db = str(tmp_path / "k.db")
    proc = subprocess.Popen([sys.executable, "-m", "narratrace", "analyze", str(d), "--db", db, "--jobs", "1",
                             "--no-progress"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    try:
        import time

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
            if os.path.exists(db):
                try:
                    with sqlite3.connect(db, timeout=1) as conn:
                        stored = conn.execute("select count(*) from articles").fetchone()[0]
                except sqlite3.OperationalError:
                    continue  # schema not created yet
                if stored >= 20:
                    break
    finally:
        proc.kill()
        proc.wait()
    assert 0 < stored < n, "the run should have been killed mid-way"
    res = _run(["analyze", str(d), "--db", db, "--no-progress", "--jobs", "1"])
    assert res.returncode == 0, res.stderr
    with sqlite3.connect(db) as conn:
        total, distinct = conn.execute("select count(*), count(distinct source_path) from articles").fetchone()
    assert total == distinct == n
    assert "already stored" in res.stderr
