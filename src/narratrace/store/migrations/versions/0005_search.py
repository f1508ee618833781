"""search: full-text index over articles and indexes for keyset pagination

SQLite: an FTS5 table with external content (the articles table, keyed by ``seq``)
kept in step by triggers, so the store's own inserts and updates maintain it and no
text is stored twice. PostgreSQL: a generated ``tsvector`` column with a GIN index.
Both use a language-neutral tokenizer (the corpus mixes languages).
Composite covering ``(filter, seq, id, published)`` indexes let the dashboard page
through any filtered list by keyset (``seq < last``) without sorting or reading rows.

Revision ID: 0005
Revises: 0004
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Covering indexes: a page is found from the index alone. On SQLite this matters a lot:
# ``seq`` is stored after the body and the JSON record, so reading it from the row
# walks the row's overflow pages (~4 KB per article).
_INDEXES = {
    "ix_web_articles_seq": ["seq", "id", "published"],
    "ix_web_articles_id_seq": ["id", "seq", "published"],
    "ix_web_articles_published_seq": ["published", "seq", "id"],
    "ix_web_articles_lang_seq": ["lang", "seq", "id", "published"],
    "ix_web_articles_outlet_seq": ["outlet", "seq", "id", "published"],
    "ix_web_articles_story_seq": ["story_id", "seq", "id", "published"],
}

_SQLITE_UP = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, body, content='articles', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.seq, new.title, new.body);
    END""",
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.seq, old.title, old.body);
    END""",
    """CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, body, seq ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, body)
        VALUES ('delete', old.seq, old.title, old.body);
        INSERT INTO articles_fts(rowid, title, body) VALUES (new.seq, new.title, new.body);
    END""",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]

_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_fts_au",
    "DROP TRIGGER IF EXISTS articles_fts_ad",
    "DROP TRIGGER IF EXISTS articles_fts_ai",
    "DROP TABLE IF EXISTS articles_fts",
]

_PG_UP = [
    """ALTER TABLE articles ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(title, '') || ' ' || left(coalesce(body, ''), 200000))
    ) STORED""",
    "CREATE INDEX ix_web_articles_search_tsv ON articles USING gin (search_tsv)",
]

_PG_DOWN = [
    "DROP INDEX IF EXISTS ix_web_articles_search_tsv",
    "ALTER TABLE articles DROP COLUMN IF EXISTS search_tsv",
]


def upgrade() -> None:
    for name, cols in _INDEXES.items():
        op.create_index(name, "articles", cols, unique=False)
    op.create_index("ix_web_stories_size", "stories", ["size"], unique=False)
    op.create_index("ix_web_stories_last_date", "stories", ["last_date"], unique=False)
    dialect = op.get_bind().dialect.name
    statements = _SQLITE_UP if dialect == "sqlite" else _PG_UP if dialect == "postgresql" else []
    for statement in statements:
        op.execute(sa.text(statement))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    statements = _SQLITE_DOWN if dialect == "sqlite" else _PG_DOWN if dialect == "postgresql" else []
    for statement in statements:
        op.execute(sa.text(statement))
    op.drop_index("ix_web_stories_last_date", table_name="stories")
    op.drop_index("ix_web_stories_size", table_name="stories")
    for name in reversed(list(_INDEXES)):
        op.drop_index(name, table_name="articles")
