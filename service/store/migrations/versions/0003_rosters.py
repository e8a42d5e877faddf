"""Published rosters, their immutable versions, cancellations, the notifications outbox; batch
re-solves (a batch and the solve job of each of its groups).

Roster versions cannot be altered: triggers refuse every UPDATE and DELETE of `roster_versions`
on both databases (the repository never issues one; the triggers make it a fact of the store).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

SQLITE_TRIGGERS = [
    """CREATE TRIGGER roster_versions_no_update BEFORE UPDATE ON roster_versions
       BEGIN SELECT RAISE(ABORT, 'roster versions are immutable'); END""",
    """CREATE TRIGGER roster_versions_no_delete BEFORE DELETE ON roster_versions
       BEGIN SELECT RAISE(ABORT, 'roster versions are immutable'); END""",
]
POSTGRES_TRIGGERS = [
    """CREATE FUNCTION offduty_roster_versions_immutable() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'roster versions are immutable'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER roster_versions_immutable BEFORE UPDATE OR DELETE ON roster_versions
       FOR EACH ROW EXECUTE FUNCTION offduty_roster_versions_immutable()""",
]


def upgrade() -> None:
    op.create_table(
        "rosters",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("agency", sa.String(64), nullable=False, index=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("job_id", sa.String(36), nullable=False),
        sa.Column("instance", sa.Text(), nullable=False),
        sa.Column("strategy", sa.String(32), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "roster_versions",
        sa.Column("roster_id", sa.String(36), sa.ForeignKey("rosters.id"), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("assignments", sa.JSON(), nullable=False),
        sa.Column("diff", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
    )
    op.create_table(
        "roster_cancellations",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("roster_id", sa.String(36), sa.ForeignKey("rosters.id"), nullable=False, index=True),
        sa.Column("member", sa.String(64), nullable=False),
        sa.Column("position", sa.String(128), nullable=False),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("detail_start", TZ, nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("key_id", sa.String(32), nullable=False),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("delivery_key", sa.String(80), nullable=False, unique=True),
        sa.Column("message_key", sa.String(64), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("roster_id", sa.String(36), nullable=False, index=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recipient_kind", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("claimed_until", TZ, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("delivered_at", TZ, nullable=True),
    )
    op.create_index("ix_outbox_due", "outbox_messages", ["state", "next_attempt_at"])
    op.create_table(
        "batches",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("agency", sa.String(64), nullable=False, index=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "batch_jobs",
        sa.Column("batch_id", sa.String(36), sa.ForeignKey("batches.id"), primary_key=True),
        sa.Column("group_index", sa.Integer(), primary_key=True),
        sa.Column("job_id", sa.String(36), sa.ForeignKey("solve_jobs.id"), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
    )
    for statement in POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS roster_versions_immutable ON roster_versions")
        op.execute("DROP FUNCTION IF EXISTS offduty_roster_versions_immutable()")
    op.drop_index("ix_outbox_due", table_name="outbox_messages")
    for table in (
        "batch_jobs",
        "batches",
        "outbox_messages",
        "roster_cancellations",
        "roster_versions",
        "rosters",
    ):
        op.drop_table(table)
