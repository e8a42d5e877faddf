"""Applying the store's Alembic migrations (shipped as package data in `migrations/`).

The server applies them on start and `offduty db upgrade` on request. On PostgreSQL a revision
also installs procrastinate's own schema (the queue the workers read), so one command prepares
the whole database.
"""

from __future__ import annotations

import logging
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

log = logging.getLogger(__name__)


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("offduty.service.store") / "migrations"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = _config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
    log.info("database schema at %s", head())


def head() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_current(engine: Engine) -> bool:
    return current(engine) == head()
