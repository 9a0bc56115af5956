"""Time-outs (a partner's "I need 20 minutes", logged for them; its note in the joint thread
is hidden from the coach until shared) and the "answer, then reveal" exercise kind, with a
built-in exercise of that kind.

Revision ID: 0027_time_out_and_reveal
Revises: 0026_messages
Create Date: 2026-11-28

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0027_time_out_and_reveal'
down_revision = '0026_messages'
branch_labels = None
depends_on = None

OLD_KINDS = "'reflection', 'checklist', 'gratitude', 'promise', 'jar', 'timer', 'milestone'"
NEW_KINDS = OLD_KINDS + ", 'reveal'"

ANSWER_THEN_REVEAL = {
    "slug": "answer-then-reveal",
    "title": "Answer, then reveal",
    "theme": "Communication",
    "summary": "Each of you answers the same question on your own; both answers appear once you have both answered.",
    "instructions": (
        "This week's question: *What is one small thing I do that makes you feel cared for, "
        "and one thing you wish I did a little more often?*\n\n"
        "Answer on your own, honestly and kindly. Your partner cannot read your answer until "
        "they have written theirs; then you both see both.\n\n"
        "When you have a quiet moment together, read the two answers side by side and ask one "
        "curious question about your partner's."
    ),
    "why": (
        "Answering before you hear the other keeps each answer your own, not a reply. Seeing "
        "both at once turns a question into a conversation where both of you were heard first."
    ),
    "default_cadence": "weekly",
    "mode": "each",
    "duration_minutes": 10,
    "kind": "reveal",
    "default_visibility": "us",
}


def upgrade():
    op.create_table('time_outs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('ends_at > started_at', name=op.f('ck_time_outs_ends_after_start')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_time_outs_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_time_outs_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_outs'))
    )
    with op.batch_alter_table('time_outs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_time_outs_partner_id'), ['partner_id'], unique=False)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coach_may_read', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('exercises', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_exercises_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_exercises_kind_known'), f"kind IN ({NEW_KINDS})")

    exercises = sa.table(
        "exercises",
        *(sa.column(name, sa.String) for name in ("slug", "title", "theme", "summary", "default_cadence", "mode", "kind", "default_visibility")),
        sa.column("instructions", sa.Text),
        sa.column("why", sa.Text),
        sa.column("duration_minutes", sa.Integer),
        sa.column("built_in", sa.Boolean),
        sa.column("hidden", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(exercises, [{**ANSWER_THEN_REVEAL, "built_in": True, "hidden": False,
                                "created_at": datetime.now(timezone.utc)}])


def downgrade():
    # Assignments of the built-in (and their answers) go with it; custom "reveal" exercises
    # become reflections, which is what their answers are.
    conn = op.get_bind()
    built_in = conn.execute(sa.text("SELECT id FROM exercises WHERE slug = 'answer-then-reveal'")).scalar()
    if built_in is not None:
        conn.execute(sa.text("DELETE FROM assignments WHERE exercise_id = :id"), {"id": built_in})
        conn.execute(sa.text("DELETE FROM exercises WHERE id = :id"), {"id": built_in})
    conn.execute(sa.text("UPDATE exercises SET kind = 'reflection' WHERE kind = 'reveal'"))
    with op.batch_alter_table('exercises', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_exercises_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_exercises_kind_known'), f"kind IN ({OLD_KINDS})")

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('coach_may_read')

    with op.batch_alter_table('time_outs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_outs_partner_id'))

    op.drop_table('time_outs')
