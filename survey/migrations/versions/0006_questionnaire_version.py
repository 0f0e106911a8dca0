"""answers keep the questionnaire version they were given in; the answer table loses its index
on sample_unit_id alone, which the unique (sample_unit_id, variable) index already serves

Revision ID: 0006_questionnaire_version
Revises: 0005_sample_import
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_questionnaire_version"
down_revision = "0005_sample_import"
branch_labels = None
depends_on = None


def upgrade():
    # both SQLite and PostgreSQL back the unique constraint with an index that leads with
    # sample_unit_id, so lookups by unit use it; the single-column index only cost writes
    op.drop_index("ix_answer_sample_unit_id", table_name="answer")
    # plain ADD COLUMN (no batch copy of the table on SQLite); units answered before this
    # migration keep NULL: which version they saw is not known
    op.add_column("sample_unit",
                  sa.Column("questionnaire_version", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("sample_unit") as batch_op:
        batch_op.drop_column("questionnaire_version")
    op.create_index("ix_answer_sample_unit_id", "answer", ["sample_unit_id"], unique=False)
