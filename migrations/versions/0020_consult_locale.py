"""The language a visitor booked in: their confirmation, reminders and updates are written in
it (and its formats), whoever or whatever sends them later.

Revision ID: 0020_consult_locale
Revises: 0019_locales
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_consult_locale'
down_revision = '0019_locales'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.drop_column('locale')
