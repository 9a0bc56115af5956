"""Consult booking: availability settings, weekly hours, date overrides, consults.

A fresh install is bookable at once: Monday to Friday, 09:00-17:00 in the practice's zone.

Revision ID: 0002_booking
Revises: 0001_initial
Create Date: 2026-11-27

"""
from alembic import op
import secrets

import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_booking'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('booking_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consult_minutes', sa.Integer(), nullable=False),
    sa.Column('buffer_before_minutes', sa.Integer(), nullable=False),
    sa.Column('buffer_after_minutes', sa.Integer(), nullable=False),
    sa.Column('min_notice_minutes', sa.Integer(), nullable=False),
    sa.Column('horizon_days', sa.Integer(), nullable=False),
    sa.Column('step_minutes', sa.Integer(), nullable=False),
    sa.Column('max_per_day', sa.Integer(), nullable=True),
    sa.Column('reminder_hours', sa.Integer(), nullable=False),
    sa.Column('feed_secret', sa.String(length=64), nullable=False),
    sa.Column('calendar_version', sa.Integer(), nullable=False),
    sa.CheckConstraint('buffer_after_minutes BETWEEN 0 AND 240', name=op.f('ck_booking_settings_buffer_after_range')),
    sa.CheckConstraint('buffer_before_minutes BETWEEN 0 AND 240', name=op.f('ck_booking_settings_buffer_before_range')),
    sa.CheckConstraint('consult_minutes BETWEEN 10 AND 240', name=op.f('ck_booking_settings_consult_minutes_range')),
    sa.CheckConstraint('horizon_days BETWEEN 1 AND 365', name=op.f('ck_booking_settings_horizon_range')),
    sa.CheckConstraint('id = 1', name=op.f('ck_booking_settings_single_row')),
    sa.CheckConstraint('max_per_day IS NULL OR max_per_day > 0', name=op.f('ck_booking_settings_max_per_day_positive')),
    sa.CheckConstraint('min_notice_minutes BETWEEN 0 AND 43200', name=op.f('ck_booking_settings_min_notice_range')),
    sa.CheckConstraint('reminder_hours BETWEEN 1 AND 168', name=op.f('ck_booking_settings_reminder_hours_range')),
    sa.CheckConstraint('step_minutes BETWEEN 5 AND 240', name=op.f('ck_booking_settings_step_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_settings')),
    sa.UniqueConstraint('feed_secret', name=op.f('uq_booking_settings_feed_secret'))
    )
    op.create_table('date_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('start_minute', sa.SmallInteger(), nullable=True),
    sa.Column('end_minute', sa.SmallInteger(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.CheckConstraint('(start_minute IS NULL AND end_minute IS NULL) OR (start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440)', name=op.f('ck_date_overrides_closed_or_ordered')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_date_overrides'))
    )
    with op.batch_alter_table('date_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_date_overrides_day'), ['day'], unique=False)

    op.create_table('weekly_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('start_minute', sa.SmallInteger(), nullable=False),
    sa.Column('end_minute', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440', name=op.f('ck_weekly_hours_minutes_ordered')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_weekly_hours_weekday_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_hours'))
    )
    with op.batch_alter_table('weekly_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weekly_hours_weekday'), ['weekday'], unique=False)

    op.create_table('consults',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('partner_one_name', sa.String(length=80), nullable=False),
    sa.Column('partner_two_name', sa.String(length=80), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('partner_email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('package_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('visitor_timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.String(length=16), nullable=True),
    sa.Column('reminder_sent_for', sa.DateTime(timezone=True), nullable=True),
    sa.Column('couple_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status <> 'cancelled' OR cancelled_at IS NOT NULL", name=op.f('ck_consults_cancelled_has_time')),
    sa.CheckConstraint("status IN ('booked', 'cancelled', 'no_show', 'converted')", name=op.f('ck_consults_status_known')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_consults_email_lowercase')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_consults_ends_after_start')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_consults_sequence_not_negative')),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_consults_couple_id_couples'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_consults_package_id_packages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consults')),
    sa.UniqueConstraint('public_id', name=op.f('uq_consults_public_id'))
    )
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.create_index('ix_consults_start_at', ['start_at'], unique=False)
        batch_op.create_index('uq_consults_start_at_live', ['start_at'], unique=True, sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))

    seed_bookable_defaults()


def seed_bookable_defaults():
    settings = sa.table(
        "booking_settings",
        sa.column("id", sa.Integer),
        sa.column("consult_minutes", sa.Integer),
        sa.column("buffer_before_minutes", sa.Integer),
        sa.column("buffer_after_minutes", sa.Integer),
        sa.column("min_notice_minutes", sa.Integer),
        sa.column("horizon_days", sa.Integer),
        sa.column("step_minutes", sa.Integer),
        sa.column("reminder_hours", sa.Integer),
        sa.column("feed_secret", sa.String),
        sa.column("calendar_version", sa.Integer),
    )
    op.bulk_insert(settings, [{
        "id": 1,
        "consult_minutes": 30,
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 0,
        "min_notice_minutes": 12 * 60,
        "horizon_days": 60,
        "step_minutes": 30,
        "reminder_hours": 24,
        "feed_secret": secrets.token_urlsafe(24),
        "calendar_version": 0,
    }])
    hours = sa.table(
        "weekly_hours",
        sa.column("weekday", sa.SmallInteger),
        sa.column("start_minute", sa.SmallInteger),
        sa.column("end_minute", sa.SmallInteger),
    )
    op.bulk_insert(hours, [
        {"weekday": weekday, "start_minute": 9 * 60, "end_minute": 17 * 60} for weekday in range(5)
    ])


def downgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.drop_index('uq_consults_start_at_live', sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))
        batch_op.drop_index('ix_consults_start_at')

    op.drop_table('consults')
    with op.batch_alter_table('weekly_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_weekly_hours_weekday'))

    op.drop_table('weekly_hours')
    with op.batch_alter_table('date_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_date_overrides_day'))

    op.drop_table('date_overrides')
    op.drop_table('booking_settings')
