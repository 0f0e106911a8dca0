"""letters: which letter went to which sample unit, in which print batch, and its return

Revision ID: 0003_letters
Revises: 0002_staff
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = "0003_letters"
down_revision = "0002_staff"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_unit_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("return_reason", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["sample_unit_id"], ["sample_unit.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sample_unit_id", "kind"),
        sa.UniqueConstraint("batch", "sequence"),
    )
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_sample_unit_id"), ["sample_unit_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_letter_batch"), ["batch"], unique=False)


def downgrade():
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_batch"))
        batch_op.drop_index(batch_op.f("ix_letter_sample_unit_id"))
    op.drop_table("letter")
