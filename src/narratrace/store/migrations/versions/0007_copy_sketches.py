"""copy sketches: MinHash minima of article bodies, to find re-publications by their text

Revision ID: 0007
Revises: 0006
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "copy_sketches",
        sa.Column("article_id", sa.String(40), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("value", sa.Integer(), primary_key=True),
    )
    op.create_index("ix_copy_sketches_value", "copy_sketches", ["value"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_copy_sketches_value", table_name="copy_sketches")
    op.drop_table("copy_sketches")
