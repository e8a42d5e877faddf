"""Installed, offduty is one namespace: `offduty.models`, `offduty.solver`, ... and nothing else.

The wheel is built and installed into a fresh virtual environment (its dependencies borrowed from
this environment through a path file, so nothing is downloaded), then imported from outside the
checkout: only `offduty.*` exists there, the face works, and the `offduty` command runs.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("models", "constraints", "distribution", "solver", "service", "benchmarks")


def _declared_packages() -> set[str]:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return set(setuptools["packages"])


def test_every_package_folder_is_declared() -> None:
    found = {"offduty." + ".".join(init.parent.relative_to(ROOT).parts)
             for folder in FOLDERS for init in (ROOT / folder).rglob("__init__.py")}
    missing = found - _declared_packages()
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-q", "-w", str(out), str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return next(out.glob("offduty-*.whl"))


def test_the_wheel_holds_only_the_offduty_namespace(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        tops = {name.split("/")[0] for name in zf.namelist()}
    assert {t for t in tops if not t.endswith((".dist-info", ".data"))} == {"offduty"}


def test_a_fresh_environment_imports_only_offduty(wheel: Path, tmp_path: Path) -> None:
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    site = Path(subprocess.check_output(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    # the dependencies (numpy, ortools, ...) come from this environment; offduty only from the wheel
    (site / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                           "-q", str(wheel)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    check = (
        "import importlib.util, offduty\n"
        f"assert offduty.__file__.startswith({str(site)!r}), offduty.__file__\n"
        f"for bare in {FOLDERS!r}: assert importlib.util.find_spec(bare) is None, bare\n"
        "import offduty.models, offduty.constraints, offduty.distribution, offduty.solver\n"
        "import offduty.service.cli, offduty.benchmarks.scenarios\n"
        "print(offduty.solve.__module__)\n"
    )
    proc = subprocess.run([str(python), "-I", "-c", check], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "offduty.solver.solve"
    proc = subprocess.run([str(env / "bin" / "offduty"), "--help"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert proc.returncode == 0 and "solve" in proc.stdout, proc.stdout + proc.stderr
    # the store's migrations are package data: a fresh install prepares its database
    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    proc = subprocess.run([str(env / "bin" / "offduty"), "db", "upgrade", "--db", db], cwd=tmp_path,
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "schema is current" in proc.stdout, proc.stdout + proc.stderr


def test_the_wheel_ships_the_store_migrations(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {"offduty/service/store/migrations/env.py", "offduty/service/store/migrations/script.py.mako",
            "offduty/service/store/migrations/versions/0001_initial.py"} <= names


def test_the_wheel_ships_the_web_pages_templates_and_static_files(wheel: Path) -> None:
    web = ROOT / "service" / "web"
    expected = {f"offduty/service/web/{p.relative_to(web).as_posix()}"
                for p in [*web.glob("templates/**/*.html"), *web.glob("static/*")]}
    assert {"offduty/service/web/templates/base.html", "offduty/service/web/static/axe.min.js"} <= expected
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert expected <= names, sorted(expected - names)
