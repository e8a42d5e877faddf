"""Data in and out through the API: multipart imports (the same instance as the CLI's import, every
row error at once, size limits), reports over a job's or a published roster, payroll and invoice
downloads; checked against sums the tests compute from the roster and the instance."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from offduty.models.validation import parse_instance
from offduty.service.io.schema import TABLES
from tests.service.api.conftest import ApiWorld, make_world
from tests.service.api.test_rosters import game
from tests.service.io.conftest import example_csv
from tests.service.io.test_import import CASES

URL = "/api/v1/imports"
FEES = {"per_hour": 2.5, "percent_of_pay": 3.0, "per_event": 25.0, "per_assignment": 1.75}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiWorld]:
    yield from make_world(
        tmp_path_factory.mktemp("data"),
        max_body_bytes=200_000,
        max_upload_file_bytes=20_000,
        max_members=100,
        max_time_limit=60,
    )


def example_files() -> dict[str, bytes]:
    return {key: example_csv(key).encode() for key in TABLES}


def upload(
    world: ApiWorld, files: dict[str, bytes], role: str = "coordinator", agency: str = "kcpd", **form: str
) -> Any:
    parts = {key: (f"{key}.csv", data, "text/csv") for key, data in files.items()}
    return world.client.post(URL, files=parts, data=form, headers=world.headers(role, agency))


# --- imports ---------------------------------------------------------------------------------------


def test_a_good_upload_is_the_instance_the_cli_imports(world: ApiWorld, tmp_path: Path) -> None:
    files = example_files()
    policy = json.dumps({"invoice_fees": FEES}).encode()
    parts = {key: (f"{key}.csv", data, "text/csv") for key, data in files.items()}
    parts["policy"] = ("policy.json", policy, "application/json")
    answer = world.client.post(
        URL, files=parts, data={"tz": "America/Chicago", "name": "week-38"}, headers=world.headers()
    )
    assert answer.status_code == 200, answer.text
    for key, data in files.items():
        (tmp_path / f"{key}.csv").write_bytes(data)
    (tmp_path / "policy.json").write_bytes(policy)
    out = tmp_path / "instance.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "offduty.service.cli",
            "import",
            "--dir",
            str(tmp_path),
            "--tz",
            "America/Chicago",
            "--name",
            "week-38",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert answer.json() == json.loads(out.read_text(encoding="utf-8"))
    assert parse_instance(answer.json()).policy.invoice_fees.per_event == 25.0


def test_any_role_may_import_nothing_is_stored(world: ApiWorld) -> None:
    answer = upload(world, example_files(), role="viewer", agency="other")
    assert answer.status_code == 200, answer.text
    assert world.client.post(URL, files={"members": ("m.csv", b"id\n", "text/csv")}).status_code == 401


def edited(files: dict[str, bytes], edits: list[tuple[str, str, str]]) -> dict[str, bytes]:
    out = dict(files)
    for key, old, new in edits:
        if old == "*":
            out[key] = new.encode()
            continue
        text = out[key].decode()
        assert old in text, f"{old!r} not in {key}"
        out[key] = text.replace(old, new, 1).encode()
    return out


@pytest.mark.parametrize(
    ("edits", "file", "row", "column", "fragment", "kind"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_kind_of_row_error_comes_back_located(
    world: ApiWorld,
    edits: list[tuple[str, str, str]],
    file: str,
    row: int | None,
    column: str | None,
    fragment: str,
    kind: Any,
) -> None:
    answer = upload(world, edited(example_files(), edits))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["type"] == "urn:offduty:problem:invalid-import"
    hits = [
        e for e in body["errors"] if e["file"] == file and e.get("row") == row and e.get("column") == column
    ]
    assert hits, body["errors"]
    assert fragment in hits[0]["message"] and hits[0]["kind"] == kind.name.lower()
    assert hits[0]["path"].startswith(file)


def test_every_problem_of_every_file_at_once(world: ApiWorld) -> None:
    files = edited(
        example_files(),
        [
            ("tours", "M1042,2026-09-15", "M9999,2026-09-15"),
            ("positions", "EV1-S1,40,", "EV1-S1,forty,"),
            ("members", "M2001,Sgt.", "M1042,Sgt."),
        ],
    )
    body = upload(world, files).json()
    where = {(e["file"], e.get("row"), e.get("column")) for e in body["errors"]}
    assert {("tours.csv", 3, "member"), ("positions.csv", 2, "count"), ("members.csv", 3, "id")} <= where
    assert body["detail"].startswith(f"{len(body['errors'])} problem(s)")
    cell = next(e for e in body["errors"] if e["file"] == "positions.csv")
    assert cell["cell"] == "C2" and cell["path"] == "positions.csv[2].count"


def test_missing_files_bad_zone_and_policy(world: ApiWorld) -> None:
    files = example_files()
    del files["events"], files["shifts"]
    body = upload(world, files).json()
    assert [e["file"] for e in body["errors"]] == ["events", "shifts"]
    assert "missing file" in body["errors"][0]["message"]
    zone = upload(world, example_files(), tz="Mars/Olympus").json()
    assert zone["errors"][0]["file"] == "tz" and "Mars/Olympus" in zone["errors"][0]["message"]
    parts = {k: (f"{k}.csv", v, "text/csv") for k, v in example_files().items()}
    parts["policy"] = ("rules.json", b'{"work_day_cap_hours": 0}', "application/json")
    bad = world.client.post(URL, files=parts, headers=world.headers()).json()
    assert bad["errors"][0]["file"] == "rules.json" and bad["errors"][0]["column"] == "work_day_cap_hours"


def test_a_file_over_the_limit_gets_413_naming_it(world: ApiWorld) -> None:
    files = example_files()
    files["members"] += b"".join(
        b"M%05d,Officer %d,sworn,officer,active,active,2012-03-04,,,0,,0,false,true,false,,\n" % (i, i)
        for i in range(400)
    )
    assert 20_000 < len(files["members"]) < 200_000
    answer = upload(world, files)
    assert answer.status_code == 413, answer.text
    body = answer.json()
    assert body["type"] == "urn:offduty:problem:file-too-large"
    assert "members (members.csv)" in body["detail"] and "20,000 bytes" in body["detail"]
    assert body["errors"][0]["path"] == "members"
    parts = {key: (f"{key}.csv", b"x" * 19_500, "text/csv") for key in [*TABLES, "policy"]}
    too_much = world.client.post(URL, files=parts, headers=world.headers())
    assert too_much.status_code == 413 and "200,000 bytes" in too_much.json()["detail"]


# --- a job, its published roster, and what comes out of them ---------------------------------------


def billed_game() -> dict[str, Any]:
    raw = game()
    raw["policy"]["invoice_fees"] = dict(FEES)
    return raw


@pytest.fixture(scope="module")
def published(world: ApiWorld) -> dict[str, Any]:
    job = world.submit(billed_game(), time_limit=10)
    world.run(job["id"])
    answer = world.client.post("/api/v1/rosters", json={"job_id": job["id"]}, headers=world.headers())
    assert answer.status_code == 201, answer.text
    return {"job": job["id"], "roster": answer.json()}


def expected(roster: dict[str, Any]) -> dict[str, Any]:
    """Hours and pay per member and in total, from the roster's pairs and the instance's shifts."""
    instance = parse_instance(billed_game())
    where = {p.id: (s, p) for e in instance.events for s in e.shifts for p in s.positions}
    hours: dict[str, float] = defaultdict(float)
    pay = Decimal(0)
    for a in roster["version"]["assignments"]:
        shift, position = where[a["position"]]
        h = (shift.end - shift.start).total_seconds() / 3600
        rate = position.pay_rate if position.pay_rate is not None else instance.policy.minimum_pay_rate
        hours[a["member"]] += h
        pay += (Decimal(repr(h)) * Decimal(repr(rate))).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {
        "hours": dict(hours),
        "total_hours": sum(hours.values()),
        "pay": pay,
        "assignments": len(roster["version"]["assignments"]),
    }


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_hours_report_over_a_roster_and_its_job(world: ApiWorld, published: dict[str, Any]) -> None:
    want = expected(published["roster"])
    assert want["assignments"] >= 2
    for query in (
        {"roster": published["roster"]["id"]},
        {"job": published["job"]},
        {"roster": published["roster"]["id"], "version": 1},
    ):
        answer = world.client.get("/api/v1/reports/hours", params=query, headers=world.headers("viewer"))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["totals"]["hours"] == pytest.approx(want["total_hours"])
        assert body["totals"]["pay"] == pytest.approx(float(want["pay"]))
        assert body["totals"]["details"] == want["assignments"]
        got = {r["member"]: r["hours"] for r in body["rows"]}
        assert got == pytest.approx(want["hours"])
    as_csv = world.client.get(
        "/api/v1/reports/hours",
        params={"roster": published["roster"]["id"]},
        headers={**world.headers(), "Accept": "text/csv"},
    )
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert sum(float(r["hours"]) for r in rows(as_csv.content)) == pytest.approx(want["total_hours"])


@pytest.mark.parametrize("kind", ["supervisors", "schedule", "fairness", "unfilled", "employers"])
def test_every_report_kind_renders(world: ApiWorld, published: dict[str, Any], kind: str) -> None:
    extra = {"supervisors": {"month": "2026-09"}, "schedule": {"member": "A"}}.get(kind, {})
    answer = world.client.get(
        f"/api/v1/reports/{kind}", params={"job": published["job"], **extra}, headers=world.headers()
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["kind"] == kind and body["title"] and body["columns"]
    as_csv = world.client.get(
        f"/api/v1/reports/{kind}",
        params={"job": published["job"], "format": "csv", **extra},
        headers=world.headers(),
    )
    assert as_csv.status_code == 200 and len(rows(as_csv.content)) == len(body["rows"])
    if kind == "employers":
        assert body["totals"]["hours"] == pytest.approx(expected(published["roster"])["total_hours"])


@pytest.mark.parametrize(
    ("kind", "query", "path"),
    [
        ("hours", {}, "job"),
        ("hours", {"job": "J", "roster": "R"}, "roster"),
        ("schedule", {"roster": "*"}, "member"),
        ("schedule", {"roster": "*", "member": "NOBODY"}, "member"),
        ("supervisors", {"roster": "*"}, "month"),
        ("supervisors", {"roster": "*", "month": "2026-13"}, "month"),
        ("hours", {"roster": "*", "from": "2026-09-14", "to": "2026-09-01"}, "to"),
        ("hours", {"roster": "*", "from": "14/09/2026"}, "from"),
        ("hours", {"roster": "*", "format": "csv", "table": "nope"}, "table"),
        ("weather", {"roster": "*"}, "kind"),
    ],
)
def test_a_bad_report_parameter_is_named(
    world: ApiWorld, published: dict[str, Any], kind: str, query: dict[str, str], path: str
) -> None:
    query = {k: published["roster"]["id"] if v == "*" else v for k, v in query.items()}
    answer = world.client.get(f"/api/v1/reports/{kind}", params=query, headers=world.headers())
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["path"] == path


def test_payroll_download_of_a_roster(world: ApiWorld, published: dict[str, Any]) -> None:
    want = expected(published["roster"])
    for url in (
        f"/api/v1/rosters/{published['roster']['id']}/payroll",
        f"/api/v1/solve-jobs/{published['job']}/payroll",
    ):
        answer = world.client.get(url, headers=world.headers("viewer"))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/csv")
        assert answer.text.startswith('"member","serial","name"')  # every cell quoted
        table = rows(answer.content)
        assert len(table) == want["assignments"]
        assert sum(Decimal(r["pay"]) for r in table) == want["pay"]
    later = world.client.get(
        f"/api/v1/rosters/{published['roster']['id']}/payroll",
        params={"from": "2026-10-01"},
        headers=world.headers(),
    )
    assert rows(later.content) == []


def test_invoice_total_is_hours_times_rate_plus_the_fees(world: ApiWorld, published: dict[str, Any]) -> None:
    want = expected(published["roster"])
    hours = Decimal(repr(want["total_hours"]))
    fees = [
        (hours * Decimal("2.5")).quantize(Decimal("0.01"), ROUND_HALF_UP),
        (want["pay"] * Decimal("3") / 100).quantize(Decimal("0.01"), ROUND_HALF_UP),
        Decimal("25.00"),
        (want["assignments"] * Decimal("1.75")).quantize(Decimal("0.01")),
    ]
    for url in (
        f"/api/v1/rosters/{published['roster']['id']}/invoice",
        f"/api/v1/solve-jobs/{published['job']}/invoice",
    ):
        answer = world.client.get(url, headers=world.headers())
        assert answer.status_code == 200, answer.text
        table = rows(answer.content)
        assert {r["invoice"] for r in table} == {"E1-all"}
        lines = sum(Decimal(r["amount"]) for r in table if r["section"] == "line")
        assert lines == want["pay"]
        assert Decimal(next(r["amount"] for r in table if r["section"] == "subtotal")) == want["pay"]
        assert Decimal(next(r["amount"] for r in table if r["section"] == "total")) == want["pay"] + sum(fees)
    pdf = world.client.get(
        f"/api/v1/rosters/{published['roster']['id']}/invoice",
        params={"format": "pdf", "employer": "E1"},
        headers=world.headers(),
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    ambiguous = world.client.get(
        f"/api/v1/rosters/{published['roster']['id']}/invoice",
        params={"employer": "E404"},
        headers=world.headers(),
    )
    assert ambiguous.status_code == 422 and ambiguous.json()["errors"][0]["path"] == "employer"


def test_another_agency_sees_nothing(world: ApiWorld, published: dict[str, Any]) -> None:
    rid, job = published["roster"]["id"], published["job"]
    other = world.headers("admin", "other")
    for url, params in (
        (f"/api/v1/rosters/{rid}/payroll", {}),
        (f"/api/v1/rosters/{rid}/invoice", {}),
        (f"/api/v1/solve-jobs/{job}/payroll", {}),
        (f"/api/v1/solve-jobs/{job}/invoice", {}),
        ("/api/v1/reports/hours", {"roster": rid}),
        ("/api/v1/reports/hours", {"job": job}),
    ):
        answer = world.client.get(url, params=params, headers=other)
        assert answer.status_code == 404, (url, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_job_without_a_roster_yet_is_a_conflict(world: ApiWorld) -> None:
    job = world.submit(billed_game(), time_limit=10)  # queued: nobody runs it
    answer = world.client.get(f"/api/v1/solve-jobs/{job['id']}/payroll", headers=world.headers())
    assert answer.status_code == 409 and "no final roster" in answer.json()["detail"]
