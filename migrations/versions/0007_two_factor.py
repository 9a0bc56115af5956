"""Two-factor sign-in for coaches: TOTP secret and hashed recovery codes.

Revision ID: 0007_two_factor
Revises: 0006_payments
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_two_factor'
down_revision = '0006_payments'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('recovery_code_hashes', sa.JSON(), nullable=False, server_default='[]'))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('recovery_code_hashes')
        batch_op.drop_column('totp_secret')

