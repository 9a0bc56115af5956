"""Languages and formats: each person may choose theirs (else their browser's is used), and
the practice has a default for everyone else (US English, as before).

Revision ID: 0019_locales
Revises: 0018_partner_email_choices
Create Date: 2026-11-27

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019_locales'
down_revision = '0018_partner_email_choices'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=True))
    with op.batch_alter_table('practice_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_locale', sa.String(length=16), nullable=False,
                                      server_default='en_US'))


def downgrade():
    with op.batch_alter_table('practice_settings', schema=None) as batch_op:
        batch_op.drop_column('default_locale')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
