"""the analysis snapshot: each edition's wide answers as one columnar blob, so the report and
`data: db` no longer pivot millions of answer rows on every run (survey.fieldwork.wide_table)

Revision ID: 0009_analysis_snapshot
Revises: 0008_fieldwork_coordinator
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa


revision = "0009_analysis_snapshot"
down_revision = "0008_fieldwork_coordinator"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "analysis_snapshot",
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["edition_id"], ["edition.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("edition_id"),
    )


def downgrade():
    op.drop_table("analysis_snapshot")
