"""Text message reminders: the numbers partners and visitors confirmed (with a code sent to
them), the numbers that replied STOP, and a channel on the outbox (email or sms), so a text
is queued, retried and de-duplicated like an email.

Revision ID: 0025_text_messages
Revises: 0024_coach_calendars
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_text_messages'
down_revision = '0024_coach_calendars'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sms_opt_outs',
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('opted_out_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_sms_opt_outs'))
    )
    op.create_table('text_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('consult_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_tries', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("number LIKE '+%'", name=op.f('ck_text_numbers_e164')),
    sa.CheckConstraint('(partner_id IS NULL) <> (consult_id IS NULL)', name=op.f('ck_text_numbers_one_owner')),
    sa.CheckConstraint('code_tries BETWEEN 0 AND 5', name=op.f('ck_text_numbers_code_tries_range')),
    sa.ForeignKeyConstraint(['consult_id'], ['consults.id'], name=op.f('fk_text_numbers_consult_id_consults'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_text_numbers_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_numbers')),
    sa.UniqueConstraint('consult_id', name=op.f('uq_text_numbers_consult_id')),
    sa.UniqueConstraint('partner_id', name=op.f('uq_text_numbers_partner_id'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=8), server_default='email', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_outbox_messages_channel_known'),
                                         "channel IN ('email', 'sms')")



def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE channel = 'sms'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_messages_channel_known'), type_='check')
        batch_op.drop_column('channel')

    op.drop_table('text_numbers')
    op.drop_table('sms_opt_outs')
