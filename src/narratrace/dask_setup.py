"""The Dask worker plugin: set up every worker once, also workers that join later.

Registered by ``DaskExecutor`` with the pipeline's ``warm_up``: one BLAS thread, this
session's registry additions replayed, the models of the configured stages loaded, before
the worker's first batch. A worker that restarts (or joins the cluster mid-run) runs it
again. Imported only when a scheduler is used (``distributed`` is an optional extra).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin


class WorkerSetup(WorkerPlugin):  # type: ignore[misc]  # distributed is untyped
    name = "narratrace-setup"

    def __init__(self, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
        self.initializer = initializer
        self.initargs = initargs

    def setup(self, worker: Any) -> None:
        self.initializer(*self.initargs)
