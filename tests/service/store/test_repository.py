"""The repository on both databases: migrations, compare-and-set state changes, events, idempotency,
stalled jobs, and SQLite's settings for concurrent writers."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import inspect, text

from offduty.service.store import DuplicateRequest, NewJob, Store, now
from offduty.service.store.schema import current, head


def new_job(job_id: str, key: str = "k_1", agency: str = "kcpd", **kw: Any) -> NewJob:
    return NewJob(
        id=job_id,
        agency=agency,
        key_id=key,
        instance_name="tiny",
        members=3,
        positions=3,
        parameters={"strategy": "seniority"},
        solver_version="test",
        document='{"name": "tiny"}',
        max_attempts=2,
        **kw,
    )


def test_migrations_reach_head_and_are_idempotent(store: Store) -> None:
    assert current(store.engine) == head() and store.schema_is_current()
    store.upgrade()  # a second run changes nothing
    tables = set(inspect(store.engine).get_table_names())
    assert {"solve_jobs", "job_inputs", "job_solutions", "job_events", "comparisons", "api_keys"} <= tables
    if store.backend == "postgresql":
        assert "procrastinate_jobs" in tables  # procrastinate's schema is a revision too
    else:
        assert not any(t.startswith("procrastinate") for t in tables)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Any) -> None:
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    store.close()


def test_a_job_is_created_with_its_input_and_first_event(store: Store) -> None:
    enqueued = []
    [job] = store.add_jobs([new_job("j1")], lambda job_id, conn: enqueued.append(job_id) or "ref-1")
    assert job.state == "queued" and job.attempts == 0 and enqueued == ["j1"]
    assert store.job_input("j1") == '{"name": "tiny"}'
    assert store.get_job("j1").queue_ref == "ref-1"  # type: ignore[union-attr]
    assert [(e.kind, e.data) for e in store.events_after("j1")] == [("state", {"state": "queued"})]


def test_a_failing_enqueue_creates_nothing(store: Store) -> None:
    def broken(job_id: str, conn: Any) -> str:
        raise RuntimeError("queue down")

    with pytest.raises(RuntimeError):
        store.add_jobs([new_job("j1")], broken)
    assert store.get_job("j1") is None and store.job_input("j1") is None


def test_other_agencies_do_not_see_a_job(store: Store) -> None:
    store.add_jobs([new_job("j1", agency="kcpd")], None)
    assert store.get_job("j1", "kcpd") is not None
    assert store.get_job("j1", "other") is None
    assert store.list_jobs("other") == [] and len(store.list_jobs("kcpd")) == 1


def test_an_idempotency_key_is_unique_per_api_key(store: Store) -> None:
    store.add_jobs([new_job("j1", idempotency_key="abc", request_hash="h")], None)
    with pytest.raises(DuplicateRequest) as caught:
        store.add_jobs([new_job("j2", idempotency_key="abc", request_hash="h")], None)
    assert caught.value.existing.id == "j1"
    store.add_jobs([new_job("j3", key="k_2", idempotency_key="abc")], None)  # another API key may reuse it


def test_only_one_worker_claims_a_job(store: Store) -> None:
    store.add_jobs([new_job("j1")], None)
    winners = []
    barrier = threading.Barrier(4)

    def claim(name: str) -> None:
        barrier.wait()
        if store.claim("j1", name) is not None:
            winners.append(name)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    job = store.get_job("j1")
    assert job is not None and job.state == "running" and job.attempts == 1 and job.worker == winners[0]


def test_writes_of_a_replaced_attempt_are_refused(store: Store) -> None:
    store.add_jobs([new_job("j1")], None)
    store.claim("j1", "w1")
    assert store.requeue("j1", 1, "worker lost", None)
    store.claim("j1", "w2")  # attempt 2
    assert not store.record_progress("j1", 1, {"tier": "coverage"})
    assert store.finish("j1", 1, "succeeded", solve_status="optimal") is None
    done = store.finish("j1", 2, "succeeded", solve_status="optimal", solution='{"status": "optimal"}')
    assert done is not None and done.state == "succeeded" and done.has_solution
    assert store.finish("j1", 2, "failed") is None  # finished jobs stay finished


def test_cancelling_a_queued_job_ends_it_and_a_running_one_is_asked(store: Store) -> None:
    store.add_jobs([new_job("queued"), new_job("running")], None)
    store.claim("running", "w1")
    assert store.request_cancel("queued").state == "cancelled"  # type: ignore[union-attr]
    assert store.claim("queued", "w1") is None  # it never starts
    asked = store.request_cancel("running")
    assert asked is not None and asked.state == "running" and asked.cancel_requested_at is not None
    assert store.cancel_requests(["running", "queued"]) == {"running", "queued"}


def test_events_resume_after_an_id(store: Store) -> None:
    store.add_jobs([new_job("j1")], None)
    store.claim("j1", "w1")
    store.record_progress("j1", 1, {"tier": "coverage", "gap": 0.5})
    store.save_best("j1", 1, '{"status": "feasible"}', {"filled": 2})
    store.finish("j1", 1, "succeeded", solve_status="optimal", solution='{"status": "optimal"}')
    events = store.events_after("j1")
    assert [e.kind for e in events] == ["state", "state", "progress", "solution", "solution", "state"]
    assert [e.id for e in events] == sorted(e.id for e in events)
    assert store.events_after("j1", events[2].id) == events[3:]
    solution = store.solution("j1")
    assert solution is not None and solution.final and "optimal" in solution.document


def test_stalled_jobs_are_those_without_a_recent_heartbeat(store: Store) -> None:
    store.add_jobs([new_job("j1"), new_job("j2")], None)
    store.claim("j1", "w1")
    store.claim("j2", "w2")
    later = now() + dt.timedelta(seconds=60)
    assert {j.id for j in store.stalled_jobs(later)} == {"j1", "j2"}
    assert store.stalled_jobs(now() - dt.timedelta(seconds=60)) == []


def test_concurrent_writers_never_see_a_locked_database(store: Store) -> None:
    """Many threads writing at once (progress, claims, events): every write lands."""
    store.add_jobs([new_job(f"j{i}") for i in range(8)], None)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            store.claim(f"j{i}", f"w{i}")
            for n in range(15):
                store.record_progress(f"j{i}", 1, {"tier": "coverage", "n": n})
                store.heartbeat(f"w{i}", [f"j{i}"])
            store.finish(f"j{i}", 1, "succeeded", solve_status="optimal", solution="{}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(j.state == "succeeded" for j in store.list_jobs("kcpd", limit=100))
    assert sum(1 for i in range(8) for e in store.events_after(f"j{i}") if e.kind == "progress") == 8 * 15
