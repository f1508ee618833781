"""sentence vectors: each article's units encoded once, for every later use

Revision ID: 0009
Revises: 0007
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "sentence_vectors",
        sa.Column("article_id", sa.String(40), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("model", sa.String(64), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("spans", sa.LargeBinary(), nullable=False),
        sa.Column("vectors", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sentence_vectors")
