"""Process set-up shared by the command line, worker processes and servers.

One BLAS thread per process: narratrace gets its parallelism from processes (pool
workers, Dask workers, server workers), and on small machines OpenBLAS's extra threads
only spin while they wait for work. Measured on 2 cores, a whole `analyze` run took
0.246 instead of 0.337 CPU seconds per article with identical output (issue 18); a
server answered semantic searches in 72 instead of 96 ms (docs/benchmarks.md).
"""

from __future__ import annotations

import os

_BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
_done = False


def one_blas_thread() -> None:
    """Limit BLAS and OpenMP to one thread in this process and in the processes it starts.

    The environment variables reach child processes before they load numpy; the
    threadpoolctl limit covers this process, where numpy may already be loaded. A user's
    own setting of the variables is kept for children. Cheap to call again.
    """
    global _done
    if _done:
        return
    for name in _BLAS_ENV:
        os.environ.setdefault(name, "1")
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    _done = True
