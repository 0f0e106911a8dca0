"""complete Dutch names and addresses (voorvoegsel, huisletter, huisnummertoevoeging,
woonplaats), one set of targets per edition, reprinted letters, paper-questionnaire requests,
and call-list assignments per interviewer (issue 16)

Revision ID: 0008_fieldwork_coordinator
Revises: 0007_rate_limit_sessions
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa


revision = "0008_fieldwork_coordinator"
down_revision = "0007_rate_limit_sessions"
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN (nullable): no batch copy of a 535,000-row table on SQLite
    op.add_column("identity_person", sa.Column("name_prefix", sa.String(length=20)))
    op.add_column("identity_person", sa.Column("house_letter", sa.String(length=1)))
    op.add_column("identity_person", sa.Column("house_number_addition", sa.String(length=4)))
    op.add_column("identity_person", sa.Column("city", sa.String(length=80)))
    op.create_table(
        "edition_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("wijk_code", sa.Integer(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("response_rate", sa.Float()),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("stored_by", sa.String(length=64)),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["edition_id"], ["edition.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["wijk_code"], ["area.wijk_code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("edition_id", "wijk_code"),
    )
    op.create_table(
        "letter_reprint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200)),
        sa.Column("printed_by", sa.String(length=64), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["letter_id"], ["letter.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_letter_reprint_letter_id", "letter_reprint", ["letter_id"])
    op.create_table(
        "paper_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=500)),
        sa.Column("sent_at", sa.DateTime()),
        sa.Column("sent_by", sa.String(length=64)),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["sample_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_paper_request_sample_unit_id", "paper_request", ["sample_unit_id"])
    op.create_table(
        "call_assignment",
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("interviewer", sa.String(length=64), nullable=False),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["sample_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("sample_unit_id"),
    )
    op.create_index("ix_call_assignment_interviewer", "call_assignment", ["interviewer"])


def downgrade():
    op.drop_index("ix_call_assignment_interviewer", table_name="call_assignment")
    op.drop_table("call_assignment")
    op.drop_index("ix_paper_request_sample_unit_id", table_name="paper_request")
    op.drop_table("paper_request")
    op.drop_index("ix_letter_reprint_letter_id", table_name="letter_reprint")
    op.drop_table("letter_reprint")
    op.drop_table("edition_target")
    with op.batch_alter_table("identity_person") as batch_op:
        for name in ("city", "house_number_addition", "house_letter", "name_prefix"):
            batch_op.drop_column(name)
