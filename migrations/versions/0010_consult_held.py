"""Consults: 'held' replaces 'converted'. Becoming a couple is what couple_id says; a consult
converted before it took place is booked again (it is still on the calendar), a past one held.

Revision ID: 0010_consult_held
Revises: 0009_security_round_two
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_consult_held'
down_revision = '0009_security_round_two'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_consults_status_known'), type_='check')
    op.execute(
        "UPDATE consults SET status = CASE WHEN end_at > CURRENT_TIMESTAMP THEN 'booked' "
        "ELSE 'held' END WHERE status = 'converted'"
    )
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_consults_status_known'),
            "status IN ('booked', 'cancelled', 'no_show', 'held')",
        )


def downgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_consults_status_known'), type_='check')
    op.execute("UPDATE consults SET status = 'converted' WHERE status = 'held' AND couple_id IS NOT NULL")
    op.execute("UPDATE consults SET status = 'booked' WHERE status = 'held'")
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_consults_status_known'),
            "status IN ('booked', 'cancelled', 'no_show', 'converted')",
        )
