"""Consults: the reason a visitor may give when cancelling (optional; shown to the coach).

Revision ID: 0017_consult_cancel_reason
Revises: 0016_practice_settings
Create Date: 2026-11-27

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017_consult_cancel_reason'
down_revision = '0016_practice_settings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            'cancel_reason_short', 'cancel_reason IS NULL OR length(cancel_reason) <= 500'
        )


def downgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.drop_constraint('cancel_reason_short', type_='check')
        batch_op.drop_column('cancel_reason')
