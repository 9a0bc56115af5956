"""Practice settings the coach edits in the browser: name, tagline, time zone, currency,
contact and reply-to addresses, the sender name on emails, bank-transfer instructions,
whether cards are offered, how long sent emails are kept, an accent colour and a logo (the
re-encoded image in a table of its own); and the coach's own wording of emails. No row until the coach first saves them. Each email keeps the
reply-to address it was written with.

Revision ID: 0016_practice_settings
Revises: 0015_worker
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_practice_settings'
down_revision = '0015_worker'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('tagline', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('reply_to', sa.String(length=254), nullable=True),
    sa.Column('sender_name', sa.String(length=120), nullable=True),
    sa.Column('bank_transfer_instructions', sa.Text(), nullable=True),
    sa.Column('cards_offered', sa.Boolean(), nullable=False),
    sa.Column('sent_email_retention_days', sa.Integer(), nullable=False),
    sa.Column('accent_color', sa.String(length=7), nullable=True),
    sa.Column('logo_sha256', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_practice_settings_single_row')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_practice_settings_has_name')),
    sa.CheckConstraint('length(currency) = 3 AND currency = upper(currency)', name=op.f('ck_practice_settings_currency_iso')),
    sa.CheckConstraint('sent_email_retention_days BETWEEN 7 AND 3650', name=op.f('ck_practice_settings_sent_email_retention_range')),
    sa.CheckConstraint('accent_color IS NULL OR length(accent_color) = 7', name=op.f('ck_practice_settings_accent_hex')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_settings'))
    )
    op.create_table('practice_logos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('png', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_practice_logos_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_logos'))
    )
    op.create_table('email_templates',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(subject) > 0 AND length(body) > 0', name=op.f('ck_email_templates_not_empty')),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_email_templates'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('reply_to')
    op.drop_table('practice_logos')
    op.drop_table('email_templates')
    op.drop_table('practice_settings')
