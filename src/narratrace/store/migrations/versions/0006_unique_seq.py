"""unique arrival order: articles.seq becomes unique

``seq`` is the full-text index's row id and the dashboard's paging key. Two processes
writing one store (``analyze`` beside ``watch`` or ``serve``) could give two articles the
same ``seq``; search then returned one article's snippets for the other and paging
skipped one of them. Duplicates already stored are given fresh numbers after the
current maximum (their pending rows follow); a unique index then makes a collision an
error the store retries instead of a silent mix-up.

Revision ID: 0006
Revises: 0005
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    conn = op.get_bind()
    dupes = conn.execute(sa.text(
        "SELECT a.id, a.seq FROM articles a JOIN ("
        " SELECT seq, min(id) AS keep FROM articles GROUP BY seq HAVING count(*) > 1"
        ") d ON a.seq = d.seq AND a.id <> d.keep ORDER BY a.seq, a.id"
    )).all()
    if dupes:
        top = conn.execute(sa.text("SELECT max(seq) FROM articles")).scalar() or 0
        for offset, (article_id, _old) in enumerate(dupes, start=1):
            params = {"seq": top + offset, "id": article_id}
            conn.execute(sa.text("UPDATE articles SET seq = :seq WHERE id = :id"), params)
            conn.execute(sa.text("UPDATE pending SET seq = :seq WHERE article_id = :id"), params)
    op.create_index("ux_articles_seq", "articles", ["seq"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_articles_seq", table_name="articles")
