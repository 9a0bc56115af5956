"""Initial schema: users, packages (with the three that ship), couples, partners, email outbox.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'sending' OR lease_expires_at IS NOT NULL", name=op.f('ck_outbox_messages_sending_has_lease')),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_outbox_messages_status_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_messages_attempts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('audience', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('sessions_included', sa.Integer(), nullable=False),
    sa.Column('session_minutes', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('length(currency) = 3 AND currency = upper(currency)', name=op.f('ck_packages_currency_iso')),
    sa.CheckConstraint('price_cents >= 0', name=op.f('ck_packages_price_not_negative')),
    sa.CheckConstraint('session_minutes BETWEEN 15 AND 480', name=op.f('ck_packages_session_minutes_range')),
    sa.CheckConstraint('sessions_included > 0', name=op.f('ck_packages_sessions_positive')),
    sa.CheckConstraint('slug = lower(slug)', name=op.f('ck_packages_slug_lowercase')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packages')),
    sa.UniqueConstraint('slug', name=op.f('uq_packages_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("email LIKE '%_@_%'", name=op.f('ck_users_email_shape')),
    sa.CheckConstraint("role IN ('coach', 'client')", name=op.f('ck_users_role_known')),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.CheckConstraint('session_version > 0', name=op.f('ck_users_session_version_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('couples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('lead', 'active', 'paused', 'completed', 'archived')", name=op.f('ck_couples_status_known')),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_couples_package_id_packages'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_couples'))
    )
    with op.batch_alter_table('couples', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_couples_package_id'), ['package_id'], unique=False)

    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('pronouns', sa.String(length=40), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('email IS NULL OR email = lower(email)', name=op.f('ck_partners_email_lowercase')),
    sa.CheckConstraint('position IN (1, 2)', name=op.f('ck_partners_position_one_or_two')),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_partners_couple_id_couples'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_partners_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners')),
    sa.UniqueConstraint('couple_id', 'position', name='uq_partners_couple_position'),
    sa.UniqueConstraint('user_id', name=op.f('uq_partners_user_id'))
    )
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partners_email'), ['email'], unique=False)

    seed_packages()


# A fresh install ships the practice's three packages; the coach edits them later.
# Written out here (not imported) so this migration keeps meaning what it meant.
PACKAGES = [
    {
        "slug": "new-sparks",
        "name": "New Sparks",
        "audience": "For couples early on who want new love to grow into something that lasts.",
        "description": (
            "Lay the groundwork while everything still feels fresh: learn to talk about the "
            "hard things early, repair quickly after a misstep, and build rituals that keep "
            "you close as life gets busier."
        ),
        "price_cents": 120000,
        "currency": "USD",
        "sessions_included": 6,
        "session_minutes": 60,
        "position": 1,
        "active": True,
    },
    {
        "slug": "old-flames",
        "name": "Old Flames",
        "audience": "For long-term couples ready to bring back the spark and feel close again.",
        "description": (
            "Years together can turn partners into roommates. Reopen honest conversation, "
            "rebuild trust where it wore thin, and make space for tenderness and desire again."
        ),
        "price_cents": 180000,
        "currency": "USD",
        "sessions_included": 8,
        "session_minutes": 75,
        "position": 2,
        "active": True,
    },
    {
        "slug": "glow-embers",
        "name": "Glow Embers",
        "audience": "For parents who want to stay partners, not only co-parents.",
        "description": (
            "Guard your relationship between school runs and bedtimes. Find small daily "
            "moments for each other and learn to make parenting decisions as one team."
        ),
        "price_cents": 150000,
        "currency": "USD",
        "sessions_included": 8,
        "session_minutes": 60,
        "position": 3,
        "active": True,
    },
]


def seed_packages():
    packages = sa.table(
        "packages",
        sa.column("slug", sa.String),
        sa.column("name", sa.String),
        sa.column("audience", sa.String),
        sa.column("description", sa.Text),
        sa.column("price_cents", sa.Integer),
        sa.column("currency", sa.String),
        sa.column("sessions_included", sa.Integer),
        sa.column("session_minutes", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(packages, PACKAGES)


def downgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partners_email'))

    op.drop_table('partners')
    with op.batch_alter_table('couples', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_couples_package_id'))

    op.drop_table('couples')
    op.drop_table('users')
    op.drop_table('packages')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_due')

    op.drop_table('outbox_messages')
