"""Coach workspace: enrollments, status history, notes, intake, coaching sessions, audit log.

Existing couples get an enrollment in their current package and a first status entry, so
every couple has a history from the start. The intake ships with a few questions.

Revision ID: 0003_workspace
Revises: 0002_booking
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_workspace'
down_revision = '0002_booking'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('intake_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('prompt', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_questions'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_created_at'), ['created_at'], unique=False)

    op.create_table('coach_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_coach_notes_body_not_empty')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_coach_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_coach_notes_couple_id_couples'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coach_notes'))
    )
    with op.batch_alter_table('coach_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coach_notes_couple_id'), ['couple_id'], unique=False)

    op.create_table('couple_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('lead', 'active', 'paused', 'completed', 'archived')", name=op.f('ck_couple_status_changes_status_known')),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_couple_status_changes_couple_id_couples'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_couple_status_changes'))
    )
    with op.batch_alter_table('couple_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_couple_status_changes_couple_id'), ['couple_id'], unique=False)

    op.create_table('enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('sessions_included', sa.Integer(), nullable=False),
    sa.Column('session_minutes', sa.Integer(), nullable=False),
    sa.Column('price_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_enrollments_currency_iso')),
    sa.CheckConstraint('price_cents >= 0', name=op.f('ck_enrollments_price_not_negative')),
    sa.CheckConstraint('session_minutes BETWEEN 15 AND 480', name=op.f('ck_enrollments_session_minutes_range')),
    sa.CheckConstraint('sessions_included > 0', name=op.f('ck_enrollments_sessions_positive')),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_enrollments_couple_id_couples'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['package_id'], ['packages.id'], name=op.f('fk_enrollments_package_id_packages'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments'))
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_couple_id'), ['couple_id'], unique=False)
        batch_op.create_index('uq_enrollments_current', ['couple_id'], unique=True, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('coaching_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('booked_by', sa.String(length=16), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("booked_by IN ('coach', 'partner')", name=op.f('ck_coaching_sessions_booked_by_known')),
    sa.CheckConstraint("status IN ('scheduled', 'held', 'no_show', 'cancelled')", name=op.f('ck_coaching_sessions_status_known')),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_coaching_sessions_ends_after_start')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_coaching_sessions_sequence_not_negative')),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_coaching_sessions_couple_id_couples'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_coaching_sessions_enrollment_id_enrollments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_sessions')),
    sa.UniqueConstraint('public_id', name=op.f('uq_coaching_sessions_public_id'))
    )
    with op.batch_alter_table('coaching_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coaching_sessions_couple_id'), ['couple_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coaching_sessions_enrollment_id'), ['enrollment_id'], unique=False)
        batch_op.create_index('ix_coaching_sessions_start_at', ['start_at'], unique=False)

    op.create_table('intake_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_intake_answers_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['intake_questions.id'], name=op.f('fk_intake_answers_question_id_intake_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_answers')),
    sa.UniqueConstraint('partner_id', 'question_id', name=op.f('uq_intake_answers_partner_id_question_id'))
    )
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invite_nonce', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('intake_completed_at', sa.DateTime(timezone=True), nullable=True))

    seed_intake_questions()
    backfill_history()


INTAKE_QUESTIONS = [
    "How long have you been together?",
    "Do you have children? If so, how old are they?",
    "What made you reach out for coaching now?",
    "What would be different in six months if coaching works for you?",
]


def seed_intake_questions():
    questions = sa.table(
        "intake_questions",
        sa.column("position", sa.Integer),
        sa.column("prompt", sa.String),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        questions,
        [{"position": i, "prompt": p, "active": True} for i, p in enumerate(INTAKE_QUESTIONS, 1)],
    )


def backfill_history():
    bind = op.get_bind()
    couples = bind.execute(sa.text(
        "SELECT c.id, c.status, c.created_at, c.status_changed_at, c.package_id,"
        " p.sessions_included, p.session_minutes, p.price_cents, p.currency"
        " FROM couples c LEFT JOIN packages p ON p.id = c.package_id"
    )).mappings().all()
    for c in couples:
        bind.execute(
            sa.text(
                "INSERT INTO couple_status_changes (couple_id, status, changed_at)"
                " VALUES (:id, :status, :at)"
            ),
            {"id": c["id"], "status": c["status"], "at": c["status_changed_at"]},
        )
        if c["package_id"] is not None:
            created = c["created_at"]
            start = created.date() if hasattr(created, "date") else str(created)[:10]
            bind.execute(
                sa.text(
                    "INSERT INTO enrollments (couple_id, package_id, start_date,"
                    " sessions_included, session_minutes, price_cents, currency, created_at)"
                    " VALUES (:id, :package, :start, :n, :m, :price, :cur, :at)"
                ),
                {"id": c["id"], "package": c["package_id"], "start": start,
                 "n": c["sessions_included"], "m": c["session_minutes"],
                 "price": c["price_cents"], "cur": c["currency"], "at": created},
            )


def downgrade():
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('intake_completed_at')
        batch_op.drop_column('invited_at')
        batch_op.drop_column('invite_nonce')

    op.drop_table('intake_answers')
    with op.batch_alter_table('coaching_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_coaching_sessions_start_at')
        batch_op.drop_index(batch_op.f('ix_coaching_sessions_enrollment_id'))
        batch_op.drop_index(batch_op.f('ix_coaching_sessions_couple_id'))

    op.drop_table('coaching_sessions')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index('uq_enrollments_current', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_enrollments_couple_id'))

    op.drop_table('enrollments')
    with op.batch_alter_table('couple_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_couple_status_changes_couple_id'))

    op.drop_table('couple_status_changes')
    with op.batch_alter_table('coach_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coach_notes_couple_id'))

    op.drop_table('coach_notes')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_created_at'))

    op.drop_table('audit_events')
    op.drop_table('intake_questions')
