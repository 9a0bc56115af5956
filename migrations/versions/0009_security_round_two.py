"""Security round two: random session tokens, single-use TOTP steps, a row per recovery code,
mail linked to whom it is about, prospect retention, and jar draws both partners confirm.

Revision ID: 0009_security_round_two
Revises: 0008_data_version
Create Date: 2026-11-27

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_security_round_two'
down_revision = '0008_data_version'
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()

    # Sessions: a random token per account replaces the counter every account started at 1.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String),
                     sa.column('recovery_code_hashes', sa.JSON))
    old_codes = []
    for user_id, hashes in conn.execute(sa.select(users.c.id, users.c.recovery_code_hashes)).all():
        conn.execute(users.update().where(users.c.id == user_id)
                     .values(session_token=secrets.token_urlsafe(32)))
        old_codes.extend({'user_id': user_id, 'code_hash': h} for h in set(hashes or []))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_session_token'), ['session_token'])
        batch_op.create_check_constraint(batch_op.f('ck_users_session_token_long'),
                                         'length(session_token) >= 32')
        batch_op.drop_constraint(batch_op.f('ck_users_session_version_positive'), type_='check')
        batch_op.drop_column('session_version')
        batch_op.drop_column('recovery_code_hashes')

    codes = op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('user_id', 'code_hash', name='uq_recovery_codes_user_code')
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)
    if old_codes:
        op.bulk_insert(codes, old_codes)

    # Mail knows whose it is, so an erasure takes it along.
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('couple_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('consult_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_couple_id'), ['couple_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_consult_id'), ['consult_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_couple_id_couples'), 'couples', ['couple_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_consult_id_consults'), 'consults', ['consult_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prospect_retention_months', sa.Integer(), nullable=False, server_default='12'))
        batch_op.create_check_constraint(batch_op.f('ck_booking_settings_prospect_retention_range'),
                                         'prospect_retention_months BETWEEN 1 AND 120')

    op.create_table('jar_draw_requests',
    sa.Column('couple_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_partner_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['couple_id'], ['couples.id'], name=op.f('fk_jar_draw_requests_couple_id_couples'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_partner_id'], ['partners.id'], name=op.f('fk_jar_draw_requests_requested_by_partner_id_partners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('couple_id', name=op.f('pk_jar_draw_requests'))
    )


def downgrade():
    op.drop_table('jar_draw_requests')
    with op.batch_alter_table('booking_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_booking_settings_prospect_retention_range'), type_='check')
        batch_op.drop_column('prospect_retention_months')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_consult_id_consults'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_couple_id_couples'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_consult_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_couple_id'))
        batch_op.drop_column('consult_id')
        batch_op.drop_column('couple_id')
    # Unused recovery codes go back into the list; used ones are simply gone, as before.
    conn = op.get_bind()
    codes = sa.table('recovery_codes', sa.column('user_id', sa.Integer),
                     sa.column('code_hash', sa.String), sa.column('used_at', sa.DateTime))
    unused = {}
    for user_id, code_hash in conn.execute(
        sa.select(codes.c.user_id, codes.c.code_hash).where(codes.c.used_at.is_(None))
    ):
        unused.setdefault(user_id, []).append(code_hash)
    op.drop_table('recovery_codes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('recovery_code_hashes', sa.JSON(), nullable=False, server_default='[]'))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('recovery_code_hashes', sa.JSON))
    for user_id, hashes in unused.items():
        conn.execute(users.update().where(users.c.id == user_id).values(recovery_code_hashes=hashes))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_users_session_version_positive'), 'session_version > 0')
        batch_op.drop_constraint(batch_op.f('ck_users_session_token_long'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_users_session_token'), type_='unique')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('session_token')
