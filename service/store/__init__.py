"""The job store: SQLAlchemy 2 tables, the repository (the only code that opens database
sessions) and the Alembic migrations. It imports neither FastAPI nor the solver."""

from offduty.service.store.engine import libpq_url, redacted
from offduty.service.store.records import (
    ACTIVE_STATES,
    FINISHED_STATES,
    ComparisonRecord,
    EventRecord,
    JobRecord,
    KeyRecord,
    NewJob,
    SolutionRecord,
)
from offduty.service.store.repository import DuplicateRequest, Enqueue, Store, now, sha256

__all__ = [
    "ACTIVE_STATES",
    "FINISHED_STATES",
    "ComparisonRecord",
    "DuplicateRequest",
    "Enqueue",
    "EventRecord",
    "JobRecord",
    "KeyRecord",
    "NewJob",
    "SolutionRecord",
    "Store",
    "libpq_url",
    "now",
    "redacted",
    "sha256",
]
