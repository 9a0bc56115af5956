"""Outbox: a globally unique Message-ID fixed at enqueue, and a one-click unsubscribe address.

Revision ID: 0011_mail_headers
Revises: 0010_consult_held
Create Date: 2026-11-27

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_mail_headers'
down_revision = '0010_consult_held'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))
    conn = op.get_bind()
    messages = sa.table('outbox_messages', sa.column('id', sa.Integer),
                        sa.column('message_id', sa.String))
    for (message_id,) in conn.execute(sa.select(messages.c.id)).all():
        conn.execute(messages.update().where(messages.c.id == message_id)
                     .values(message_id=f"<{uuid.uuid4().hex}@coachpro>"))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.String(length=255), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_messages_message_id'), ['message_id'])


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_messages_message_id'), type_='unique')
        batch_op.drop_column('unsubscribe_url')
        batch_op.drop_column('message_id')
