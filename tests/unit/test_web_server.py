"""Process set-up of ``narratrace serve``: BLAS threads and the hosts a loopback server accepts."""

from __future__ import annotations

import json
import subprocess
import sys

from narratrace.web.server import allowed_hosts

PROBE = """
import json, numpy, threadpoolctl
before = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
from narratrace.web.server import one_blas_thread
one_blas_thread()
after = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
print(json.dumps([before, after]))
"""


def test_server_processes_run_blas_on_one_thread() -> None:
    # a fresh interpreter with two BLAS threads allowed, as on the 2-core machines we measure on
    env = {"OPENBLAS_NUM_THREADS": "2", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    before, after = json.loads(out.stdout)
    assert before and all(n == 2 for n in before)
    assert after and all(n == 1 for n in after)


def test_loopback_servers_accept_only_loopback_names() -> None:
    assert allowed_hosts("127.0.0.1") == ["127.0.0.1", "localhost", "::1", "[::1]"]
    assert allowed_hosts("0.0.0.0") is None
