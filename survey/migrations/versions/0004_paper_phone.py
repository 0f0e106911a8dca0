"""paper and phone: returned paper forms keyed per pass and their resolution; call attempts

Revision ID: 0004_paper_phone
Revises: 0003_letters
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = "0004_paper_phone"
down_revision = "0003_letters"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "paper_form",
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("double_entry", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("conflict", sa.Text(), nullable=True),
        sa.Column("completed_by", sa.String(length=64), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["sample_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("sample_unit_id"),
    )
    op.create_index("ix_paper_form_status", "paper_form", ["status"])
    op.create_table(
        "paper_pass",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("pass_number", sa.Integer(), nullable=False),
        sa.Column("keyer", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["paper_form.sample_unit_id"],
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sample_unit_id", "pass_number"),
    )
    op.create_index("ix_paper_pass_sample_unit_id", "paper_pass", ["sample_unit_id"])
    op.create_table(
        "paper_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("pass_number", sa.Integer(), nullable=False),
        sa.Column("keyer", sa.String(length=64), nullable=False),
        sa.Column("page_id", sa.String(length=64), nullable=False),
        sa.Column("variable", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["paper_form.sample_unit_id"],
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sample_unit_id", "pass_number", "variable"),
    )
    op.create_index("ix_paper_entry_sample_unit_id", "paper_entry", ["sample_unit_id"])
    op.create_table(
        "paper_resolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("variable", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("resolved_by", sa.String(length=64), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["paper_form.sample_unit_id"],
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sample_unit_id", "variable"),
    )
    op.create_index("ix_paper_resolution_sample_unit_id", "paper_resolution", ["sample_unit_id"])
    op.create_table(
        "call_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("appointment_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("interviewer", sa.String(length=64), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["sample_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_call_attempt_sample_unit_id", "call_attempt", ["sample_unit_id"])


def downgrade():
    op.drop_index("ix_call_attempt_sample_unit_id", table_name="call_attempt")
    op.drop_table("call_attempt")
    op.drop_index("ix_paper_resolution_sample_unit_id", table_name="paper_resolution")
    op.drop_table("paper_resolution")
    op.drop_index("ix_paper_entry_sample_unit_id", table_name="paper_entry")
    op.drop_table("paper_entry")
    op.drop_index("ix_paper_pass_sample_unit_id", table_name="paper_pass")
    op.drop_table("paper_pass")
    op.drop_index("ix_paper_form_status", table_name="paper_form")
    op.drop_table("paper_form")
