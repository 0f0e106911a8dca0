"""staff accounts, staff sessions, audit log, unit outcomes; sample_unit indexes for the dashboard

Revision ID: 0002_staff
Revises: 0001
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = "0002_staff"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "staff_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_staff_session_user_id", "staff_session", ["user_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_username", "audit_event", ["username"])
    op.create_index("ix_audit_event_action", "audit_event", ["action"])
    op.create_table(
        "unit_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("disposition", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["sample_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_unit_outcome_sample_unit_id", "unit_outcome", ["sample_unit_id"])
    # the dashboard's filter lists (DISTINCT questionnaire, wave) and its chart (completes per
    # day) read these indexes instead of scanning 75,000 sample units
    op.create_index("ix_sample_unit_edition_questionnaire_wave", "sample_unit",
                    ["edition_id", "questionnaire_id", "wave"])
    op.create_index("ix_sample_unit_edition_completed", "sample_unit",
                    ["edition_id", "status", "completed_at", "mode", "wijk_code"])


def downgrade():
    op.drop_index("ix_sample_unit_edition_completed", table_name="sample_unit")
    op.drop_index("ix_sample_unit_edition_questionnaire_wave", table_name="sample_unit")
    op.drop_index("ix_unit_outcome_sample_unit_id", table_name="unit_outcome")
    op.drop_table("unit_outcome")
    op.drop_index("ix_audit_event_action", table_name="audit_event")
    op.drop_index("ix_audit_event_username", table_name="audit_event")
    op.drop_index("ix_audit_event_at", table_name="audit_event")
    op.drop_table("audit_event")
    op.drop_index("ix_staff_session_user_id", table_name="staff_session")
    op.drop_table("staff_session")
    op.drop_table("staff_user")
