"""entities: claim_matches (article claims linked to imported fact-checks)

Revision ID: 0003
Revises: 0002
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, Sequence[str], None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'claim_matches',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('article_id', sa.String(length=40), nullable=False),
        sa.Column('claim_start', sa.Integer(), nullable=False),
        sa.Column('claim_end', sa.Integer(), nullable=False),
        sa.Column('factcheck_id', sa.String(length=256), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['articles.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_claim_matches_article', 'claim_matches', ['article_id'])
    op.create_index('ix_claim_matches_factcheck', 'claim_matches', ['factcheck_id'])


def downgrade() -> None:
    op.drop_index('ix_claim_matches_factcheck', table_name='claim_matches')
    op.drop_index('ix_claim_matches_article', table_name='claim_matches')
    op.drop_table('claim_matches')
