"""Response models of the REST API: they are the OpenAPI contract the tests check against."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Problem(BaseModel):
    """RFC 9457 problem details: every error of the API has this shape."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class ArticleSummary(BaseModel):
    id: str
    title: str | None = None
    outlet: str | None = None
    lang: str | None = None
    published: str | None = None
    story_id: str | None = None
    duplicate_of: str | None = None
    url: str | None = None


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    next: str | None = None
    total: int
    total_exact: bool


class ArticleRecord(BaseModel):
    """The article record of docs/record.md (extra fields pass through)."""

    model_config = ConfigDict(extra="allow")
    id: str
    external_id: str | None = None
    source: dict[str, Any]
    outlet: str | None = None
    lang: str | None = None
    title: str | None = None
    published: str | None = None
    authors: list[str] = []
    body: str
    comments: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    attributions: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    story_id: str | None = None
    duplicate_of: str | None = None
    narratives: list[dict[str, Any]] = []
    techniques: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []


class Count(BaseModel):
    key: str
    n: int


class StorySummary(BaseModel):
    id: str
    title: str | None = None
    size: int
    first_date: str | None = None
    last_date: str | None = None


class Health(BaseModel):
    status: str
    articles: int
    semantic_index: str


class StoryPage(BaseModel):
    items: list[StorySummary]
    total: int
    offset: int


class Edge(BaseModel):
    source: str
    target: str
    kind: str | None = None
    score: float | None = None


class StoryDetail(StorySummary):
    articles: list[ArticleSummary]
    languages: list[Count]
    outlets: list[Count]
    timeline: list[Count]
    edges: list[Edge]
    external: list[str]
    truncated: bool


class NarrativeSummary(BaseModel):
    id: str
    title: str | None = None
    description: str | None = None
    articles: int
    mean_score: float
    max_score: float


class NarrativePage(BaseModel):
    items: list[NarrativeSummary]
    total: int
    offset: int


class NarrativeMatchRow(ArticleSummary):
    score: float
    stance: str | None = None


class StanceScore(BaseModel):
    """One stance among all of a narrative's matches: how many, and their mean and best score."""

    stance: str
    articles: int
    mean_score: float
    max_score: float


class NarrativeDetail(NarrativeSummary):
    claims: dict[str, list[str]] = {}
    debunks: list[str] = []
    matches: list[NarrativeMatchRow]
    stances: list[Count]
    stance_scores: list[StanceScore] = []
    languages: list[Count]
    outlets: list[Count]
    timeline: list[Count]


class EntitySummary(BaseModel):
    id: str
    name: str | None = None
    type: str | None = None
    articles: int
    mentions: int


class EntityPage(BaseModel):
    items: list[EntitySummary]
    total: int
    offset: int


class EntityDetail(BaseModel):
    id: str
    name: str | None = None
    type: str | None = None
    aliases: list[Any]
    variants: list[Count]
    languages: list[Count]
    articles: ArticlePage


class SnippetPart(BaseModel):
    text: str
    hit: bool


class SearchHit(ArticleSummary):
    score: float
    snippet: list[SnippetPart]
    via: list[str]


class SearchResults(BaseModel):
    query: str
    mode: str
    items: list[SearchHit]
    offset: int
    total: int = 0  # results of the query (see total_exact)
    total_exact: bool = True  # false: a lower bound (meaning-based results are not all counted)


class SaveSearch(BaseModel):
    """A search to keep: what the search page sends."""

    name: str = Field(min_length=1, max_length=200)
    q: str = Field(min_length=1, max_length=500)
    mode: Literal["hybrid", "text", "semantic"] = "hybrid"
    lang: str | None = Field(default=None, max_length=16, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$")


class SavedSearch(BaseModel):
    id: str
    name: str
    query: str
    mode: str
    lang: str | None = None
    created_at: str | None = None
    last_seq: int


class SavedSearchList(BaseModel):
    items: list[SavedSearch]


class AnalyzeResult(BaseModel):
    articles: list[dict[str, Any]]
    rejected: list[dict[str, Any]]
