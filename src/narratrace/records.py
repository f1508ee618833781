"""Records that flow through the pipeline.

They are frozen dataclasses so that a stage cannot change an article behind another
stage's back: a stage returns a new record (``dataclasses.replace``). Everything in a
record is plain data (str, int, float, tuples of records), so records pickle cheaply to
a process pool or a Dask worker and serialise to the public record (docs/record.md).

Offsets (``start``/``end``) are Unicode code-point indices into ``Article.body``,
end-exclusive, so the dashboard can highlight the evidence of every flag.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceRef:
    """Where an input item came from (file, line of a JSONL file, feed entry, URL)."""

    path: str | None = None
    url: str | None = None
    line: int | None = None

    def label(self) -> str:
        """Where, for a human: ``path:line``, the URL, or ``input``."""
        line = f":{self.line}" if self.line else ""
        return f"{self.path or self.url or 'input'}{line}"


@dataclass(frozen=True)
class RawItem:
    """One article as read from its input, before any cleaning.

    Only one of ``title``/``text``/``html`` needs to be present (a title-only JSONL
    item is valid). ``hints`` carries metadata the reader found (feed dates, JSONL
    fields) for the metadata stage to weigh against what it finds in the text.
    """

    source: SourceRef
    fmt: str  # "txt" | "html" | "jsonl" | "feed"
    text: str | None = None
    html: str | None = None
    title: str | None = None
    external_id: str | None = None
    outlet: str | None = None
    lang: str | None = None
    date: str | None = None
    encoding: str | None = None
    authors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # what the reader noticed (fields it ignored): kept on the article
    # hashes of its outlet's template lines (clean/templates.py), set by the pipeline, not the reader
    template_lines: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rejection:
    """An input that was not accepted, and why. Rejections are stored, never dropped."""

    source: SourceRef
    reason: str  # short machine-readable code, e.g. "empty", "binary", "too_large"
    detail: str  # a sentence for a human: what went wrong and how to fix it


@dataclass(frozen=True)
class Comment:
    author: str | None
    text: str
    date: str | None = None  # when it was posted, ISO 8601 (date, or date and time), when the page says


@dataclass(frozen=True)
class Removed:
    """A piece of the input that is not article text, with the rule kind that removed it."""

    kind: str
    text: str


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    text: str
    type: str
    canonical_id: str | None
    canonical_name: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Attribution:
    kind: str  # quotes | cites | translated_by | republished_from | ...
    source: str
    text: str
    start: int
    end: int
    canonical_source: str | None = None


@dataclass(frozen=True)
class Claim:
    text: str
    start: int
    end: int
    speaker: str | None
    checkworthiness: float


@dataclass(frozen=True)
class NarrativeMatch:
    id: str
    title: str
    score: float
    stance: str  # promotes | reports | refutes
    evidence: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Technique:
    technique: str  # one of the 23 SemEval-2023 Task 3 labels
    start: int
    end: int
    text: str
    score: float
    disarm: tuple[str, ...] = ()  # DISARM v1.7 technique ids (T-numbers) of the label


@dataclass(frozen=True)
class Relation:
    """A link from this article to an earlier one (copy, translation), with evidence."""

    kind: str  # republished_from | translated_from
    article_id: str
    score: float
    evidence: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Article:
    """One article with everything the pipeline found in it (the JSONL export record)."""

    id: str
    content_hash: str
    source: SourceRef
    body: str
    external_id: str | None = None
    outlet: str | None = None
    lang: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601, may be partial: "2018-10"
    published_source: str | None = None  # metadata | dateline | text | input
    authors: tuple[str, ...] = ()
    comments: tuple[Comment, ...] = ()
    removed: tuple[Removed, ...] = ()
    entities: tuple[Entity, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    claims: tuple[Claim, ...] = ()
    techniques: tuple[Technique, ...] = ()
    narratives: tuple[NarrativeMatch, ...] = ()
    relations: tuple[Relation, ...] = ()
    story_id: str | None = None
    duplicate_of: str | None = None
    warnings: tuple[str, ...] = field(default=())

    def replace(self, **changes: Any) -> Article:
        return dataclasses.replace(self, **changes)


def to_dict(record: Any) -> Any:
    """Plain JSON-ready data for any record (tuples become lists)."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, (list, tuple)):
        return [to_dict(x) for x in record]
    return record


_NESTED: dict[str, type] = {
    "source": SourceRef,
    "comments": Comment,
    "removed": Removed,
    "entities": Entity,
    "attributions": Attribution,
    "claims": Claim,
    "techniques": Technique,
    "narratives": NarrativeMatch,
    "relations": Relation,
}


def _build(cls: type, data: dict[str, Any]) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {k: v for k, v in data.items() if k in names}
    if "evidence" in kwargs:
        kwargs["evidence"] = tuple(Span(**e) for e in kwargs["evidence"] or ())
    if "disarm" in kwargs:
        kwargs["disarm"] = tuple(kwargs["disarm"] or ())
    return cls(**kwargs)


def article_from_dict(data: dict[str, Any]) -> Article:
    """Inverse of ``to_dict`` for articles; unknown keys are ignored (forward compatible)."""
    kwargs: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(Article)}
    for key, value in data.items():
        if key not in names:
            continue
        nested = _NESTED.get(key)
        if key == "source":
            kwargs[key] = _build(SourceRef, value or {})
        elif nested is not None:
            kwargs[key] = tuple(_build(nested, v) for v in value or ())
        elif key in ("authors", "warnings"):
            kwargs[key] = tuple(value or ())
        else:
            kwargs[key] = value
    return Article(**kwargs)


@dataclass(frozen=True)
class RawCopy:
    """The bytes an article was read from, as fetched or pasted: evidence of what the page said.

    ``sha256`` is of ``body``; ``content_hash`` is the item's (``identity.content_hash``),
    which is also the article's, so the copy is found from the article. ``url``/``final_url``
    and ``status`` are None for pasted text.
    """

    sha256: str
    content_hash: str
    body: bytes
    fetched_at: str  # ISO 8601, UTC
    url: str | None = None
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None

    def meta(self) -> dict[str, object]:
        """Everything but the bytes (what an export or a page shows)."""
        return {"sha256": self.sha256, "url": self.url, "final_url": self.final_url, "status": self.status,
                "content_type": self.content_type, "fetched_at": self.fetched_at, "size": len(self.body)}
