"""Homework tallies: each couple's last 7 days of homework stored, so the dashboard reads a
row per couple instead of working out every cadence. Empty at first: a tally is worked out
the first time it is read.

Revision ID: 0013_homework_tallies
Revises: 0012_no_data_version
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_homework_tallies'
down_revision = '0012_no_data_version'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('homework_tallies',
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('computed_generation', sa.Integer(), nullable=False),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('due', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.CheckConstraint('done >= 0 AND overdue >= 0 AND done <= due', name=op.f('ck_homework_tallies_counts_sane')),
    sa.CheckConstraint('done + overdue <= due', name=op.f('ck_homework_tallies_overdue_within_due')),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_homework_tallies_couple_id_couples'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('couple_id', name=op.f('pk_homework_tallies'))
    )


def downgrade():
    op.drop_table('homework_tallies')
