"""sample batches (register imports, imported samples, draws) and the register frame's members

Revision ID: 0005_sample_import
Revises: 0004_paper_phone
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = "0005_sample_import"
down_revision = "0004_paper_phone"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sample_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("reference_date", sa.Date(), nullable=True),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("frame_batch_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["edition_id"], ["edition.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["frame_batch_id"], ["sample_batch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sample_batch_edition_id", "sample_batch", ["edition_id"])
    op.create_table(
        "identity_frame_member",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["sample_batch.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["identity_person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("batch_id", "person_id"),
    )
    op.create_index("ix_identity_frame_member_person_id", "identity_frame_member", ["person_id"])


def downgrade():
    op.drop_index("ix_identity_frame_member_person_id", table_name="identity_frame_member")
    op.drop_table("identity_frame_member")
    op.drop_index("ix_sample_batch_edition_id", table_name="sample_batch")
    op.drop_table("sample_batch")
