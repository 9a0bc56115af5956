"""Homework: the exercise library (eleven built-ins ship here), assignments, completions,
the vulnerability jar, custom milestones and coach comments.

Revision ID: 0004_homework
Revises: 0003_workspace
Create Date: 2026-11-27

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_homework'
down_revision = '0003_workspace'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exercises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=True),
    sa.Column('built_in', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('theme', sa.String(length=80), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.Column('default_cadence', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('default_visibility', sa.String(length=8), nullable=False),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("default_cadence IN ('daily', 'weekly', 'monthly', 'any')", name=op.f('ck_exercises_cadence_known')),
    sa.CheckConstraint("default_visibility IN ('me', 'us', 'coach')", name=op.f('ck_exercises_visibility_known')),
    sa.CheckConstraint("kind IN ('reflection', 'checklist', 'gratitude', 'promise', 'jar', 'timer', 'milestone')", name=op.f('ck_exercises_kind_known')),
    sa.CheckConstraint("mode IN ('each', 'together')", name=op.f('ck_exercises_mode_known')),
    sa.CheckConstraint('NOT built_in OR slug IS NOT NULL', name=op.f('ck_exercises_built_in_has_slug')),
    sa.CheckConstraint('duration_minutes BETWEEN 1 AND 240', name=op.f('ck_exercises_duration_range')),
    sa.ForeignKeyConstraint(['copied_from_id'], ['exercises.id'], name=op.f('fk_exercises_copied_from_id_exercises'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercises')),
    sa.UniqueConstraint('slug', name=op.f('uq_exercises_slug'))
    )
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('cadence', sa.String(length=16), nullable=False),
    sa.Column('weekdays', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('occurrences_limit', sa.Integer(), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('visibility', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("cadence <> 'weekly' OR weekdays <> ''", name=op.f('ck_assignments_weekly_has_days')),
    sa.CheckConstraint("cadence IN ('once', 'daily', 'weekly')", name=op.f('ck_assignments_cadence_known')),
    sa.CheckConstraint("mode IN ('each', 'together')", name=op.f('ck_assignments_mode_known')),
    sa.CheckConstraint("status IN ('active', 'paused', 'ended')", name=op.f('ck_assignments_status_known')),
    sa.CheckConstraint("visibility IN ('me', 'us', 'coach')", name=op.f('ck_assignments_visibility_known')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_assignments_ends_after_start')),
    sa.CheckConstraint('occurrences_limit IS NULL OR occurrences_limit > 0', name=op.f('ck_assignments_limit_positive')),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_assignments_couple_id_couples'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_assignments_exercise_id_exercises'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_couple_id'), ['couple_id'], unique=False)

    op.create_table('coach_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_coach_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_coach_comments_couple_id_couples'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coach_comments'))
    )
    with op.batch_alter_table('coach_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coach_comments_couple_id'), ['couple_id'], unique=False)

    op.create_table('custom_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('reached_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_custom_milestones_couple_id_couples'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_milestones'))
    )
    with op.batch_alter_table('custom_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custom_milestones_couple_id'), ['couple_id'], unique=False)

    op.create_table('assignment_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('paused_on', sa.Date(), nullable=False),
    sa.Column('resumed_on', sa.Date(), nullable=True),
    sa.CheckConstraint('resumed_on IS NULL OR resumed_on >= paused_on', name=op.f('ck_assignment_pauses_resumes_after')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_assignment_pauses_assignment_id_assignments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_pauses'))
    )
    with op.batch_alter_table('assignment_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_pauses_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('completions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('occurrence', sa.Date(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('reflection', sa.Text(), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=True),
    sa.Column('visibility', sa.String(length=8), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("visibility IN ('me', 'us', 'coach')", name=op.f('ck_completions_visibility_known')),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_completions_rating_range')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_completions_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_completions_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completions')),
    sa.UniqueConstraint('assignment_id', 'partner_id', 'occurrence', name=op.f('uq_completions_assignment_id_partner_id_occurrence'))
    )
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completions_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_completions_partner_id'), ['partner_id'], unique=False)

    op.create_table('jar_slips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('author_partner_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('discussed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('discussed_at IS NULL OR drawn_at IS NOT NULL', name=op.f('ck_jar_slips_drawn_first')),
    sa.ForeignKeyConstraint(['author_partner_id'], ['partners.id'], name=op.f('fk_jar_slips_author_partner_id_partners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_jar_slips_couple_id_couples'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jar_slips'))
    )
    with op.batch_alter_table('jar_slips', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jar_slips_couple_id'), ['couple_id'], unique=False)

    seed_exercises()


# Written out here (not imported) so this migration keeps meaning what it meant.
BUILT_IN_EXERCISES = [
    {
        "slug": "nervous-share",
        "title": "Daily nervous-share check-in",
        "theme": "Radical honesty",
        "summary": "Each of you shares one thing you were nervous to say. No white lies, and own slip-ups quickly.",
        "instructions": (
            "Find five quiet minutes, phones face down.\n\n"
            "1. Each of you names one thing you hesitated to share today: a worry, a wish, a small mistake.\n"
            "2. The listener only says thank you and asks one gentle question. No fixing, no defending.\n"
            "3. If you told a white lie or dodged something, say so now and set it straight.\n\n"
            "Afterwards, write a line about how it felt to say it out loud."
        ),
        "why": (
            "Trust grows in small deposits. Every time the hard thing is said and met with care, you both "
            "learn that honesty is safe here, and the big conversations get easier."
        ),
        "default_cadence": "daily",
        "mode": "each",
        "duration_minutes": 5,
        "kind": "reflection",
        "default_visibility": "coach",
    },
    {
        "slug": "morning-coffee",
        "title": "Morning coffee check-in",
        "theme": "Rituals of connection",
        "summary": "Over coffee or tea, each of you shares one intention for the day.",
        "instructions": (
            "Before the day pulls you apart, sit together for a few minutes.\n\n"
            "- Each share one intention for today\n"
            "- Ask what would make the day easier for the other\n"
            "- Agree on one small way to check in later"
        ),
        "why": (
            "A shared start turns two separate schedules into one team. Knowing what matters to your "
            "partner today makes it easier to support them and harder to misread them."
        ),
        "default_cadence": "daily",
        "mode": "together",
        "duration_minutes": 10,
        "kind": "checklist",
        "default_visibility": "coach",
    },
    {
        "slug": "evening-gratitude",
        "title": "Evening gratitude moment",
        "theme": "Rituals of connection",
        "summary": "Each of you names one thing you appreciated in the other today.",
        "instructions": (
            "At the end of the day, name one specific thing your partner did, said or was that you "
            "appreciated. Be concrete: *\"you made me laugh when I was tense\"* lands better than "
            "*\"you were nice\"*.\n\n"
            "Write it here; your partner can read it."
        ),
        "why": (
            "Attention shapes what we see. Looking for what went well, every day, rebalances a "
            "relationship that has been living on what went wrong."
        ),
        "default_cadence": "daily",
        "mode": "each",
        "duration_minutes": 3,
        "kind": "gratitude",
        "default_visibility": "us",
    },
    {
        "slug": "weekly-planning",
        "title": "Weekly planning session",
        "theme": "Rituals of connection",
        "summary": "Line up the week's schedules so nobody is caught off guard.",
        "instructions": (
            "Once a week, sit down with both calendars.\n\n"
            "1. Walk through each day: work, family, appointments, evenings out\n"
            "2. Spot the crunch points and decide who covers what\n"
            "3. Put one moment just for the two of you in the calendar\n"
            "4. Note anything either of you is anxious about this week"
        ),
        "why": (
            "Many arguments are really surprises. Planning together replaces guesses about each "
            "other's time with agreements, and protects time for the relationship itself."
        ),
        "default_cadence": "weekly",
        "mode": "together",
        "duration_minutes": 30,
        "kind": "checklist",
        "default_visibility": "coach",
    },
    {
        "slug": "reliability-challenge",
        "title": "Reliability Challenge",
        "theme": "Structured exercises",
        "summary": "Make one small promise each morning and mark in the evening whether you kept it.",
        "instructions": (
            "Each morning, write one small, concrete promise to your partner, such as "
            "*\"I'll call you at lunch\"* or *\"I'll be home by 6\"*.\n\n"
            "In the evening, mark honestly whether you kept it. A missed promise is information, "
            "not failure: say what got in the way."
        ),
        "why": (
            "Trust is the memory of promises kept. Small, visible, daily reliability rebuilds it "
            "faster than grand gestures do."
        ),
        "default_cadence": "daily",
        "mode": "each",
        "duration_minutes": 2,
        "kind": "promise",
        "default_visibility": "us",
    },
    {
        "slug": "vulnerability-jar",
        "title": "Vulnerability Jar",
        "theme": "Structured exercises",
        "summary": "Drop fears and insecurities into a shared jar; draw one together and talk it through.",
        "instructions": (
            "During the week, each of you adds slips to the jar: a fear, an insecurity, something "
            "you rarely say. Your partner cannot read your slips until one is drawn.\n\n"
            "1. Once a week, sit together and press *Draw together*\n"
            "2. The writer explains the slip; the other listens without judging\n"
            "3. Mark it discussed when you have talked it through"
        ),
        "why": (
            "Saying a fear out loud, and having it received gently, is one of the most direct ways "
            "to feel safe with someone. The jar makes the first step smaller."
        ),
        "default_cadence": "weekly",
        "mode": "together",
        "duration_minutes": 20,
        "kind": "jar",
        "default_visibility": "us",
    },
    {
        "slug": "silent-eye-contact",
        "title": "Silent eye contact",
        "theme": "Structured exercises",
        "summary": "Sit facing each other in silence for two minutes.",
        "instructions": (
            "Sit close, facing each other, knees almost touching. Start the timer and look into "
            "each other's eyes without talking. Smiling and laughing are allowed; looking away is "
            "fine, just come back.\n\n"
            "When the timer ends, share one word about how it felt."
        ),
        "why": (
            "Two quiet minutes of simply being seen calms the nervous system and reconnects you "
            "beyond the logistics of the day."
        ),
        "default_cadence": "any",
        "mode": "together",
        "duration_minutes": 2,
        "kind": "timer",
        "default_visibility": "coach",
    },
    {
        "slug": "small-promises",
        "title": "Keep every small promise",
        "theme": "Consistency",
        "summary": "Keep your word in small things, show affection steadily, and show up when you said.",
        "instructions": (
            "Today, pay attention to the small commitments:\n\n"
            "- Be where you said, when you said\n"
            "- Follow through on the little things you offered\n"
            "- Show affection without being asked\n\n"
            "In the evening, note one moment you were consistent and one you could do better."
        ),
        "why": (
            "Consistency is what makes trust feel effortless. When words and actions match day "
            "after day, your partner can stop watching and start relaxing."
        ),
        "default_cadence": "daily",
        "mode": "each",
        "duration_minutes": 5,
        "kind": "reflection",
        "default_visibility": "coach",
    },
    {
        "slug": "deep-share",
        "title": "Deep share",
        "theme": "Vulnerability",
        "summary": "Take turns sharing hopes and fears while the other listens without judgment.",
        "instructions": (
            "Set aside twenty minutes. One of you speaks, one listens; then swap.\n\n"
            "1. The speaker shares a hope or fear about yourselves or your future\n"
            "2. The listener does not interrupt, fix or argue\n"
            "3. The listener reflects back: *\"What I hear is…\"*, *\"That makes sense because…\"*\n"
            "4. Swap roles"
        ),
        "why": (
            "Being heard without judgment tells your partner they can bring their whole self. "
            "Empathy, practised on purpose, becomes a habit for harder moments."
        ),
        "default_cadence": "weekly",
        "mode": "together",
        "duration_minutes": 20,
        "kind": "reflection",
        "default_visibility": "coach",
    },
    {
        "slug": "open-plans",
        "title": "Open-plans check-in",
        "theme": "Transparency",
        "summary": "Be upfront about plans and commitments; swap assumptions for clarifying questions.",
        "instructions": (
            "Once a week, go through what each of you has planned or promised to others.\n\n"
            "- Share plans before they happen, not after\n"
            "- Ask one clarifying question instead of assuming\n"
            "- Name anything that made you uneasy last week"
        ),
        "why": (
            "Surprises breed suspicion; openness removes the need to guess. Asking instead of "
            "assuming keeps small misunderstandings from growing."
        ),
        "default_cadence": "weekly",
        "mode": "together",
        "duration_minutes": 15,
        "kind": "checklist",
        "default_visibility": "coach",
    },
    {
        "slug": "milestone-celebration",
        "title": "Milestone celebration",
        "theme": "Celebrate small wins",
        "summary": "Name your milestones, acknowledge each other's effort, and celebrate with a date night.",
        "instructions": (
            "Once a month, look back together.\n\n"
            "1. Name one milestone you reached, however small\n"
            "2. Tell your partner one effort of theirs you noticed\n"
            "3. Plan a date night to celebrate, and put it in the calendar"
        ),
        "why": (
            "Progress you do not notice does not feel like progress. Celebrating it makes the work "
            "visible and gives you both a reason to keep going."
        ),
        "default_cadence": "monthly",
        "mode": "together",
        "duration_minutes": 30,
        "kind": "milestone",
        "default_visibility": "us",
    },
]


def seed_exercises():
    exercises = sa.table(
        "exercises",
        sa.column("slug", sa.String),
        sa.column("built_in", sa.Boolean),
        sa.column("hidden", sa.Boolean),
        sa.column("title", sa.String),
        sa.column("theme", sa.String),
        sa.column("summary", sa.String),
        sa.column("instructions", sa.Text),
        sa.column("why", sa.Text),
        sa.column("default_cadence", sa.String),
        sa.column("mode", sa.String),
        sa.column("duration_minutes", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("default_visibility", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(timezone.utc)
    op.bulk_insert(
        exercises,
        [{**e, "built_in": True, "hidden": False, "created_at": now} for e in BUILT_IN_EXERCISES],
    )


def downgrade():
    with op.batch_alter_table('jar_slips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jar_slips_couple_id'))

    op.drop_table('jar_slips')
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completions_partner_id'))
        batch_op.drop_index(batch_op.f('ix_completions_assignment_id'))

    op.drop_table('completions')
    with op.batch_alter_table('assignment_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_pauses_assignment_id'))

    op.drop_table('assignment_pauses')
    with op.batch_alter_table('custom_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custom_milestones_couple_id'))

    op.drop_table('custom_milestones')
    with op.batch_alter_table('coach_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coach_comments_couple_id'))

    op.drop_table('coach_comments')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_couple_id'))

    op.drop_table('assignments')
    op.drop_table('exercises')
