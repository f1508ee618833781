"""Tables of the store (SQLAlchemy Core; SQLite by default, PostgreSQL with the same code).

The article row holds the indexed scalar fields as columns and the lists of the JSONL
record (entities, claims, ...) as JSON, so one read gives the whole record. Things that
must be queried across the corpus (entities, narrative matches, stories, vectors) also
get their own tables. The schema is versioned by Alembic migrations in
``store/migrations``; this module is their single source of table definitions.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("command", String(64), nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("stats", JSON),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("external_id", String(512)),
    Column("source_path", Text),
    Column("source_url", Text),
    Column("source_line", Integer),
    Column("outlet", String(256)),
    Column("lang", String(16)),
    Column("title", Text),
    Column("published", String(32)),
    Column("story_id", String(40)),
    Column("duplicate_of", String(40)),
    Column("body", Text, nullable=False),
    Column("record", JSON, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_articles_lang", "lang"),
    Index("ix_articles_outlet", "outlet"),
    Index("ix_articles_published", "published"),
    Index("ix_articles_story", "story_id"),
    Index("ix_articles_run", "run_id"),
    Index("ix_articles_external", "external_id"),
    Index("ux_articles_seq", "seq", unique=True),  # migration 0006
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("source_path", Text),
    Column("source_url", Text),
    Column("source_line", Integer),
    Column("reason", String(64), nullable=False),
    Column("detail", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_rejections_run", "run_id"),
)

# Articles stored but not yet processed by a corpus stage (stories, narratives):
# written in the article's own transaction, cleared when the stage has run, so an
# interrupted run is finished by the next one.
pending = Table(
    "pending",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("stage", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
    Index("ix_pending_stage", "stage", "seq"),
)

# One vector per (article, model); the ANN index is a file beside the database
# rebuilt or extended from this table, so the table is the source of truth.
vectors = Table(
    "vectors",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("model", String(64), primary_key=True),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),
)

# The units (sentences, reported clauses, headline) of each article and their vectors, per
# encoder key, encoded once in the per-article workers (embed/sentences.py): spans are int32
# (start, end) pairs into the body, (-1, -1) the headline; vectors n x dim float32.
sentence_vectors = Table(
    "sentence_vectors",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("model", String(64), primary_key=True),
    Column("n", Integer, nullable=False),
    Column("dim", Integer, nullable=False),
    Column("spans", LargeBinary, nullable=False),
    Column("vectors", LargeBinary, nullable=False),
)

# MinHash minima of each article body (stories/sketch.py): candidates for copy detection that
# do not depend on the headline. One row per (article, minimum); looked up by value.
copy_sketches = Table(
    "copy_sketches",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("value", Integer, primary_key=True),
    Index("ix_copy_sketches_value", "value"),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("first_date", String(32)),
    Column("last_date", String(32)),
    Column("size", Integer, nullable=False, default=0),
    Column("title", Text),
    Column("data", JSON),
)

entities = Table(
    "entities",
    metadata,
    Column("canonical_id", String(128), primary_key=True),
    Column("canonical_name", Text, nullable=False),
    Column("type", String(32)),
    Column("aliases", JSON),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(40), ForeignKey("articles.id"), nullable=False),
    Column("canonical_id", String(128), nullable=False),
    Column("text", Text, nullable=False),
    Column("type", String(32)),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Index("ix_mentions_article", "article_id"),
    Index("ix_mentions_entity", "canonical_id"),
)

narrative_matches = Table(
    "narrative_matches",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("narrative_id", String(128), primary_key=True),
    Column("score", Float, nullable=False),
    Column("stance", String(16)),
    Index("ix_narrative_matches_narrative", "narrative_id"),
)

factchecks = Table(
    "factchecks",
    metadata,
    Column("id", String(256), primary_key=True),
    Column("text", Text, nullable=False),
    Column("title", Text),
    Column("url", Text),
    Column("lang", String(16)),
    Column("verdict", String(64)),
    Column("data", JSON),
)

# -- narratives issue (migration 0004) ------------------------------------------------
# What `narratrace watch` has already taken from each source, so a restart neither
# re-ingests nor skips items.
watch_items = Table(
    "watch_items",
    metadata,
    Column("source", String(1024), primary_key=True),
    Column("item_key", String(512), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Column("article_id", String(40)),
)

# Alerts are written before they are delivered; delivery is marked afterwards, so an
# interrupted watch re-sends undelivered alerts and never sends one twice once marked.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(256), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("payload", JSON, nullable=False),
)

# Candidate narratives found by discovery (recomputed by `narratives candidates`).
narrative_candidates = Table(
    "narrative_candidates",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("label", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("data", JSON, nullable=False),
)

# Links from a stored article's claim to an imported fact-check (entities/claims issue).
# Rewritten per article by `narratrace factchecks link`; the claim is named by its span.
claim_matches = Table(
    "claim_matches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(40), ForeignKey("articles.id"), nullable=False),
    Column("claim_start", Integer, nullable=False),
    Column("claim_end", Integer, nullable=False),
    Column("factcheck_id", String(256), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Index("ix_claim_matches_article", "article_id"),
    Index("ix_claim_matches_factcheck", "factcheck_id"),
)

# What was fetched (or pasted) for an article, byte for byte, so an analyst can prove what
# the page said: each body once, by its sha256 (a feed backs all its items with one copy),
# linked to the content hash of every item read from it (``articles.content_hash``).
raw_copies = Table(
    "raw_copies",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("url", Text),
    Column("final_url", Text),
    Column("status", Integer),
    Column("content_type", String(200)),
    Column("fetched_at", String(40), nullable=False),  # the first fetch of these bytes
    Column("size", Integer, nullable=False),
    Column("body", LargeBinary, nullable=False),
)

raw_copy_items = Table(
    "raw_copy_items",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("sha256", String(64), ForeignKey("raw_copies.sha256"), primary_key=True),
)

# Techniques found in each article, counted per technique (issue 13, migration 0011): the
# spans stay in the record; this table answers "articles using technique X" and
# "techniques per outlet" without reading every record.
article_techniques = Table(
    "article_techniques",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("technique", String(64), primary_key=True),
    Column("n", Integer, nullable=False),
    Index("ix_article_techniques_technique", "technique"),
)

# Relay edges between two articles (network/edges.py): one row per (source, target, tier), written
# by the network.v1 corpus stage; the outlet network is aggregated from them when asked.
relay_edges = Table(
    "relay_edges",
    metadata,
    Column("source_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("target_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("tier", String(16), primary_key=True),
    Column("score", Float, nullable=False),
    Column("source_outlet", String(256)),
    Column("target_outlet", String(256)),
    Column("source_lang", String(16)),
    Column("target_lang", String(16)),
    Column("source_published", String(32)),
    Column("target_published", String(32)),
    Column("lag_hours", Float),
    Column("root_id", String(40), nullable=False),
    Column("story_id", String(40)),
    Index("ix_relay_edges_target", "target_id"),
    Index("ix_relay_edges_outlets", "source_outlet", "target_outlet"),
)

# The version of each catalogue narrative the stored matches were computed with (a content
# hash of the narrative, its fitted head and the matcher parameters: narratives/rematch.py).
# A narrative whose hash differs, or that is new, is re-matched against the archive.
narrative_versions = Table(
    "narrative_versions",
    metadata,
    Column("narrative_id", String(128), primary_key=True),
    Column("hash", String(64), nullable=False),
    Column("matched_at", String(32), nullable=False),
)

# Saved searches (the dashboard and the API save them; watch/searches.py raises an alert for
# each new article that matches one): ``last_seq`` is the newest arrival number already checked.
saved_searches = Table(
    "saved_searches",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("query", String(500), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("lang", String(16)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seq", Integer, nullable=False),
)

# Outlet templates (clean/templates.py): per outlet key (URL host or outlet name), how many of its
# articles had each body line (a hash of the normalised line, never the text).
outlet_lines = Table(
    "outlet_lines",
    metadata,
    Column("key", String(256), primary_key=True),
    Column("line", String(16), primary_key=True),
    Column("articles", Integer, nullable=False),
)
