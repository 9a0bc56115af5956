"""Couples move and cancel their own sessions: a notice period the coach sets (24 hours by
default) after which moving is no longer offered online and cancelling counts the session as
used, a status of its own ("late_cancelled") so it keeps counting against the package.

Revision ID: 0023_partner_session_changes
Revises: 0022_two_reminders
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023_partner_session_changes'
down_revision = '0022_two_reminders'
branch_labels = None
depends_on = None

OLD = "status IN ('scheduled', 'held', 'no_show', 'cancelled')"
NEW = "status IN ('scheduled', 'held', 'no_show', 'cancelled', 'late_cancelled')"


def upgrade():
    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_notice_hours', sa.Integer(), nullable=False,
                                      server_default='24'))
        batch_op.create_check_constraint(batch_op.f('ck_booking_settings_session_notice_range'),
                                         'session_notice_hours BETWEEN 0 AND 168')
    with op.batch_alter_table('coaching_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_coaching_sessions_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_coaching_sessions_status_known'), NEW)


def downgrade():
    op.execute("UPDATE coaching_sessions SET status = 'no_show' WHERE status = 'late_cancelled'")
    with op.batch_alter_table('coaching_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_coaching_sessions_status_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_coaching_sessions_status_known'), OLD)
    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_booking_settings_session_notice_range'),
                                 type_='check')
        batch_op.drop_column('session_notice_hours')
