"""`offduty rosters ...` and `offduty batches ...`: clients of a running server (`offduty serve`)
for published rosters, their versions, cancellations, transfers, manual edits, refills and
notifications, and for batch re-solves. The file-based equivalents (no server) are
`offduty cancel/approve/...`.

    offduty rosters publish JOB_ID --contacts contacts.json
    offduty rosters cancel ROSTER --member M1136 --position EV1-S1-traffic --reason court --comment "..."
    offduty rosters approve ROSTER CANCELLATION_ID
    offduty rosters refill ROSTER
    offduty rosters edit ROSTER --remove X:V1 --assign A:V1 --comment "A covers the K-9 post"
    offduty rosters versions ROSTER && offduty rosters diff ROSTER --from 3 --to 4
    offduty batches submit storm.json --watch
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from offduty.service.cli.app import app, console, out_console
from offduty.service.cli.server import DEFAULT_SERVER, KeyOpt, ServerOpt, _request

rosters_app = typer.Typer(help="Published rosters on a running server.", no_args_is_help=True)
batches_app = typer.Typer(help="Batch re-solves on a running server.", no_args_is_help=True)
app.add_typer(rosters_app, name="rosters")
app.add_typer(batches_app, name="batches")


def _show_version(version: dict[str, Any]) -> None:
    out_console.print(
        f"version {version['number']} · {version['kind']} · by {version['made_by']} · "
        f"{version['created_at']}: {version['reason']}",
        markup=False,
    )
    diff = version.get("diff") or {}
    for a in diff.get("added", []):
        out_console.print(f"  + {a['member']} on {a['position']}", markup=False)
    for m in diff.get("moved", []):
        out_console.print(f"  ~ {m['member']}: {m['from_position']} → {m['to_position']}", markup=False)
    for r in diff.get("removed", []):
        out_console.print(f"  - {r['member']} from {r['position']}", markup=False)
    report = version.get("report")
    if report:
        for line in _report_lines(report):
            out_console.print(f"  {line}", markup=False)


def _report_lines(report: dict[str, Any]) -> list[str]:
    proof = report.get("proof") or {}
    out = [f"{report['changes']} change(s), changes tier {proof.get('status', 'unknown')}"]
    out += [f"added {a['member']} on {a['position']}: {a['why']}" for a in report.get("added", [])]
    out += [
        f"moved {m['member']} {m['from_position']} → {m['to_position']}: {m['why']}"
        for m in report.get("moved", [])
    ]
    out += [f"removed {r['member']} from {r['position']}: {r['why']}" for r in report.get("removed", [])]
    out += [
        f"empty {e['position']} ({e['missing']} missing): {e['why']}" for e in report.get("left_empty", [])
    ]
    return out


@rosters_app.command("publish")
def publish(
    job_id: str,
    name: Annotated[str | None, typer.Option(help="the roster's name")] = None,
    contacts: Annotated[
        Path | None,
        typer.Option(help='JSON {"coordinator": e-mail, "members": {id: e-mail}, "employers": {id: e-mail}}'),
    ] = None,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """Publish a finished solve job's roster as version 1 (everyone assigned is told)."""
    body: dict[str, Any] = {"job_id": job_id, "name": name}
    if contacts is not None:
        body["contacts"] = json.loads(contacts.read_text(encoding="utf-8"))
    roster = _request(server, key, "POST", "/rosters", json=body)
    out_console.print(f"roster {roster['id']} ({roster['name']})", markup=False)
    _show_version(roster["version"])


@rosters_app.command("show")
def show(roster_id: str, server: ServerOpt = DEFAULT_SERVER, key: KeyOpt = "") -> None:
    """The roster as it is now, and its cancellations."""
    roster = _request(server, key, "GET", f"/rosters/{roster_id}")
    out_console.print(
        f"roster {roster['id']} ({roster['name']}), version {roster['current_version']}: "
        f"{len(roster['version']['assignments'])} assignments",
        markup=False,
    )
    for c in roster["cancellations"]:
        out_console.print(f"  {c['id']} {c['member']} {c['position']} {c['status']}", markup=False)


@rosters_app.command("versions")
def versions(roster_id: str, server: ServerOpt = DEFAULT_SERVER, key: KeyOpt = "") -> None:
    """Every version with who made it, when, why and its diff."""
    for version in _request(server, key, "GET", f"/rosters/{roster_id}/versions"):
        _show_version(version)


@rosters_app.command("diff")
def diff(
    roster_id: str,
    from_version: Annotated[int, typer.Option("--from")],
    to_version: Annotated[int, typer.Option("--to")],
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """What changed between two versions."""
    change = _request(
        server, key, "GET", f"/rosters/{roster_id}/diff", params={"from": from_version, "to": to_version}
    )
    _show_version(
        {
            "number": to_version,
            "kind": "diff",
            "made_by": "-",
            "created_at": "-",
            "reason": f"{change['changes']} change(s) from version {from_version}",
            "diff": change,
        }
    )


@rosters_app.command("cancel")
def cancel(
    roster_id: str,
    member: Annotated[str, typer.Option()],
    position: Annotated[str, typer.Option()],
    comment: Annotated[str | None, typer.Option()] = None,
    reason: Annotated[str | None, typer.Option()] = None,
    at: Annotated[str | None, typer.Option(help="ISO 8601 with offset; default now")] = None,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """A member's self-cancellation (§IV.D): immediate beyond 14 days, else pending."""
    out = _request(
        server,
        key,
        "POST",
        f"/rosters/{roster_id}/cancellations",
        json={"member": member, "position": position, "comment": comment, "reason": reason, "at": at},
    )
    c = out["cancellation"]
    out_console.print(f"{c['id']}: {c['status']}", markup=False)
    if out.get("version"):
        _show_version(out["version"])


def _decide(roster_id: str, cancellation_id: str, verb: str, note: str | None, server: str, key: str) -> None:
    out = _request(
        server,
        key,
        "POST",
        f"/rosters/{roster_id}/cancellations/{cancellation_id}/{verb}",
        json={"note": note},
    )
    out_console.print(f"{out['cancellation']['id']}: {out['cancellation']['status']}", markup=False)
    if out.get("version"):
        _show_version(out["version"])


@rosters_app.command("approve")
def approve(
    roster_id: str,
    cancellation_id: str,
    note: Annotated[str | None, typer.Option()] = None,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """Approve a pending cancellation: a new version without the member."""
    _decide(roster_id, cancellation_id, "approve", note, server, key)


@rosters_app.command("deny")
def deny(
    roster_id: str,
    cancellation_id: str,
    note: Annotated[str | None, typer.Option()] = None,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """Deny a pending cancellation: nothing changes."""
    _decide(roster_id, cancellation_id, "deny", note, server, key)


@rosters_app.command("transfer")
def transfer(
    roster_id: str,
    from_member: Annotated[str, typer.Option("--from")],
    to_member: Annotated[str, typer.Option("--to")],
    position: Annotated[str, typer.Option()],
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """Transfer an assignment to another eligible member (§IV.D.3.d(2))."""
    _show_version(
        _request(
            server,
            key,
            "POST",
            f"/rosters/{roster_id}/transfers",
            json={"from": from_member, "to": to_member, "position": position},
        )
    )


def _pair_option(text: str, option: str) -> tuple[str, str]:
    member, sep, position = text.partition(":")
    if not sep or not member or not position:
        raise typer.BadParameter(f"{text!r} is not MEMBER:POSITION", param_hint=option)
    return member, position


@rosters_app.command("edit")
def edit(
    roster_id: str,
    comment: Annotated[
        str, typer.Option(help="why the roster is changed by hand (required; sent in the notices)")
    ],
    remove: Annotated[
        list[str] | None, typer.Option(help="MEMBER:POSITION to take off the roster (repeatable)")
    ] = None,
    swap: Annotated[
        list[str] | None,
        typer.Option(help="MEMBER:POSITION=MEMBER:POSITION: the two members trade positions (repeatable)"),
    ] = None,
    assign: Annotated[
        list[str] | None, typer.Option(help="MEMBER:POSITION, a position with a vacancy (repeatable)")
    ] = None,
    expected_version: Annotated[
        int | None, typer.Option(help="refuse unless the roster is still at this version")
    ] = None,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """A coordinator's manual edit: removals, then swaps, then assignments, checked by the
    independent verifier; a new version (the comment is its reason), everyone concerned told.
    A rule the edit would break is refused with its code, the member and the position."""
    edits: list[dict[str, Any]] = []
    for text in remove or []:
        member, position = _pair_option(text, "--remove")
        edits.append({"op": "remove", "member": member, "position": position})
    for text in swap or []:
        first, sep, second = text.partition("=")
        if not sep:
            raise typer.BadParameter(f"{text!r} is not MEMBER:POSITION=MEMBER:POSITION", param_hint="--swap")
        (member, position), (other, other_position) = (
            _pair_option(first, "--swap"),
            _pair_option(second, "--swap"),
        )
        edits.append(
            {
                "op": "swap",
                "member": member,
                "position": position,
                "with_member": other,
                "with_position": other_position,
            }
        )
    for text in assign or []:
        member, position = _pair_option(text, "--assign")
        edits.append({"op": "assign", "member": member, "position": position})
    if not edits:
        raise typer.BadParameter("give at least one --remove, --swap or --assign", param_hint="edits")
    body: dict[str, Any] = {"edits": edits, "comment": comment}
    if expected_version is not None:
        body["expected_version"] = expected_version
    _show_version(_request(server, key, "POST", f"/rosters/{roster_id}/edits", json=body))


@rosters_app.command("refill")
def refill(
    roster_id: str,
    freeze: Annotated[bool, typer.Option()] = False,
    max_changes: Annotated[int | None, typer.Option(min=0)] = None,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """Refill what the cancellations in force vacated; prints the change report."""
    _show_version(
        _request(
            server,
            key,
            "POST",
            f"/rosters/{roster_id}/refill",
            json={"freeze": freeze, "max_changes": max_changes},
        )
    )


@rosters_app.command("notifications")
def notifications(roster_id: str, server: ServerOpt = DEFAULT_SERVER, key: KeyOpt = "") -> None:
    """The roster's notices and their delivery state."""
    table = Table(title=f"notifications of {roster_id}", title_justify="left")
    for col in ("channel", "kind", "to", "subject", "state", "attempts", "last error"):
        table.add_column(col)
    for n in _request(server, key, "GET", f"/rosters/{roster_id}/notifications"):
        table.add_row(
            n["channel"],
            n["kind"],
            f"{n['recipient_kind']} {n['recipient']}",
            n["subject"],
            n["state"],
            str(n["attempts"]),
            n["last_error"] or "",
        )
    out_console.print(table)


@batches_app.command("submit")
def batch_submit(
    instance_path: Annotated[Path, typer.Argument(metavar="INSTANCE.json")],
    watch: Annotated[bool, typer.Option(help="wait until every group has ended")] = False,
    time_limit: Annotated[float | None, typer.Option(min=0.01)] = None,
    server: ServerOpt = DEFAULT_SERVER,
    key: KeyOpt = "",
) -> None:
    """Re-solve a batch (events, published assignments, cancellations): one job per group."""
    instance = json.loads(instance_path.read_text(encoding="utf-8"))
    batch = _request(server, key, "POST", "/batches", json={"instance": instance, "time_limit": time_limit})
    console.print(f"batch {batch['id']}: {len(batch['groups'])} group(s)", markup=False)
    while watch and not batch["finished"]:
        time.sleep(0.5)
        batch = _request(server, key, "GET", f"/batches/{batch['id']}")
    _show_batch(batch)


@batches_app.command("status")
def batch_status(batch_id: str, server: ServerOpt = DEFAULT_SERVER, key: KeyOpt = "") -> None:
    """Per group, per event and in total."""
    _show_batch(_request(server, key, "GET", f"/batches/{batch_id}"))


def _show_batch(batch: dict[str, Any]) -> None:
    for g in batch["groups"]:
        out_console.print(
            f"group {g['group']} ({', '.join(g['events'])}): job {g['job']} {g['state']} "
            f"{g['status'] or ''} changes {g['changes']} ({g['proof']}) worker {g['worker']}",
            markup=False,
        )
    out_console.print(f"total: {batch['total']}", markup=False)
