"""The web page in a real browser (Playwright driving Debian's chromium) against a real
`offduty serve` process: one server and one browser for the module, the tests in the order a
coordinator works.

Every page is screenshotted at 1280 and 768 px (into OFFDUTY_SCREENSHOTS, default
tests/artifacts/screenshots, git-ignored) and checked with axe-core (no serious or critical
violation) and for horizontal overflow at 768 px.

Chromium is found at /usr/bin/chromium (`apt-get install chromium`); without it these tests skip,
unless OFFDUTY_REQUIRE_BROWSER=1 or OFFDUTY_REQUIRE_POSTGRES=1 (CI) make that a failure.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from offduty.benchmarks.scenarios import generate as generate_scenario
from tests.service.servers import Server, make_key, server

CHROMIUM = Path(os.environ.get("OFFDUTY_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[3]
SHOTS = Path(os.environ.get("OFFDUTY_SCREENSHOTS", ROOT / "tests" / "artifacts" / "screenshots"))
AXE = ROOT / "service" / "web" / "static" / "axe.min.js"
WIDTHS = (1280, 768)
#: Solves finish (or show progress) well within these; the waits end as soon as they do.
WAIT_MS = 120_000


def _required() -> bool:
    return "1" in (os.environ.get("OFFDUTY_REQUIRE_BROWSER"), os.environ.get("OFFDUTY_REQUIRE_POSTGRES"))


def _missing(reason: str) -> None:
    if _required():
        pytest.fail(f"{reason} (OFFDUTY_REQUIRE_BROWSER/OFFDUTY_REQUIRE_POSTGRES is set)")
    pytest.skip(f"{reason}; set OFFDUTY_REQUIRE_BROWSER=1 to fail instead")


try:
    from playwright.sync_api import Browser, Page, sync_playwright
    from playwright.sync_api import expect as pw_expect
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    path = tmp_path_factory.mktemp("web-live")
    url = f"sqlite:///{path / 'web.db'}"
    tokens = {
        "coordinator": make_key(url, "coordinator", "kcpd"),
        "viewer": make_key(url, "viewer", "kcpd"),
        "stranger": make_key(url, "coordinator", "other"),
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    log = SHOTS.parent / "web-server.log"  # kept (git-ignored) to read after a failure
    log.unlink(missing_ok=True)
    proc = server(url, log, workers=2, OFFDUTY_SESSION_SECRET="browser-test-" + "s" * 32).start()
    try:
        yield proc, tokens
    finally:
        proc.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if sync_playwright is None:
        _missing("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.exists():
        _missing(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def coordinator(browser: Browser, live: tuple[Server, dict[str, str]]) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live[0].url, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


def log_in(page: Page, key: str) -> None:
    page.goto("/login")
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Log in").click()


def check_page(page: Page, name: str) -> None:
    """Screenshots at 1280 and 768 px; axe-core finds no serious or critical violation; nothing
    overflows sideways at 768 px."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # whole pages, but a long roster only down to 4,000 px (full shots of 13,000 px cost seconds)
        tall = page.evaluate("document.documentElement.scrollHeight") > 4000
        clip = {"x": 0, "y": 0, "width": width, "height": 4000} if tall else None
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True, clip=clip)
        if width == 768:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name}: the page is {overflow} px wider than 768 px"
    page.set_viewport_size({"width": 1280, "height": 900})
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target)}))"
    )
    bad = [v for v in results if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: axe-core finds {json.dumps(bad, indent=1)}"


def wait_for_state(page: Page, states: tuple[str, ...]) -> str:
    """The live page reloads itself when the job ends; wait for one of the states."""
    pattern = re.compile("|".join(states))
    pw_expect(page.locator("#job-state")).to_have_text(pattern, timeout=WAIT_MS)
    return page.locator("#job-state").inner_text()


def chiefs(seed: int = 1) -> dict[str, Any]:
    return copy.deepcopy(generate_scenario("chiefs-game", seed))


def upload_json(
    page: Page, tmp: Path, raw: dict[str, Any], strategy: str = "seniority", time_limit: str = "20"
) -> None:
    path = tmp / "instance.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    page.goto("/jobs/new")
    page.get_by_label("An instance JSON file").check()
    page.get_by_label("Instance file (.json)").set_input_files(str(path))
    page.get_by_label("Strategy").select_option(strategy)
    page.get_by_label("Time limit (seconds)").fill(time_limit)
    page.get_by_label("Allow understaffed events").check()
    page.get_by_role("button", name="Submit the solve").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))


# --- the tests, in a coordinator's order ------------------------------------------------------------


def test_a_wrong_key_shows_an_error(coordinator: Page, live: tuple[Server, dict[str, str]]) -> None:
    log_in(coordinator, "odk_not-a-key")
    pw_expect(coordinator.get_by_role("alert")).to_have_text("That API key is unknown or revoked.")
    assert coordinator.url.endswith("/login")
    check_page(coordinator, "login")
    assert "odk_not-a-key" not in coordinator.content()
    # no page of any agency opens
    coordinator.goto("/jobs")
    assert "/login" in coordinator.url
    # keyboard: the first Tab reaches the skip link, and focus is visible
    coordinator.keyboard.press("Tab")
    focused = coordinator.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return [e.textContent.trim(), s.outlineStyle, s.outlineWidth]; }"
    )
    assert focused[0] == "Skip to the content" and focused[1] != "none" and focused[2] != "0px", focused
    coordinator.keyboard.press("Tab")  # the site's name
    coordinator.keyboard.press("Tab")
    assert coordinator.evaluate("document.activeElement.id") == "api_key"


def test_the_chiefs_demo_from_login_to_csv(coordinator: Page, live: tuple[Server, dict[str, str]]) -> None:
    page = coordinator
    log_in(page, live[1]["coordinator"])
    page.wait_for_url(re.compile(r"/jobs$"))
    pw_expect(page.get_by_role("heading", level=1)).to_have_text("Solve jobs of kcpd")
    check_page(page, "jobs")
    page.get_by_role("link", name="New solve").first.click()
    page.wait_for_url(re.compile(r"/jobs/new$"))
    check_page(page, "new-solve")
    page.get_by_label("Demo: the Chiefs game at Arrowhead").check()
    page.get_by_label("Strategy").select_option("seniority")
    page.get_by_label("Time limit (seconds)").fill("20")
    page.get_by_role("button", name="Submit the solve").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
    assert wait_for_state(page, ("succeeded",)) == "succeeded"
    pw_expect(page.get_by_role("heading", name="Roster", exact=True)).to_be_visible()
    roster = page.locator("table.roster")
    assert roster.count() >= 6  # one table per shift
    assert "M" in roster.first.locator("tbody tr td").nth(1).inner_text()
    pw_expect(page.locator("svg.chart").first).to_be_visible()
    check_page(page, "job-done")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(caught.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 307 and {"member", "position", "shift", "event", "hours"} <= set(rows[0])
    assert {r["event"] for r in rows} == {"EV1"}
    # the filters apply on change (htmx), and the address says which
    page.goto("/jobs")
    page.get_by_label("State").select_option("failed")
    pw_expect(page.locator("#jobs tbody")).to_have_text(re.compile("No jobs match the filters"))
    assert "state=failed" in page.url


def test_an_unfilled_position_is_red_with_its_reason(coordinator: Page, tmp_path: Path) -> None:
    page = coordinator
    raw = chiefs()
    traffic = raw["events"][0]["shifts"][0]["positions"][0]
    traffic["count"] = 400  # more traffic-certified officers than the department has
    upload_json(page, tmp_path, raw)
    assert wait_for_state(page, ("succeeded",)) == "succeeded"
    row = page.locator("tr.unfilled").first
    pw_expect(row).to_be_visible()
    text = row.inner_text()
    assert traffic["id"] in text and "without a required certification" in text, text
    colour = row.locator("td").first.evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(164, 0, 29)", colour
    # why not? for a member without the certification
    page.get_by_role("link", name="Why not? Ask about a member").click()
    uncertified = next(m for m in raw["members"] if "traffic" not in m.get("certifications", []))
    page.get_by_label("Member").fill(uncertified["id"])
    page.get_by_label("Position").select_option(traffic["id"])
    page.get_by_role("button", name="Ask").click()
    answer = page.locator("#answer")
    pw_expect(answer).to_be_visible()
    code = page.locator("#answer-code").inner_text()
    assert code.startswith("E-") and page.locator("#answer-section").inner_text().startswith(("§", "pillar"))
    assert uncertified["id"] in page.locator("#answer .headline").inner_text()
    check_page(page, "why-not")


def test_a_comparison(coordinator: Page) -> None:
    page = coordinator
    page.goto("/compare")
    page.get_by_label("Demo: the Chiefs game at Arrowhead").check()
    page.get_by_label("seniority").check()
    page.get_by_label("hours", exact=True).check()
    page.get_by_label("Time limit (seconds)").fill("10")
    check_page(page, "compare")
    page.get_by_role("button", name="Start the comparison").click()
    page.wait_for_url(re.compile(r"/compare/[0-9a-f-]{36}$"))
    pw_expect(page.locator("#member-changes")).to_be_visible(timeout=WAIT_MS)
    rows = page.locator("#comparison-table tbody tr")
    assert rows.count() == 2
    assert {rows.nth(i).locator("td").first.inner_text() for i in range(2)} == {"seniority", "hours"}
    assert page.locator("#member-changes tbody tr").count() >= 1
    check_page(page, "comparison")


def test_cancel_a_running_job(coordinator: Page, tmp_path: Path) -> None:
    page = coordinator
    upload_json(page, tmp_path, copy.deepcopy(generate_scenario("royals-homestand", 1)), "hours", "300")
    wait_for_state(page, ("running",))
    pw_expect(page.locator("#progress-text")).not_to_have_text(re.compile("waiting"), timeout=WAIT_MS)
    check_page(page, "job-running")
    page.get_by_role("button", name="Cancel the solve").click()
    assert wait_for_state(page, ("cancelled",)) == "cancelled"


def test_publish_then_approve_a_pending_cancellation_and_refill(coordinator: Page) -> None:
    page = coordinator
    page.goto("/jobs?state=succeeded&strategy=seniority")
    page.locator("#jobs tbody tr a").last.click()  # the first job: the Chiefs demo
    page.get_by_label("Roster name").fill("Chiefs home game")
    page.get_by_role("button", name="Publish this roster").click()
    page.wait_for_url(re.compile(r"/rosters/[0-9a-f-]{36}"))
    roster_url = page.url.split("?")[0]
    first = page.locator("table.roster")  # none here: the roster page lists versions
    assert first.count() == 0
    csv_url = page.get_by_role("link", name=re.compile(r"^[0-9a-f]{8}$")).get_attribute("href")
    assert csv_url is not None
    rows = list(csv.DictReader(io.StringIO(page.request.get(f"{csv_url}/roster.csv").text())))
    member, position = rows[0]["member"], rows[0]["position"]
    page.get_by_label("Member", exact=True).fill(member)
    page.get_by_label("Position", exact=True).fill(position)
    page.get_by_label("When they cancel").fill("2026-09-11T09:00:00-05:00")
    page.get_by_label("Reason code").fill("court")
    page.get_by_label("Comment").fill("Subpoenaed.")
    page.get_by_role("button", name="Record the cancellation").click()
    pw_expect(page.locator("#roster-message")).to_contain_text("cancel_pending")
    pw_expect(page.locator("#pending tbody tr")).to_have_count(1)
    check_page(page, "roster-pending")
    page.get_by_role("button", name=f"Approve the cancellation of {member} from {position}").click()
    pw_expect(page.locator("#no-pending")).to_be_visible()
    pw_expect(page.locator("#vacated")).to_contain_text(position)
    page.get_by_role("button", name="Refill the vacated positions").click()
    pw_expect(page.locator("#roster-message")).to_contain_text("refilled: version 3", timeout=WAIT_MS)
    pw_expect(page.locator("#history li").first).to_contain_text("version 3 · refill")
    pw_expect(page.locator("#change-report")).to_be_visible()
    assert page.url.startswith(roster_url)
    check_page(page, "roster-refilled")
    page.goto("/rosters")
    check_page(page, "rosters")


def test_a_viewer_and_pages_without_javascript(browser: Browser, live: tuple[Server, dict[str, str]]) -> None:
    context = browser.new_context(base_url=live[0].url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live[1]["viewer"])
        page.wait_for_url(re.compile(r"/jobs$"))
        assert page.get_by_role("link", name="New solve").count() == 0
        page.locator("#jobs tbody tr a").last.click()
        pw_expect(page.get_by_role("heading", name="Roster", exact=True)).to_be_visible()
        assert page.get_by_role("button", name="Publish this roster").count() == 0
        assert page.locator("table.roster").count() >= 6  # the roster reads without JavaScript
        # a forged submit with the viewer's own valid CSRF token is refused
        token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
        response = page.request.post("/jobs/new", multipart={"csrf_token": token or "", "source": "demo"})
        assert response.status == 403
        no_token = page.request.post("/jobs/new", multipart={"source": "demo"})
        assert no_token.status == 403
        # the other pages read without JavaScript too, with no buttons for a viewer
        for path, heading in (("/compare", "Compare strategies"), ("/rosters", "Published rosters")):
            page.goto(path)
            pw_expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert page.get_by_role("button", name="Start the comparison").count() == 0
        page.locator("#rosters tbody a").first.click()
        pw_expect(page.locator("#history li").first).to_be_visible()
        assert page.get_by_role("button", name="Refill the vacated positions").count() == 0
        assert page.get_by_role("button", name="Record the cancellation").count() == 0
    finally:
        context.close()
    # another agency's coordinator sees none of kcpd's jobs
    other = browser.new_context(base_url=live[0].url)
    page = other.new_page()
    try:
        log_in(page, live[1]["stranger"])
        page.wait_for_url(re.compile(r"/jobs$"))
        pw_expect(page.locator("#jobs tbody")).to_have_text(re.compile("No jobs"))
    finally:
        other.close()
