"""The service's settings (pydantic-settings): the database, the workers, the limits.

Every field can be set by an environment variable `OFFDUTY_<FIELD>` (e.g. `OFFDUTY_DATABASE_URL`,
`OFFDUTY_MAX_TIME_LIMIT`) or, for the common ones, by a CLI option (`offduty serve --db URL
--workers N`).

The default database is a SQLite file in the user's data directory (`platformdirs`:
`~/.local/share/offduty/offduty.db` on Linux), not the current directory: a server started from
any folder then finds the same jobs and keys, and `offduty keys create` (run anywhere) writes
where `offduty serve` reads. Pass `--db sqlite:///./offduty.db` for a file next to you, or
`--db postgresql://host/db` to share the store between machines (then `offduty worker` runs the
solves; see README).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    path = Path(platformdirs.user_data_dir("offduty", appauthor=False)) / "offduty.db"
    return f"sqlite:///{path}"


def cores() -> int:
    """Cores this process may use (the affinity mask, which containers and taskset narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OFFDUTY_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy URL: sqlite:///path (default) or postgresql://...",
    )
    #: Solves running at once in this process's pool (`offduty serve` on SQLite, `offduty worker`);
    #: None: as many as the cores allow with `cpsat_workers` each.
    workers: int | None = Field(default=None, ge=1)
    #: CP-SAT workers per solve (1 is fastest on 2 cores, see solver/params.py).
    cpsat_workers: int = Field(default=1, ge=1)
    #: A cancelled solve gets this long to stop and hand back its best roster before it is killed.
    cancel_grace_s: float = Field(default=5.0, gt=0)
    #: Supervisors touch their running jobs this often...
    heartbeat_s: float = Field(default=2.0, gt=0)
    #: ... and a running job untouched for this long was left by a dead worker or server.
    stale_after_s: float = Field(default=20.0, gt=0)
    #: Runs of a job (the first included) before a lost job is failed.
    max_attempts: int = Field(default=3, ge=1)
    #: A solve still running after this long first stores the verified greedy roster as its best
    #: so far (solves that end sooner never pay for it).
    provisional_after_s: float = Field(default=2.0, ge=0)
    #: Progress is written to the store at most this often per job.
    progress_interval_s: float = Field(default=0.5, ge=0)
    #: An event stream ends after this long (clients reconnect with Last-Event-ID).
    sse_max_s: float = Field(default=900.0, gt=0)

    # --- limits ---------------------------------------------------------------------------------
    max_body_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    #: One uploaded file of POST /imports (the whole upload is capped by `max_body_bytes`).
    max_upload_file_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    max_members: int = Field(default=20_000, ge=1)
    max_positions: int = Field(default=20_000, ge=1)
    max_events: int = Field(default=5_000, ge=1)
    max_time_limit: float = Field(default=600.0, gt=0)
    default_time_limit: float = Field(default=60.0, gt=0)
    #: Jobs a key may have queued or running at once (429 beyond).
    max_active_jobs_per_key: int = Field(default=20, ge=1)
    #: Requests per key and minute (a token bucket per server process; 429 with Retry-After).
    rate_per_minute: int = Field(default=1200, ge=1)
    #: Jobs one comparison may create (strategies × policies).
    max_comparison_jobs: int = Field(default=12, ge=1)

    # --- notifications outbox (docs/resolve.md) -------------------------------------------------
    #: SMTP server for e-mail notices (none: no e-mail channel).
    notify_smtp_host: str | None = None
    notify_smtp_port: int = Field(default=25, ge=1, le=65535)
    notify_smtp_from: str = "offduty@localhost"
    #: The agency's webhook for every notice, signed with `notify_webhook_secret` (HMAC-SHA256).
    notify_webhook_url: str | None = None
    notify_webhook_secret: str | None = Field(default=None, repr=False)
    #: Retries: after a failure wait base × 2^attempts seconds, at most `notify_retry_max_s`.
    notify_retry_base_s: float = Field(default=2.0, gt=0)
    notify_retry_max_s: float = Field(default=600.0, gt=0)
    #: How often the server's deliverer looks for due messages.
    notify_interval_s: float = Field(default=1.0, gt=0)

    # --- the web page (service/web, docs/web.md) ---------------------------------------------------
    #: Signs the web page's session cookie. Unset: a random secret made once per install and kept
    #: in the user's data directory (`session-secret`, mode 0600); set it (the same on every
    #: server) when several servers share a database.
    session_secret: str | None = Field(default=None, repr=False, min_length=16)
    #: The session cookie is sent over HTTPS only (browsers treat http://localhost as secure).
    session_https_only: bool = True
    #: A web session lasts this long.
    session_max_age_s: int = Field(default=8 * 3600, ge=60)
    #: Failed logins allowed per client address and minute (429 beyond).
    login_attempts_per_minute: int = Field(default=10, ge=1)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgres")

    def pool_size(self) -> int:
        """Solves at once in one pool: running solves × CP-SAT workers never exceeds the cores."""
        most = max(1, cores() // self.cpsat_workers)
        return most if self.workers is None else min(self.workers, most)
