"""The service's commands: `serve`, `worker`, `db upgrade`, `keys ...` (local, on the store) and
`jobs ...` (a client of a running server, over HTTP).

    offduty serve                                   # SQLite in the user's data dir, local pool
    offduty keys create --role coordinator --agency kcpd   # the key is the last line
    offduty jobs submit game.json --watch           # OFFDUTY_SERVER, OFFDUTY_API_KEY
    offduty serve --db postgresql://db/offduty && offduty worker --db postgresql://db/offduty
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from httpx_sse import SSEError, connect_sse
from rich.markup import escape
from rich.table import Table

from offduty.service.cli.app import Exit, app, console, out_console
from offduty.service.settings import Settings
from offduty.service.usecases import keys as key_uc

db_app = typer.Typer(help="The job store's database.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys (run where the server's database is).", no_args_is_help=True)
jobs_app = typer.Typer(help="Solve jobs on a running server (`offduty serve`).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(jobs_app, name="jobs")

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="database URL (default: OFFDUTY_DATABASE_URL, else a SQLite file in the user's data directory)",
    ),
]
ServerOpt = Annotated[str, typer.Option("--server", envvar="OFFDUTY_SERVER", help="the server's URL")]
KeyOpt = Annotated[
    str,
    typer.Option("--key", envvar="OFFDUTY_API_KEY", help="API key (or OFFDUTY_API_KEY)", show_default=False),
]
DEFAULT_SERVER = "http://127.0.0.1:8000"
FINISHED = ("succeeded", "failed", "cancelled")
#: `jobs watch` (and `submit --watch`) exit with the job's end: 0 succeeded, 1 failed, 7 cancelled
#: (codes 3-6 belong to the solving commands, see cli/app.py)
JOB_CANCELLED = 7
JOB_EXIT = {"succeeded": Exit.SOLVED, "failed": Exit.INTERNAL_ERROR, "cancelled": JOB_CANCELLED}


def _settings(db: str | None, **overrides: Any) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if db is not None:
        values["database_url"] = db
    return Settings(**values)


def _logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


# --- serve, worker, db --------------------------------------------------------------------------


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(help="solves at once in this process (SQLite; default: cores ÷ CP-SAT workers)", min=1),
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning")] = "info",
) -> None:
    """Serve the solve-job API (applies the database migrations first). On SQLite the server runs
    the solves; on PostgreSQL `offduty worker` processes do."""
    import uvicorn

    from offduty.service.api import create_app

    _logging(log_level)
    settings = _settings(db, workers=workers)
    where = "local pool" if settings.is_sqlite else "`offduty worker` processes"
    console.print(
        f"offduty: {escape(_redacted(settings.database_url))}; solves run in {where}", highlight=False
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level.lower(), access_log=False)


@app.command()
def worker(
    db: DbOpt = None,
    concurrency: Annotated[
        int | None,
        typer.Option(help="solves at once (default: cores ÷ CP-SAT workers; one worker per machine)", min=1),
    ] = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning")] = "info",
) -> None:
    """Run solves from the PostgreSQL queue (procrastinate); as many workers and machines as you like."""
    from offduty.service.api.app import build_services
    from offduty.service.worker import Worker

    _logging(log_level)
    settings = _settings(db, workers=concurrency)
    if not settings.is_postgres:
        console.print(
            "offduty worker needs a PostgreSQL database (--db postgresql://...); on SQLite "
            "`offduty serve` runs the solves itself",
            style="red",
            markup=False,
        )
        raise typer.Exit(Exit.USAGE)
    services = build_services(settings)
    services.store.upgrade()
    asyncio.run(Worker(services, concurrency).run())


@db_app.command("upgrade")
def db_upgrade(db: DbOpt = None) -> None:
    """Apply the migrations (on PostgreSQL, procrastinate's schema too)."""
    from offduty.service.store import Store

    settings = _settings(db)
    store = Store(settings.database_url)
    store.upgrade()
    out_console.print(f"{escape(_redacted(settings.database_url))}: schema is current", highlight=False)


# --- keys --------------------------------------------------------------------------------------


def _redacted(url: str) -> str:
    from offduty.service.store import redacted  # SQLAlchemy loads only for the commands that use it

    return redacted(url)


def _store(db: str | None) -> Any:
    from offduty.service.store import Store

    store = Store(_settings(db).database_url)
    store.upgrade()
    return store


@keys_app.command("create")
def keys_create(
    role: Annotated[key_uc.Role, typer.Option(help="admin, coordinator or viewer")],
    agency: Annotated[str, typer.Option(help="the agency whose jobs the key sees, e.g. kcpd")],
    name: Annotated[str, typer.Option(help="what the key is for")] = "",
    db: DbOpt = None,
) -> None:
    """Create a key; it is printed once, on the last line, and stored only as a hash."""
    try:
        created = key_uc.create_key(_store(db), role, agency, name)
    except ValueError as exc:
        console.print(str(exc), style="red", markup=False)
        raise typer.Exit(Exit.USAGE) from None
    r = created.record
    console.print(f"created key {r.id} ({r.role}, agency {r.agency}); it is shown once:", markup=False)
    sys.stdout.write(created.token + "\n")


@keys_app.command("list")
def keys_list(
    agency: Annotated[str | None, typer.Option(help="only this agency")] = None, db: DbOpt = None
) -> None:
    """The keys (never their tokens)."""
    table = Table(title="API keys", title_justify="left")
    for col in ("id", "role", "agency", "name", "created", "revoked"):
        table.add_column(col)
    for k in key_uc.list_keys(_store(db), agency):
        table.add_row(
            k.id,
            k.role,
            escape(k.agency),
            escape(k.name),
            f"{k.created_at:%Y-%m-%d %H:%M}",
            f"{k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "",
        )
    out_console.print(table)


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="the key's id (k_...)")], db: DbOpt = None
) -> None:
    """Revoke a key: requests with it are refused from then on."""
    if key_uc.revoke_key(_store(db), key_id) is None:
        console.print(f"no key {key_id!r}", style="red", markup=False)
        raise typer.Exit(Exit.USAGE)
    out_console.print(f"revoked {key_id}", markup=False)


# --- jobs (HTTP client) -------------------------------------------------------------------------


def _client(server: str, key: str) -> httpx.Client:
    return httpx.Client(
        base_url=server.rstrip("/") + "/api/v1",
        headers={"Authorization": f"Bearer {key}"},
        timeout=httpx.Timeout(60.0, connect=10.0),
    )


def _check(response: httpx.Response) -> Any:
    """The JSON body of a success; a problem's title, detail and field paths otherwise."""
    if response.is_success:
        return (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else response.text
        )
    try:
        problem = response.json()
    except ValueError:
        problem = {"title": response.text[:200]}
    console.print(
        f"{response.status_code} {problem.get('title', '')}: {problem.get('detail') or ''}",
        style="red",
        markup=False,
    )
    for err in problem.get("errors", [])[:50]:
        console.print(f"  {err.get('path') or '(body)'}: {err.get('message')}", style="red", markup=False)
    raise typer.Exit(Exit.USAGE if response.status_code < 500 else Exit.INTERNAL_ERROR)


def _request(server: str, key: str, method: str, path: str, **kw: Any) -> Any:
    try:
        with _client(server, key) as client:
            return _check(client.request(method, path, **kw))
    except httpx.HTTPError as exc:
        console.print(f"cannot reach {server}: {exc}", style="red", markup=False)
        raise typer.Exit(Exit.INTERNAL_ERROR) from None


def _job_line(job: dict[str, Any]) -> str:
    status = f" ({job['solve_status']})" if job.get("solve_status") else ""
    p = job.get("progress") or {}
    progress = (
        f" · tier {p.get('tier')} objective {p.get('objective')} gap {p.get('gap')}"
        if job.get("state") == "running" and p
        else ""
    )
    return f"{job['id']}  {job['state']}{status}{progress}"


@jobs_app.command("submit")
def jobs_submit(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    strategy: Annotated[str, typer.Option("--strategy", "-s")] = "seniority",
    candidates: Annotated[str, typer.Option(help="all_eligible or applicants")] = "all_eligible",
    time_limit: Annotated[
        float | None, typer.Option(help="seconds (the server's default when absent)")
    ] = None,
    allow_understaffed: Annotated[bool, typer.Option()] = False,
    seed: Annotated[int, typer.Option()] = 0,
    idempotency_key: Annotated[str | None, typer.Option(help="retry-safe submission")] = None,
    watch: Annotated[bool, typer.Option(help="follow the job to its end")] = False,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """Submit INSTANCE.json; prints the job id (and follows it with --watch)."""
    try:
        instance = json.loads(instance_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        console.print(f"{instance_path}: {exc}", style="red", markup=False)
        raise typer.Exit(10) from None
    body = {
        "instance": instance,
        "strategy": strategy,
        "candidates": candidates,
        "time_limit": time_limit,
        "allow_understaffed": allow_understaffed,
        "seed": seed,
    }
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    job = _request(server, key, "POST", "/solve-jobs", json=body, headers=headers)
    console.print(f"submitted: {_job_line(job)}", markup=False)
    if watch:
        _watch(server, key, job["id"])
    else:
        sys.stdout.write(job["id"] + "\n")


@jobs_app.command("list")
def jobs_list(
    state: Annotated[list[str] | None, typer.Option(help="only this state (repeatable)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """The agency's latest jobs."""
    page = _request(server, key, "GET", "/solve-jobs", params={"state": state or [], "limit": limit})
    table = Table(title="solve jobs", title_justify="left")
    for col in ("id", "state", "status", "instance", "strategy", "created"):
        table.add_column(col)
    for j in page["items"]:
        table.add_row(
            j["id"],
            j["state"],
            j.get("solve_status") or "",
            escape(j["instance_name"]),
            j["parameters"]["strategy"],
            j["created_at"][:19],
        )
    out_console.print(table)


@jobs_app.command("status")
def jobs_status(job_id: str, server: ServerOpt = DEFAULT_SERVER, key: KeyOpt = "") -> None:
    """One job as JSON: state, solve status, timestamps, progress, statistics."""
    job = _request(server, key, "GET", f"/solve-jobs/{job_id}")
    out_console.print_json(json.dumps(job))


@jobs_app.command("watch")
def jobs_watch(job_id: str, server: ServerOpt = DEFAULT_SERVER, key: KeyOpt = "") -> None:
    """Follow a job's events to its end (exit 0 succeeded, 1 failed, 7 cancelled)."""
    _watch(server, key, job_id)


def _watch(server: str, key: str, job_id: str) -> None:
    last_id = ""
    final: dict[str, Any] | None = None
    with _client(server, key) as client:
        while final is None:  # a stream may end (server limit, network): resume after the last event
            headers = {"Last-Event-ID": last_id} if last_id else {}
            try:
                with connect_sse(
                    client,
                    "GET",
                    f"/solve-jobs/{job_id}/events",
                    headers=headers,
                    timeout=httpx.Timeout(60.0, read=None),
                ) as source:
                    if not source.response.is_success:
                        source.response.read()
                        _check(source.response)
                    for event in source.iter_sse():
                        if not event.data:  # a keep-alive ping
                            continue
                        last_id = event.id or last_id
                        data = json.loads(event.data)
                        _show_event(event.event, data)
                        if event.event == "state" and data.get("state") in FINISHED:
                            final = data
                            break
            except (httpx.HTTPError, SSEError) as exc:
                console.print(f"stream interrupted ({exc}); resuming", style="yellow", markup=False)
    raise typer.Exit(JOB_EXIT.get(final["state"], Exit.INTERNAL_ERROR))


def _show_event(kind: str, data: dict[str, Any]) -> None:
    if kind == "progress":
        console.print(
            f"  tier {data.get('tier')}: objective {data.get('objective')} bound {data.get('bound')} "
            f"gap {data.get('gap')} ({data.get('elapsed_s')} s)",
            markup=False,
            style="cyan",
        )
    elif kind == "solution":
        which = "final roster" if data.get("final") else "best roster so far"
        console.print(f"  {which}: {data.get('filled')} of {data.get('required')} filled", markup=False)
    else:
        extra = f" ({data['solve_status']})" if data.get("solve_status") else ""
        reason = (
            f": {data.get('error') or data.get('reason')}" if data.get("error") or data.get("reason") else ""
        )
        out_console.print(f"{data.get('state')}{extra}{reason}", markup=False)


@jobs_app.command("cancel")
def jobs_cancel(job_id: str, server: ServerOpt = DEFAULT_SERVER, key: KeyOpt = "") -> None:
    """Cancel a job (a running one stops and keeps its best roster)."""
    job = _request(server, key, "DELETE", f"/solve-jobs/{job_id}")
    out_console.print(_job_line(job), markup=False)


@jobs_app.command("result")
def jobs_result(
    job_id: str,
    out: Annotated[Path | None, typer.Option(help="write the solution JSON here")] = None,
    csv: Annotated[Path | None, typer.Option(help="write the assignments CSV here")] = None,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """Fetch the job's roster (the best so far while it runs): JSON to --out, CSV to --csv,
    else the JSON on standard output."""
    with _client(server, key) as client:
        solution = client.get(f"/solve-jobs/{job_id}/solution")
        _check(solution)
        which = solution.headers.get("Offduty-Solution", "final")
        if out is not None:
            out.write_text(solution.text, encoding="utf-8")
        if csv is not None:
            response = client.get(f"/solve-jobs/{job_id}/solution", headers={"Accept": "text/csv"})
            _check(response)
            csv.write_text(response.text, encoding="utf-8")
    if out is None and csv is None:
        sys.stdout.write(solution.text + "\n")
    else:
        written = ", ".join(str(p) for p in (out, csv) if p is not None)
        console.print(f"{which} roster written: {written}", markup=False)


__all__ = ["db_app", "jobs_app", "keys_app"]
