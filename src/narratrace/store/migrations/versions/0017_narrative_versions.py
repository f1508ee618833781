"""narrative versions: the catalogue content hash each narrative's stored matches were made with

Revision ID: 0017
Revises: 0016
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "narrative_versions",
        sa.Column("narrative_id", sa.String(128), primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("matched_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("narrative_versions")
