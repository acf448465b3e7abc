"""enrolment reasons and ended enrolments

Revision ID: 5c0a8a57581f
Revises: e84b4cfa4c7f
Create Date: 2026-12-02 08:53:35.273696

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c0a8a57581f'
down_revision = 'e84b4cfa4c7f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_enrolments_ended_by_id_users'), 'users', ['ended_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrolments_ended_by_id_users'), type_='foreignkey')
        batch_op.drop_column('ended_by_id')
        batch_op.drop_column('ended_at')
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('request_reason')

