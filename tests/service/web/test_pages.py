"""The web page over HTTP (TestClient, no browser): login, sessions, CSRF, roles, agencies, each
page and download. Jobs run inline (`WebWorld.run`), so these stay fast."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from offduty.service.api import create_app
from offduty.service.settings import Settings
from offduty.service.usecases import keys
from offduty.service.web import session as web_session
from tests.service.conftest import TINY
from tests.service.web.conftest import BASE, WebWorld, csrf_of


def instance_with_unfilled() -> dict[str, Any]:
    """TINY and a captain's position nobody can take (every member is below captain)."""
    raw = copy.deepcopy(TINY)
    raw["events"][0]["shifts"][0]["positions"].append(
        {"id": "CAPT", "count": 2, "min_rank": "captain", "pay_rate": 70.0}
    )
    return raw


def submit_json(client: TestClient, raw: Any, **options: str) -> Any:
    page = client.get("/jobs/new")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_of(page.text),
        "source": "json",
        "strategy": "seniority",
        "candidates": "all_eligible",
        "time_limit": "10",
        "allow_understaffed": "on",
        **options,
    }
    files = {"instance_file": ("instance.json", json.dumps(raw).encode(), "application/json")}
    return client.post("/jobs/new", data=data, files=files)


@pytest.fixture(scope="module")
def done(web: WebWorld) -> tuple[TestClient, str]:
    """A coordinator's session and a finished job with an unfilled position."""
    client = web.login()
    response = submit_json(client, instance_with_unfilled())
    assert response.status_code == 200, response.text[-2000:]
    job_id = str(response.url).rsplit("/", 1)[1]
    web.run(job_id)
    return client, job_id


def test_pages_need_a_session(web: WebWorld) -> None:
    client = web.client()
    response = client.get("/jobs", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fjobs"
    assert client.get("/jobs/new", follow_redirects=False).status_code == 303


def test_a_wrong_key_shows_an_error_and_no_page(web: WebWorld) -> None:
    client = web.client()
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_of(page.text), "api_key": "odk_wrong"})
    assert response.status_code == 401
    assert "That API key is unknown or revoked." in response.text and 'aria-invalid="true"' in response.text
    assert client.get("/jobs", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_signed_http_only_secure_and_same_site(web: WebWorld) -> None:
    client = web.client()
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "api_key": web.tokens[("viewer", "kcpd")]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("offduty_session=")
    assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    assert web.tokens[("viewer", "kcpd")].lower() not in cookie  # the key itself never is in it
    # a tampered cookie is no session
    forged = web.client()
    value = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    forged.cookies.set("offduty_session", value[:-3] + "abc", domain="testserver")
    assert forged.get("/jobs", follow_redirects=False).status_code == 303


def test_a_post_without_the_csrf_token_is_403(web: WebWorld) -> None:
    client = web.login()
    response = client.post("/jobs/new", data={"source": "demo", "strategy": "seniority"})
    assert response.status_code == 403 and "CSRF" in response.text
    other = web.login()
    stolen = csrf_of(other.get("/jobs/new").text)
    assert client.post("/jobs/new", data={"csrf_token": stolen, "source": "demo"}).status_code == 403
    login = web.client()
    assert login.post("/login", data={"api_key": web.tokens[("coordinator", "kcpd")]}).status_code == 403
    assert client.post("/logout").status_code == 403


def test_a_viewer_sees_no_submit_button_and_a_forged_submit_is_403(
    web: WebWorld, done: tuple[TestClient, str]
) -> None:
    viewer = web.login("viewer")
    jobs = viewer.get("/jobs")
    assert jobs.status_code == 200 and "New solve" not in jobs.text and "/jobs/new" not in jobs.text
    token = csrf_of(jobs.text)
    files = {"instance_file": ("i.json", json.dumps(TINY).encode(), "application/json")}
    forged = viewer.post("/jobs/new", data={"csrf_token": token, "source": "json"}, files=files)
    assert forged.status_code == 403
    _, job_id = done
    page = viewer.get(f"/jobs/{job_id}")
    assert page.status_code == 200 and 'id="publish"' not in page.text
    assert viewer.post(f"/jobs/{job_id}/cancel", data={"csrf_token": token}).status_code == 403
    assert viewer.post(f"/jobs/{job_id}/publish", data={"csrf_token": token}).status_code == 403


def test_pages_are_scoped_to_the_keys_agency(web: WebWorld, done: tuple[TestClient, str]) -> None:
    _, job_id = done
    other = web.login("admin", "other")
    assert job_id not in other.get("/jobs").text
    for path in (
        f"/jobs/{job_id}",
        f"/jobs/{job_id}/roster.csv",
        f"/jobs/{job_id}/why-not",
        f"/jobs/{job_id}/events",
    ):
        response = other.get(path)
        assert response.status_code == 404, path
        assert "CAPT" not in response.text


def test_validation_problems_show_beside_the_form_with_their_paths(web: WebWorld) -> None:
    client = web.login()
    raw = copy.deepcopy(TINY)
    raw["events"][0]["shifts"][0]["positions"][0]["count"] = -1
    too_long = submit_json(client, TINY, time_limit="100000")
    assert too_long.status_code == 422 and 'id="time_limit-problems"' in too_long.text
    assert "time_limit: 100000 s exceeds the limit" in too_long.text
    response = submit_json(client, raw)
    assert response.status_code == 422 and 'id="instance-problems"' in response.text
    assert "instance.events[0].shifts[0].positions[0].count" in response.text
    not_json = client.post(
        "/jobs/new",
        data={"csrf_token": csrf_of(client.get("/jobs/new").text), "source": "json"},
        files={"instance_file": ("i.json", b"{not json", "application/json")},
    )
    assert not_json.status_code == 422 and 'id="instance_file-problems"' in not_json.text
    assert "not a JSON document" in not_json.text


def test_the_finished_job_page(done: tuple[TestClient, str]) -> None:
    client, job_id = done
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    html = page.text
    assert "state-succeeded" in html
    unfilled = re.findall(
        r'<tr class="unfilled"><td>(\w+)</td><td colspan="2"><strong>Unfilled:</strong> ([^<]+)</td>', html
    )
    assert unfilled and {p for p, _ in unfilled} == {"CAPT"}
    assert "3 below the position&#39;s minimum rank" in unfilled[0][1]
    assert "<svg" in html and "Timeline of Preseason" in html
    assert "Lorenz curve" in html and "Gini of hours" in html
    for link in ("roster.csv", "solution.json", "payroll.csv"):
        assert f"/jobs/{job_id}/{link}" in html


def test_downloads(done: tuple[TestClient, str]) -> None:
    client, job_id = done
    rows = list(csv.DictReader(io.StringIO(client.get(f"/jobs/{job_id}/roster.csv").text)))
    assert rows and {r["position"] for r in rows} <= {"P1", "P2"} and all(r["member"] for r in rows)
    solution = client.get(f"/jobs/{job_id}/solution.json")
    assert solution.headers["content-disposition"].startswith("attachment")
    assert {u["position"] for u in solution.json()["unfilled"]} == {"CAPT"}
    payroll = client.get(f"/jobs/{job_id}/payroll.csv").text
    assert payroll.startswith('"member","serial","name"') and "P1" in payroll


def test_why_not_names_the_rule(done: tuple[TestClient, str]) -> None:
    client, job_id = done
    answer = client.get(f"/jobs/{job_id}/why-not", params={"member": "A", "position": "CAPT"})
    assert answer.status_code == 200
    assert 'id="answer-code">E-RANK<' in answer.text and "§IV.A.8" in answer.text
    bad = client.get(f"/jobs/{job_id}/why-not", params={"member": "nobody", "position": "CAPT"})
    assert bad.status_code == 422 and 'id="member-problems"' in bad.text


def test_jobs_filters_and_paging(web: WebWorld, done: tuple[TestClient, str]) -> None:
    client, job_id = done
    assert job_id in client.get("/jobs", params={"state": "succeeded", "strategy": "seniority"}).text
    assert job_id not in client.get("/jobs", params={"state": "queued"}).text
    assert job_id not in client.get("/jobs", params={"strategy": "hours"}).text
    for _ in range(21):
        assert submit_json(client, TINY).status_code == 200
    first = client.get("/jobs", params={"state": "queued"})
    cursor = re.search(r'cursor=([^"&]+)"', first.text)
    job_link = re.compile(r'<a href="/jobs/([0-9a-f-]{36})"')
    assert cursor is not None and len(job_link.findall(first.text)) == 20
    second = client.get("/jobs", params={"state": "queued", "cursor": cursor.group(1)})
    queued = job_link.findall(second.text)
    assert second.status_code == 200 and len(queued) == 1 and queued[0] not in first.text
    # htmx sends the token as a header (hx-headers on <body>)
    cancel = client.post(f"/jobs/{queued[0]}/cancel", headers={"X-CSRF-Token": csrf_of(second.text)})
    assert cancel.status_code == 200 and "state-cancelled" in cancel.text


def test_importer_csv_files_make_a_job(web: WebWorld, tmp_path: Path) -> None:
    from offduty.service.io.exporter import write_csv_dir
    from offduty.service.usecases import load

    paths = write_csv_dir(load(copy.deepcopy(TINY)), tmp_path / "csv")
    client = web.login()
    page = client.get("/jobs/new")
    files = {
        f"csv_{p.stem}" if p.suffix == ".csv" else "csv_policy": (p.name, p.read_bytes(), "text/csv")
        for p in paths
    }
    data = {
        "csrf_token": csrf_of(page.text),
        "source": "csv",
        "name": "from-csv",
        "strategy": "seniority",
        "time_limit": "5",
    }
    response = client.post("/jobs/new", data=data, files=files)
    assert response.status_code == 200 and "from-csv" in response.text, response.text[-1500:]
    missing = client.post("/jobs/new", data=data, files={"csv_members": files["csv_members"]})
    assert missing.status_code == 422 and "files.events" in missing.text


def test_publish_cancel_approve_refill(done: tuple[TestClient, str]) -> None:
    client, job_id = done
    page = client.get(f"/jobs/{job_id}")
    published = client.post(
        f"/jobs/{job_id}/publish", data={"csrf_token": csrf_of(page.text), "name": "tiny"}
    )
    assert published.status_code == 200 and "Roster tiny" in published.text
    roster_url = str(published.url).replace(BASE, "")
    assert roster_url.split("/")[-1] in client.get("/rosters").text
    solution = client.get(f"/jobs/{job_id}/solution.json").json()
    member, position = next(
        (a["member"], a["position"]) for a in solution["assignments"] if a["position"] == "P1"
    )
    token = csrf_of(published.text)
    pending = client.post(
        f"{roster_url}/cancellations",
        data={
            "csrf_token": token,
            "member": member,
            "position": position,
            "at": "2026-09-11T09:00:00-05:00",
            "reason": "court",
            "comment": "Subpoenaed.",
        },
    )
    assert pending.status_code == 200 and "cancel_pending" in pending.text and 'id="pending"' in pending.text
    cid = re.search(r"/cancellations/(\w+)/approve", pending.text)
    assert cid is not None
    approved = client.post(f"{roster_url}/cancellations/{cid.group(1)}/approve", data={"csrf_token": token})
    assert approved.status_code == 200 and 'id="no-pending"' in approved.text and "approval" in approved.text
    refilled = client.post(f"{roster_url}/refill", data={"csrf_token": token})
    assert refilled.status_code == 200 and "refilled: version 3" in refilled.text
    assert 'id="change-report"' in refilled.text and "version 3 · refill" in refilled.text


def test_static_files_carry_their_licences(web: WebWorld) -> None:
    client = web.client()
    for name, words in (
        ("htmx.min.js", "Zero-Clause BSD"),
        ("uPlot.iife.min.js", "MIT"),
        ("axe.min.js", "Mozilla Public"),
        ("web.css", "Contrast"),
    ):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and words in response.text[:1500], name


def test_failed_logins_are_rate_limited(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'limit.db'}",
        session_secret="s" * 40,
        login_attempts_per_minute=3,
    )
    app = create_app(settings, run_workers=False)
    with TestClient(app, base_url=BASE) as client:
        good = keys.create_key(app.state.services.store, "coordinator", "kcpd").token
        token = csrf_of(client.get("/login").text)
        codes = [
            client.post("/login", data={"csrf_token": token, "api_key": f"odk_{i}"}).status_code
            for i in range(4)
        ]
        assert codes == [401, 401, 401, 429]
        blocked = client.post("/login", data={"csrf_token": token, "api_key": good})
        assert blocked.status_code == 429 and "Retry-After" in blocked.headers


def test_the_session_secret_is_made_once_per_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_session.platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path))
    settings = Settings(database_url="sqlite://")
    first = web_session.session_secret(settings)
    assert len(first) >= 32 and web_session.session_secret(settings) == first
    assert (tmp_path / "session-secret").stat().st_mode & 0o777 == 0o600
    assert web_session.session_secret(Settings(database_url="sqlite://", session_secret="y" * 20)) == "y" * 20
