"""relay edges: which article copies, rewords or translates which (the outlet network)

Revision ID: 0016
Revises: 0011
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "relay_edges",
        sa.Column("source_id", sa.String(40), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("target_id", sa.String(40), sa.ForeignKey("articles.id"), primary_key=True),
        sa.Column("tier", sa.String(16), primary_key=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("source_outlet", sa.String(256)),
        sa.Column("target_outlet", sa.String(256)),
        sa.Column("source_lang", sa.String(16)),
        sa.Column("target_lang", sa.String(16)),
        sa.Column("source_published", sa.String(32)),
        sa.Column("target_published", sa.String(32)),
        sa.Column("lag_hours", sa.Float()),
        sa.Column("root_id", sa.String(40), nullable=False),
        sa.Column("story_id", sa.String(40)),
    )
    op.create_index("ix_relay_edges_target", "relay_edges", ["target_id"], unique=False)
    op.create_index("ix_relay_edges_outlets", "relay_edges", ["source_outlet", "target_outlet"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_relay_edges_outlets", table_name="relay_edges")
    op.drop_index("ix_relay_edges_target", table_name="relay_edges")
    op.drop_table("relay_edges")
