"""article techniques: per-article counts of persuasion techniques (issue 13)

Revision ID: 0011
Revises: 0008
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "article_techniques",
        sa.Column("article_id", sa.String(40), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("technique", sa.String(64), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
    )
    op.create_index("ix_article_techniques_technique", "article_techniques", ["technique"], unique=False)
    # articles stored before this revision: counted from their records
    conn = op.get_bind()
    arts = sa.table("articles", sa.column("id", sa.String), sa.column("record", sa.JSON))
    tech = sa.table("article_techniques", sa.column("article_id"), sa.column("technique"), sa.column("n"))
    for art_id, record in conn.execute(sa.select(arts.c.id, arts.c.record)):
        counts: dict[str, int] = {}
        for t in (record or {}).get("techniques") or []:
            name = str(t.get("technique") or "")[:64]
            if name:
                counts[name] = counts.get(name, 0) + 1
        if counts:
            conn.execute(sa.insert(tech), [{"article_id": art_id, "technique": k, "n": v} for k, v in counts.items()])


def downgrade() -> None:
    op.drop_index("ix_article_techniques_technique", table_name="article_techniques")
    op.drop_table("article_techniques")
