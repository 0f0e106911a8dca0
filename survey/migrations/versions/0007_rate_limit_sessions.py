"""the login rate limit's counts in the database (shared by every worker and app server), and
a session generation per sample unit that "stoppen" raises, so an old session cookie is refused

Revision ID: 0007_rate_limit_sessions
Revises: 0006_questionnaire_version
Create Date: 2026-11-25
"""

from alembic import op
import sqlalchemy as sa


revision = "0007_rate_limit_sessions"
down_revision = "0006_questionnaire_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "rate_limit_counter",
        sa.Column("limit_key", sa.String(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("limit_key"),
    )
    op.create_index("ix_rate_limit_counter_window_ends_at", "rate_limit_counter",
                    ["window_ends_at"])
    # plain ADD COLUMN with a default (no batch copy of the table on SQLite): sessions that
    # were open before this migration carry no generation and count as generation 0
    op.add_column("sample_unit", sa.Column("session_generation", sa.Integer(), nullable=False,
                                           server_default="0"))


def downgrade():
    with op.batch_alter_table("sample_unit") as batch_op:
        batch_op.drop_column("session_generation")
    op.drop_index("ix_rate_limit_counter_window_ends_at", table_name="rate_limit_counter")
    op.drop_table("rate_limit_counter")
