"""The coach's own calendars: iCalendar subscriptions and CalDAV collections, the busy time
the worker copies from them (in pieces of at most a day), and the CoachPro events waiting to
be written to a CalDAV calendar.

Revision ID: 0024_coach_calendars
Revises: 0023_partner_session_changes
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_coach_calendars'
down_revision = '0023_partner_session_changes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('external_calendars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=True),
    sa.Column('secret', sa.Text(), nullable=True),
    sa.Column('writes', sa.Boolean(), nullable=False),
    sa.Column('etag', sa.String(length=300), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('ctag', sa.String(length=300), nullable=True),
    sa.Column('sync_token', sa.String(length=1000), nullable=True),
    sa.Column('covered_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('full_read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tried_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('next_refresh_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'caldav' OR (username IS NULL AND secret IS NULL)", name=op.f('ck_external_calendars_subscription_has_no_login')),
    sa.CheckConstraint("kind IN ('subscription', 'caldav')", name=op.f('ck_external_calendars_kind_known')),
    sa.CheckConstraint("writes = false OR kind = 'caldav'", name=op.f('ck_external_calendars_writes_need_caldav')),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_external_calendars_has_name')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_calendars'))
    )
    with op.batch_alter_table('external_calendars', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_calendars_next_refresh_at'), ['next_refresh_at'], unique=False)

    op.create_table('external_busy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('resource', sa.String(length=1000), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_external_busy_ends_after_start')),
    sa.ForeignKeyConstraint(['calendar_id'], ['external_calendars.id'], name=op.f('fk_external_busy_calendar_id_external_calendars'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_busy'))
    )
    with op.batch_alter_table('external_busy', schema=None) as batch_op:
        batch_op.create_index('ix_external_busy_resource', ['calendar_id', 'resource'], unique=False)
        batch_op.create_index('ix_external_busy_start_at', ['start_at'], unique=False)

    op.create_table('calendar_writes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=300), nullable=False),
    sa.Column('consult_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'done', 'failed')", name=op.f('ck_calendar_writes_status_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_calendar_writes_attempts_not_negative')),
    sa.ForeignKeyConstraint(['calendar_id'], ['external_calendars.id'], name=op.f('fk_calendar_writes_calendar_id_external_calendars'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consult_id'], ['consults.id'], name=op.f('fk_calendar_writes_consult_id_consults'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['coaching_sessions.id'], name=op.f('fk_calendar_writes_session_id_coaching_sessions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_writes')),
    sa.UniqueConstraint('calendar_id', 'uid', name='one_row_per_event')
    )
    with op.batch_alter_table('calendar_writes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_writes_consult_id'), ['consult_id'], unique=False)
        batch_op.create_index('ix_calendar_writes_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_writes_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('calendar_writes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_writes_session_id'))
        batch_op.drop_index('ix_calendar_writes_due')
        batch_op.drop_index(batch_op.f('ix_calendar_writes_consult_id'))

    op.drop_table('calendar_writes')
    with op.batch_alter_table('external_busy', schema=None) as batch_op:
        batch_op.drop_index('ix_external_busy_start_at')
        batch_op.drop_index('ix_external_busy_resource')

    op.drop_table('external_busy')
    with op.batch_alter_table('external_calendars', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_calendars_next_refresh_at'))

    op.drop_table('external_calendars')
