"""the language of each unit's phone interview (survey.phone.interview_language), so that an
interrupted interview resumes in the language it was held in, by whichever interviewer

Revision ID: 0010_phone_interview_language
Revises: 0009_analysis_snapshot
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa


revision = "0010_phone_interview_language"
down_revision = "0009_analysis_snapshot"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "phone_interview",
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("chosen_by", sa.String(length=64), nullable=False),
        sa.Column("chosen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["sample_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("sample_unit_id"),
    )
    # before 0010 every phone interview was held in Dutch, the staff pages' only language:
    # their units get it, so the supervision page counts them and a resumed one stays Dutch
    op.execute(
        "INSERT INTO phone_interview (sample_unit_id, language, chosen_by, chosen_at) "
        "SELECT sample_unit_id, 'nl', 'migratie 0010', MIN(saved_at) FROM answer "
        "WHERE mode = 'phone' GROUP BY sample_unit_id")


def downgrade():
    op.drop_table("phone_interview")
