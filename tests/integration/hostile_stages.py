"""Test analysers that misbehave on articles that ask for it (issue 12: the per-item budgets)."""

from __future__ import annotations

import time

from narratrace.records import Article


class HungryStage:
    """Allocates 6 GB (and touches it) for an article whose body contains HUNGRY; else a no-op."""

    name = "test-hungry.v1"
    role = "analyser"
    requires = ("body",)
    assigns = ()

    def __call__(self, article: Article) -> Article:
        if "HUNGRY" in article.body:
            block = bytearray(6 * 1024**3)
            block[:: 4096] = b"x" * len(block[:: 4096])
        return article


class SlowStage:
    """Loops in Python for a minute on an article whose body contains SLOW; else a no-op."""

    name = "test-slow.v1"
    role = "analyser"
    requires = ("body",)
    assigns = ()

    def __call__(self, article: Article) -> Article:
        if "SLOW" in article.body:
            end = time.monotonic() + 60
            while time.monotonic() < end:
                time.sleep(0.01)
        return article


class KillOnceStage:
    """Kills its worker process the first time it sees KILLME (a marker file remembers it):
    a worker lost in the middle of a run (issue 18: a killed worker's shard is redone, not lost
    or doubled)."""

    name = "test-kill-once.v1"
    role = "analyser"
    requires = ("body",)
    assigns = ()

    def __init__(self, marker: str = "") -> None:
        self.marker = marker

    def __call__(self, article: Article) -> Article:
        import os

        if "KILLME" in article.body and self.marker and not os.path.exists(self.marker):
            with open(self.marker, "w", encoding="utf-8") as fh:
                fh.write(str(os.getpid()))
            os._exit(1)
        return article
