"""Video calls: the practice's choice (no link, one fixed link, or a private Jitsi room per
appointment, on a Jitsi server it names), and the place (link or address) a consult keeps
from the moment it is booked, as sessions already do.

Revision ID: 0021_video_links
Revises: 0020_consult_locale
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_video_links'
down_revision = '0020_consult_locale'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practice_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('video_mode', sa.String(length=8), nullable=False,
                                      server_default='none'))
        batch_op.add_column(sa.Column('video_link', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('jitsi_host', sa.String(length=253), nullable=False,
                                      server_default='meet.jit.si'))
        batch_op.create_check_constraint(batch_op.f('ck_practice_settings_video_mode_known'),
                                         "video_mode IN ('none', 'fixed', 'jitsi')")
        batch_op.create_check_constraint(batch_op.f('ck_practice_settings_fixed_video_has_link'),
                                         "video_mode <> 'fixed' OR video_link IS NOT NULL")
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('consults', schema=None) as batch_op:
        batch_op.drop_column('location')
    with op.batch_alter_table('practice_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_practice_settings_fixed_video_has_link'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_practice_settings_video_mode_known'), type_='check')
        batch_op.drop_column('jitsi_host')
        batch_op.drop_column('video_link')
        batch_op.drop_column('video_mode')
