"""A test analyser that needs a lot of memory for articles that say so (issue 12's memory budget)."""

from __future__ import annotations

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
