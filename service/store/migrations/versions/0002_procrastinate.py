"""procrastinate's own schema (the queue of `offduty worker`), on PostgreSQL only.

The schema of the procrastinate release pinned in pyproject.toml (3.10), as procrastinate ships
it. Moving to a later procrastinate means a new revision that applies its migration files
(`procrastinate.schema.SchemaManager.get_migrations_path()`) from 3.10 on.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from typing import Any

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return  # SQLite: the local pool needs no queue tables
    # The raw driver connection runs the file as procrastinate does (no bind-parameter parsing).
    _driver_connection().execute(SchemaManager.get_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _driver_connection().execute(DROP_ALL)


def _driver_connection() -> Any:
    raw = op.get_bind().connection.driver_connection
    assert raw is not None
    return raw


DROP_ALL = r"""
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT oid::regprocedure AS f FROM pg_proc WHERE proname LIKE 'procrastinate\_%' LOOP
    EXECUTE 'DROP FUNCTION IF EXISTS ' || r.f || ' CASCADE';
  END LOOP;
  DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
    procrastinate_workers CASCADE;
  FOR r IN SELECT typname FROM pg_type WHERE typname LIKE 'procrastinate\_%' AND typtype IN ('e', 'c') LOOP
    EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(r.typname) || ' CASCADE';
  END LOOP;
END $$;
"""
