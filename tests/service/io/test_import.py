"""The CSV/XLSX importer: good files give the instance they describe; each kind of bad cell, row,
header or file gives one problem naming the file, the spreadsheet row and the column; every
problem of every file is reported at once, and no instance comes out when there is any."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from offduty.models.errors import ProblemKind
from offduty.models.instance import Restriction
from offduty.service.io.errors import RowError
from offduty.service.io.importer import import_instance
from offduty.service.io.schema import TABLES
from tests.service.io.conftest import errors_of, example_csv, run

K = ProblemKind
CDT = dt.timezone(dt.timedelta(hours=-5))


def replace(files: dict[str, Path], key: str, old: str, new: str) -> None:
    """Edit one file of the example set (the text `old` must be in it; `*` replaces the file)."""
    if old == "*":
        files[key].write_text(new, encoding="utf-8")
        return
    text = files[key].read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {key}"
    files[key].write_text(text.replace(old, new, 1), encoding="utf-8")


def append(files: dict[str, Path], key: str, line: str) -> None:
    with files[key].open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def find(errors: list[RowError], file: str, row: int | None, column: str | None) -> RowError:
    hits = [e for e in errors if Path(e.file).name == file and e.row == row and e.column == column]
    assert hits, f"no problem at {file} row {row} column {column}; got:\n" + "\n".join(map(str, errors))
    return hits[0]


# --- good files --------------------------------------------------------------------------------------


def test_the_documented_examples_import(files: dict[str, Path]) -> None:
    result = run(files, name="docs")
    assert result.errors == []
    inst = result.instance
    assert inst is not None and inst.name == "docs"
    reyes, park = inst.members
    assert (reyes.id, reyes.name, reyes.hour_plan, reyes.hours_ytd) == ("M1042", "P.O. Dana Reyes", 10, 212.5)
    assert reyes.certifications == ["traffic"] and reyes.conflicts == ["E2"] and reyes.supervisor == "M2001"
    assert reyes.last_worked == dt.datetime(2026, 9, 6, 20, tzinfo=CDT)
    # a local time read in America/Chicago, and one written with its offset
    assert reyes.tours[0].start == dt.datetime(2026, 9, 14, 6, tzinfo=CDT)
    assert reyes.tours[0].start.utcoffset() == dt.timedelta(hours=-5)
    assert reyes.tours[1].start == dt.datetime(2026, 9, 15, 6, tzinfo=CDT)
    assert reyes.tours[1].exception_hours == 1.5
    assert reyes.leaves[0].kind.value == "sick" and reyes.leaves[0].medical_appointment is False
    assert park.tours == [] and park.certifications == [] and park.last_worked is None
    assert [e.tavern for e in inst.employers] == [False, True]
    event = inst.events[0]
    assert event.window is not None and event.window.start == dt.datetime(2026, 9, 13, 10, tzinfo=CDT)
    assert event.attendance == 73000 and event.venue.value == "sporting_alcohol"
    assert [p.id for p in event.shifts[0].positions] == ["EV1-S1-gate", "EV1-S1-traffic"]
    assert event.shifts[0].positions[1].certifications == ["traffic"]
    assert event.shifts[0].positions[1].priority == 2
    assert inst.applications[0].at == dt.datetime(2026, 9, 1, 8, 0, 3, tzinfo=CDT)
    assert inst.assignments[0].locked is True
    assert inst.cancellations[0].reason == "illness"


def test_optional_tables_and_columns_may_be_left_out(files: dict[str, Path]) -> None:
    del files["assignments"], files["cancellations"]
    files["members"].write_text("id,seniority_date\nM1042,2012-03-04\nM2001,2004-06-01\n", encoding="utf-8")
    files["tours"].write_text("member,start,end\n", encoding="utf-8")
    files["leaves"].write_text("member,kind,start,end\n", encoding="utf-8")
    files["applications"].write_text("member,shift,at\n", encoding="utf-8")
    inst = run(files).instance
    assert inst is not None
    assert inst.members[0].kind.value == "sworn" and inst.members[0].hours_ytd == 0
    assert inst.assignments == [] and inst.cancellations == []


def test_headers_and_choices_are_read_leniently(files: dict[str, Path]) -> None:
    """`Seniority Date` is `seniority_date`; `Deputy Chief` is `deputy_chief`; a BOM and spaces
    around ids are fine; booleans in other spellings; restricted lists are choices too."""
    text = files["members"].read_text(encoding="utf-8")
    text = text.replace("seniority_date", "Seniority Date").replace(",sergeant,", ",Deputy Chief,")
    text = text.replace("M2001,Sgt.", " M2001 ,Sgt.")
    files["members"].write_text("\ufeff" + text, encoding="utf-8")
    files["employers"].write_text("id,name,approved,tavern,restricted\nE1,Chiefs,Yes,N,\n"
                                  "E2,Casino,1,0,gambling; Labor Dispute\n", encoding="utf-8")
    inst = run(files).instance
    assert inst is not None
    assert inst.members[1].id == "M2001" and inst.members[1].rank.value == "deputy_chief"
    assert inst.employers[1].restricted == [Restriction.GAMBLING, Restriction.LABOR_DISPUTE]


def test_escaped_formula_cells_lose_their_quote(files: dict[str, Path]) -> None:
    replace(files, "members", "P.O. Dana Reyes", "'=HYPERLINK(\"x\")")
    replace(files, "members", "Sgt. Lee Park", "'hello")
    inst = run(files).instance
    assert inst is not None
    assert inst.members[0].name == '=HYPERLINK("x")'
    assert inst.members[1].name == "'hello"  # a quote before anything else is the user's own


def test_blank_rows_are_skipped_but_counted(files: dict[str, Path]) -> None:
    files["tours"].write_text("member,start,end\n\nM1042,2026-09-14 06:00,2026-09-14 16:00\n,,\n"
                              "M1042,tomorrow,2026-09-15 16:00\n", encoding="utf-8")
    error = find(errors_of(files), "tours.csv", 5, "start")
    assert "not a time: 'tomorrow'" in error.message


def test_ignore_extra_columns(files: dict[str, Path]) -> None:
    replace(files, "employers", "id,name", "id,colour,name")
    replace(files, "employers", "E1,", "E1,red,")
    replace(files, "employers", "E2,", "E2,blue,")
    assert find(errors_of(files), "employers.csv", 1, "colour").message.startswith("unknown column 'colour'")
    inst = run(files, ignore_extra_columns=True).instance
    assert inst is not None and inst.employers[0].name == "Kansas City Chiefs"


def test_tz_reads_local_times_and_becomes_the_policy_zone(files: dict[str, Path]) -> None:
    inst = run(files, tz="America/Denver").instance
    assert inst is not None
    assert inst.policy.timezone == "America/Denver"
    assert inst.members[0].tours[0].start.utcoffset() == dt.timedelta(hours=-6)
    # an offset written in the file is kept as given
    assert inst.members[0].tours[1].start.utcoffset() == dt.timedelta(hours=-5)


def test_policy_file_is_read(files: dict[str, Path], tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text('{"minimum_pay_rate": 40, "invoice_fees": {"per_hour": 2.5}}', encoding="utf-8")
    inst = run(files, policy=policy).instance
    assert inst is not None
    assert inst.policy.minimum_pay_rate == 40 and inst.policy.invoice_fees.per_hour == 2.5


def test_bytes_sources_as_an_upload_gives_them() -> None:
    uploads = {key: example_csv(key).encode("utf-8") for key in TABLES}
    result = import_instance(uploads, policy=b'{"tavern_min_officers": 2}')
    assert result.instance is not None and result.instance.policy.tavern_min_officers == 2


# --- one problem of each kind, located ---------------------------------------------------------------

Edit = tuple[str, str, str]
# (id, edits (file key, old text, new text), file, row, column, message fragment, kind)
CASES: list[tuple[str, list[Edit], str, int | None, str | None, str, ProblemKind]] = [
    ("missing-column", [("members", "*", "id,name\nM1042,Reyes\nM2001,Park\n")], "members.csv", 1,
     "seniority_date", "missing required column 'seniority_date'", K.SCHEMA),
    ("unknown-column", [("leaves", "member,kind", "member,colour,kind"), ("leaves", "M1042,", "M1042,red,")],
     "leaves.csv", 1, "colour", "unknown column 'colour'", K.SCHEMA),
    ("repeated-column", [("shifts", "id,event,start,end", "id,event,start,start")], "shifts.csv", 1, "start",
     "appears twice (columns C and D)", K.SCHEMA),
    ("bad-time", [("tours", "2026-09-14 16:00", "4pm")], "tours.csv", 2, "end", "not a time: '4pm'",
     K.SCHEMA),
    ("dst-gap", [("tours", "2026-09-14 06:00", "2026-03-08 02:30")], "tours.csv", 2, "start",
     "2026-03-08 02:30:00 does not exist in America/Chicago", K.NAIVE_TIME),
    ("dst-ambiguous", [("shifts", "2026-09-13 08:00", "2026-11-01 01:30")], "shifts.csv", 2, "start",
     "happens twice in America/Chicago (the clocks fall back from CDT to CST); write it with its UTC offset: "
     "2026-11-01T01:30:00-05:00 (CDT) or 2026-11-01T01:30:00-06:00 (CST)", K.NAIVE_TIME),
    ("unknown-member-in-tours", [("tours", "M1042,2026-09-15", "M9999,2026-09-15")], "tours.csv", 3,
     "member", "no member with id 'M9999'", K.DANGLING_REFERENCE),
    ("unknown-event-of-shift", [("shifts", "EV1-S1,EV1", "EV1-S1,EV7")], "shifts.csv", 2, "event",
     "no event with id 'EV7'", K.DANGLING_REFERENCE),
    ("unknown-shift-of-application", [("applications", "EV1-S1", "EV1-S9")], "applications.csv", 2, "shift",
     "no shift with id 'EV1-S9'", K.DANGLING_REFERENCE),
    ("unknown-supervisor", [("members", ",M2001\n", ",M7\n")], "members.csv", 2, "supervisor",
     "no member with id 'M7'", K.DANGLING_REFERENCE),
    ("unknown-conflict-employer", [("members", ",E2,M2001", ",E9,M2001")], "members.csv", 2, "conflicts",
     "no employer with id 'E9'", K.DANGLING_REFERENCE),
    ("duplicate-member-id", [("members", "M2001,Sgt.", "M1042,Sgt.")], "members.csv", 3, "id",
     "duplicate member id 'M1042' (first in row 2)", K.DUPLICATE_ID),
    ("duplicate-position-id", [("positions", "EV1-S1-traffic,", "EV1-S1-gate,")], "positions.csv", 3, "id",
     "duplicate position id 'EV1-S1-gate' (first in row 2)", K.DUPLICATE_ID),
    ("wrong-type-int", [("positions", "EV1-S1,40,", "EV1-S1,forty,")], "positions.csv", 2, "count",
     "not a whole number: 'forty'", K.SCHEMA),
    ("wrong-type-fraction", [("events", "73000", "73000.5")], "events.csv", 2, "attendance",
     "not a whole number: '73000.5'", K.SCHEMA),
    ("wrong-type-float", [("members", "212.5", '"1,212.5"')], "members.csv", 2, "hours_ytd",
     "not a number: '1,212.5'", K.SCHEMA),
    ("wrong-type-bool", [("employers", "E2,Westport Tavern,true", "E2,Westport Tavern,maybe")],
     "employers.csv", 3, "approved", "not true or false: 'maybe'", K.SCHEMA),
    ("wrong-type-date", [("members", "2004-06-01", "06/01/2004")], "members.csv", 3, "seniority_date",
     "not a date: '06/01/2004'", K.SCHEMA),
    ("unknown-choice", [("events", "sporting_alcohol", "stadium")], "events.csv", 2, "venue",
     "'sporting_alcohol'", K.SCHEMA),
    ("required-value-empty", [("members", "2012-03-04", "")], "members.csv", 2, "seniority_date",
     "seniority_date is required", K.SCHEMA),
    ("end-before-start", [("tours", "2026-09-14 16:00", "2026-09-14 05:00")], "tours.csv", 2, "end",
     "before start", K.TIME_ORDER),
    ("overlapping-tours", [("tours", "2026-09-15T06:00:00-05:00", "2026-09-14T15:00:00-05:00")],
     "tours.csv", 3, None, "overlaps", K.TIME_ORDER),
    ("window-half-given", [("events", "2026-09-13 17:00", "")], "events.csv", 2, "window_end",
     "required field is missing", K.SCHEMA),
    ("negative-count", [("positions", "EV1-S1,12,", "EV1-S1,-2,")], "positions.csv", 3, "count",
     "must be at least 0", K.OUT_OF_RANGE),
    ("pay-below-minimum", [("positions", "55.0", "20")], "positions.csv", 2, "pay_rate",
     "20 is below the minimum pay rate 38 (§III.D)", K.POLICY),
    ("hour-plan-missing", [("members", "traffic,10,", "traffic,,")], "members.csv", 2, "hour_plan",
     "required when the member has tours", K.SCHEMA),
]


@pytest.mark.parametrize(("edits", "file", "row", "column", "fragment", "kind"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_problem_names_file_row_and_column(files: dict[str, Path], edits: list[Edit], file: str,
                                                row: int | None, column: str | None, fragment: str,
                                                kind: ProblemKind) -> None:
    for key, old, new in edits:
        replace(files, key, old, new)
    error = find(errors_of(files), file, row, column)
    assert fragment in error.message, str(error)
    assert error.kind is kind
    if row is not None and column is not None and row > 1:
        assert error.letter is not None and f"(cell {error.letter}{row})" in str(error)


def test_overlap_names_the_other_tour_by_its_row(files: dict[str, Path]) -> None:
    replace(files, "tours", "2026-09-15T06:00:00-05:00", "2026-09-14T15:00:00-05:00")
    error = find(errors_of(files), "tours.csv", 3, None)
    assert error.message.endswith("overlaps tours.csv row 2")


def test_the_policy_file_is_located_too(files: dict[str, Path], tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text('{"work_day_cap_hours": 0, "colour": 1}', encoding="utf-8")
    errors = errors_of(files, policy=policy)
    assert "must be more than 0" in find(errors, "policy.json", None, "work_day_cap_hours").message
    assert find(errors, "policy.json", None, "colour").message == "unknown field"


@pytest.mark.parametrize(("content", "fragment"), [
    (b"", "the file is empty"),
    (b"id,name\nM1,Ren\xe9\n", "not UTF-8"),
    (b"id,seniority_date\nM1,2000-01-01\nM2,2001-01-01,x\nM3,2002-01-01\nM4,2003-01-01,y,z\n",
     "the header names 2 columns, but row 3 has 3, row 5 has 4 cells"),
], ids=["empty", "latin-1", "ragged"])
def test_unreadable_files(files: dict[str, Path], content: bytes, fragment: str) -> None:
    files["members"].write_bytes(content)
    error = find(errors_of(files), "members.csv", None, None)
    assert fragment in error.message and error.kind is K.UNREADABLE


def test_missing_file_and_unknown_time_zone(files: dict[str, Path]) -> None:
    files["events"].unlink()
    assert "no such file" in find(errors_of(files), "events.csv", None, None).message
    files["events"].write_text(example_csv("events"), encoding="utf-8")
    assert "unknown time zone 'Mars/Olympus'" in find(errors_of(files, tz="Mars/Olympus"), "--tz", None,
                                                        None).message


def test_every_problem_of_every_file_at_once(files: dict[str, Path]) -> None:
    """Cell problems, reference problems and the validation's problems of five files together,
    listed file by file (in the order the files are read), then by row."""
    replace(files, "members", "2004-06-01", "someday")
    replace(files, "tours", "2026-09-14 06:00", "2026-03-08 02:30")
    replace(files, "tours", "M1042,2026-09-15", "M5,2026-09-15")
    replace(files, "events", "sporting_alcohol", "stadium")
    replace(files, "positions", "55.0", "20")
    replace(files, "applications", "2026-09-01 08:00:03", "2026-11-01 01:15")
    result = run(files)
    assert result.instance is None
    where = [(Path(e.file).name, e.row, e.column) for e in result.errors]
    assert where == [("members.csv", 3, "seniority_date"), ("tours.csv", 2, "start"),
                     ("tours.csv", 3, "member"), ("events.csv", 2, "venue"), ("positions.csv", 2, "pay_rate"),
                     ("applications.csv", 2, "at")]
    assert result.exit_code == K.SCHEMA.exit_code


def test_a_bad_cell_is_reported_once(files: dict[str, Path]) -> None:
    """A count that is not a number is not also reported by the validation as missing."""
    replace(files, "positions", "EV1-S1,40,", "EV1-S1,forty,")
    errors = errors_of(files)
    assert [(Path(e.file).name, e.row, e.column) for e in errors] == [("positions.csv", 2, "count")]


# --- XLSX -------------------------------------------------------------------------------------------


def _typed(value: str) -> object:
    """A CSV cell as a spreadsheet would type it."""
    for parse in (int, float):
        try:
            return parse(value)
        except ValueError:
            pass
    if value in ("true", "false"):
        return value == "true"
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return value or None
    if t.tzinfo is not None:
        return value  # a spreadsheet has no offsets: keep the text
    return t.date() if len(value) == 10 else t


def test_one_workbook_with_a_sheet_per_table_imports_like_the_csv_files(files: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for key, table in TABLES.items():
        sheet = book.create_sheet(key.capitalize())
        sheet.append(list(table.names))
        for row in table.example:
            sheet.append([_typed(v) for v in row])
    path = tmp_path / "exports.xlsx"
    book.save(path)
    from_xlsx = run({key: path for key in TABLES}, name="docs").instance
    from_csv = run(files, name="docs").instance
    assert from_xlsx is not None and from_csv is not None
    assert from_xlsx.model_dump() == from_csv.model_dump()


def test_xlsx_problems_name_the_row_and_cell(tmp_path: Path, files: dict[str, Path]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["member", "start", "end"])
    sheet.append(["M1042", dt.datetime(2026, 9, 14, 6), dt.datetime(2026, 9, 14, 16)])
    sheet.append([])
    sheet.append(["M1042", dt.datetime(2026, 11, 1, 1, 30), dt.datetime(2026, 11, 1, 9)])
    files["tours"] = tmp_path / "tours.xlsx"
    book.save(files["tours"])
    error = find(errors_of(files), "tours.xlsx", 4, "start")
    assert "happens twice" in error.message and "(cell B4)" in str(error)


def test_a_file_that_is_not_a_workbook(files: dict[str, Path], tmp_path: Path) -> None:
    files["members"] = tmp_path / "members.xlsx"
    files["members"].write_text("id,seniority_date\n", encoding="utf-8")
    error = find(errors_of(files), "members.xlsx", None, None)
    assert "not a readable .xlsx workbook" in error.message and error.kind is K.UNREADABLE
