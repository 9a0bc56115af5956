"""Partners choose which emails they get, kind by kind: encouragement from the coach and
session invitations (the daily homework email already had its own hour). Both on, as before.

Revision ID: 0018_partner_email_choices
Revises: 0017_consult_cancel_reason
Create Date: 2026-11-27

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018_partner_email_choices'
down_revision = '0017_consult_cancel_reason'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_encouragement', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.add_column(sa.Column('email_sessions', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('email_sessions')
        batch_op.drop_column('email_encouragement')
