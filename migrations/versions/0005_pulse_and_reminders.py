"""Weekly pulse, and each partner's opt-in daily homework email.

Revision ID: 0005_pulse
Revises: 0004_homework
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_pulse'
down_revision = '0004_homework'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pulses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('connected', sa.SmallInteger(), nullable=False),
    sa.Column('safe', sa.SmallInteger(), nullable=False),
    sa.Column('trust', sa.SmallInteger(), nullable=False),
    sa.Column('word', sa.String(length=40), nullable=True),
    sa.Column('visibility', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("visibility IN ('me', 'us', 'coach')", name=op.f('ck_pulses_visibility_known')),
    sa.CheckConstraint('connected BETWEEN 1 AND 10', name=op.f('ck_pulses_connected_range')),
    sa.CheckConstraint('safe BETWEEN 1 AND 10', name=op.f('ck_pulses_safe_range')),
    sa.CheckConstraint('trust BETWEEN 1 AND 10', name=op.f('ck_pulses_trust_range')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_pulses_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pulses')),
    sa.UniqueConstraint('partner_id', 'week_start', name=op.f('uq_pulses_partner_id_week_start'))
    )
    with op.batch_alter_table('pulses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulses_partner_id'), ['partner_id'], unique=False)

    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_hour', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('reminder_sent_on', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            'reminder_hour_range', 'reminder_hour IS NULL OR reminder_hour BETWEEN 0 AND 23'
        )



def downgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_partners_reminder_hour_range'), type_='check')
        batch_op.drop_column('reminder_sent_on')
        batch_op.drop_column('reminder_hour')

    with op.batch_alter_table('pulses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulses_partner_id'))

    op.drop_table('pulses')
