"""Index consults by couple: a couple's page lists the consults that became that couple, and
erasing a couple deletes them; without it both read every consult.

Revision ID: 0014_consult_couple_index
Revises: 0013_homework_tallies
Create Date: 2026-11-27

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014_consult_couple_index'
down_revision = '0013_homework_tallies'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consults_couple_id'), ['couple_id'], unique=False)


def downgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consults_couple_id'))
