"""evidence: the raw bytes fetched (or pasted) with their sha256, fetch time, final URL and status

Revision ID: 0008
Revises: 0009
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "raw_copies",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text()),
        sa.Column("final_url", sa.Text()),
        sa.Column("status", sa.Integer()),
        sa.Column("content_type", sa.String(200)),
        sa.Column("fetched_at", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "raw_copy_items",
        sa.Column("content_hash", sa.String(64), primary_key=True),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("raw_copies.sha256"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("raw_copy_items")
    op.drop_table("raw_copies")
