"""`python -m offduty.benchmarks import-timing`: exports a scenario with `offduty export-csv`, times
`offduty import` on the files in child processes, and checks the import kept every id. No timing
assertions (the number depends on the machine); the runner reports it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_timing_reports_a_measurement(tmp_path: Path) -> None:
    out = tmp_path / "timing.json"
    proc = subprocess.run([sys.executable, "-m", "offduty.benchmarks", "import-timing", "--scenario",
                           "royals-homestand", "--repeat", "1", "--cache-dir", str(tmp_path / "cache"),
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["scenario"] == "royals-homestand" and result["identical"] is True
    assert len(result["import_s"]) == 1 and result["median_s"] > 0 and result["cpu_s"][0] > 0
    assert result["rows"]["members"] == 1300 and result["budget_s"] == 3.0
    assert "offduty import: median" in proc.stdout
