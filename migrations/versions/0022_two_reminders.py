"""Reminders for sessions as for consults, at up to two lead times the coach chooses (the
first as before, a second shorter one optional); each appointment records the start time
each reminder went out for, so a moved appointment is reminded again.

Revision ID: 0022_two_reminders
Revises: 0021_video_links
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022_two_reminders'
down_revision = '0021_video_links'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_reminder_hours', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_booking_settings_second_reminder_shorter'),
            'second_reminder_hours IS NULL OR '
            '(second_reminder_hours >= 1 AND second_reminder_hours < reminder_hours)')
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.add_column(sa.Column('second_reminder_sent_for', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('coaching_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_sent_for', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('second_reminder_sent_for', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('coaching_sessions', schema=None) as batch_op:
        batch_op.drop_column('second_reminder_sent_for')
        batch_op.drop_column('reminder_sent_for')
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.drop_column('second_reminder_sent_for')
    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_booking_settings_second_reminder_shorter'),
                                 type_='check')
        batch_op.drop_column('second_reminder_hours')
