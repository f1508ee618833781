"""outlet lines: per outlet, in how many articles each (hashed) body line occurs (outlet templates)

Revision ID: 0019
Revises: 0018
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "outlet_lines",
        sa.Column("key", sa.String(256), primary_key=True),
        sa.Column("line", sa.String(16), primary_key=True),
        sa.Column("articles", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("outlet_lines")
