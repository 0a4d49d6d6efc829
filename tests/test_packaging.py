"""The project's own files must agree: pyproject.toml <-> environment.yml, CI <-> README.

And the package stands alone: a wheel built from the checkout, installed into a folder
outside it, produces an instansi's report with nothing of the checkout on ``sys.path``.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _pyproject_requirements() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(meta["dependencies"])
    for extra in meta["optional-dependencies"].values():
        reqs += extra
    out: dict[str, str] = {}
    for line in reqs:
        req = Requirement(line)
        out[req.name.lower()] = str(req.specifier)
    return out


def _environment_requirements() -> dict[str, str]:
    out: dict[str, str] = {}
    text = (ROOT / "environment.yml").read_text()
    deps = text.split("dependencies:", 1)[1]
    for line in deps.splitlines():
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*([<>=!~].*)?$", line)
        if not m or m.group(1) in {"pip", "python"}:
            continue
        spec = (m.group(2) or "").replace(" ", "")
        out[m.group(1).lower()] = str(Requirement(f"x{spec}").specifier)
    return out


def test_every_dependency_is_a_range():
    for name, spec in _pyproject_requirements().items():
        assert spec, f"{name} has no version range in pyproject.toml"
        assert ">=" in spec, f"{name}: give a lower bound"


def test_environment_yml_mirrors_pyproject():
    py = _pyproject_requirements()
    env = _environment_requirements()
    assert env == py, {
        "only in pyproject": sorted(set(py) - set(env)),
        "only in environment.yml": sorted(set(env) - set(py)),
        "different ranges": {k: (py[k], env[k]) for k in set(py) & set(env) if py[k] != env[k]},
    }


def test_ci_calls_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```(?:bash|sh)?\n(.*?)```", readme, re.S)
    assert block, "README must open with a fenced code block"
    commands = [c for c in block.group(1).splitlines() if c.strip() and not c.startswith("#")]
    assert len(commands) == 2, commands
    test_command = commands[1].strip()
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci


# --------------------------------------------------------------------------- the wheel

#: What a wheel is built from: the files an sdist carries (pyproject.toml, setup.py,
#: MANIFEST.in, README, LICENSE, the package and the notebooks).
_BUILD_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE")


def _copy_source(dest: Path) -> Path:
    """Copy what the build reads into ``dest`` (the build writes build/ and *.egg-info there,
    not in the checkout)."""
    for name in _BUILD_FILES:
        shutil.copy2(ROOT / name, dest / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "notebooks")
    shutil.copytree(ROOT / "kinerja_calib", dest / "kinerja_calib", ignore=skip)
    (dest / "notebooks").mkdir()
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy2(nb, dest / "notebooks" / nb.name)
    return dest


def _setuptools_builds_without_isolation() -> bool:
    """True when the test environment's setuptools meets ``[build-system] requires``
    (the ``dev`` extra pins it); otherwise pip builds in an isolated environment."""
    try:
        return Version(md.version("setuptools")) >= Version("77")
    except md.PackageNotFoundError:
        return False


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build the wheel once for this module (~2 s without build isolation)."""
    src = _copy_source(tmp_path_factory.mktemp("src"))
    dist = tmp_path_factory.mktemp("dist")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist)]
    if _setuptools_builds_without_isolation():
        cmd.append("--no-build-isolation")
    proc = subprocess.run([*cmd, str(src)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (whl,) = dist.glob("kinerja_calib-*.whl")
    return whl


def test_wheel_ships_every_notebook_of_the_course(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {n.removeprefix("kinerja_calib/notebooks/") for n in names if "/notebooks/" in n}
    expected = {nb.name for nb in (ROOT / "notebooks").glob("*.ipynb")}
    assert "laporan_instansi.ipynb" in expected
    assert shipped == expected
    assert {
        f"kinerja_calib/rules/{p.name}" for p in (ROOT / "kinerja_calib/rules").glob("*.toml")
    } <= names
    # the vignette bank of the rater training is package data (pelatihan/bank/*.toml)
    bank = {
        f"kinerja_calib/pelatihan/bank/{p.name}"
        for p in (ROOT / "kinerja_calib/pelatihan/bank").glob("*.toml")
    }
    assert len(bank) >= 24 and bank <= names
    assert "laporan_pelatihan.ipynb" in shipped
    # the answer notebooks and the samples are the repository's, not the package's
    assert not any("jawaban" in n or "data/samples" in n for n in names)


_RUN_INSTALLED = r"""
import json, sys
from pathlib import Path
import kinerja_calib as kc
from kinerja_calib import reports, workshop
from kinerja_calib.reports import _tasks_base
from kinerja_calib.cli import main

site, data, out = (Path(a) for a in sys.argv[1:4])
where = {
    "package": kc.__file__,
    "notebooks": str(_tasks_base.NOTEBOOKS),
    "workshop": str(workshop.folder_notebook()),
    "sys_path": sys.path,
}
code = main([
    "laporan", str(data), "--keluaran", str(out), "--instansi", "UJI-A",
    "--hanya-laporan", "--pekerja", "1",
])
print(json.dumps({"code": code, **where}))
"""


@pytest.mark.slow
def test_installed_wheel_writes_a_report_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(site),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "reports"))
    try:
        from mini import tulis_mini
    finally:
        sys.path.pop(0)
    data, out, cwd = tmp_path / "data", tmp_path / "keluaran", tmp_path / "cwd"
    tulis_mini(data)
    cwd.mkdir()
    # Only the installed copy is importable: PYTHONPATH is the target folder alone (the
    # dependencies come from the venv's site-packages), the cwd is outside the checkout.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KINERJA"))}
    env["PYTHONPATH"] = str(site)
    proc = subprocess.run(
        [sys.executable, "-c", _RUN_INSTALLED, str(site), str(data), str(out)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["code"] == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert Path(got["package"]).is_relative_to(site)
    assert Path(got["notebooks"]) == site / "kinerja_calib" / "notebooks"
    assert Path(got["workshop"]) == site / "kinerja_calib" / "notebooks"
    # nothing of the checkout is importable — except the venv, which may live inside it
    venv = Path(sys.prefix).resolve()
    leaks = [
        p
        for p in got["sys_path"]
        if p
        and Path(p).is_absolute()  # not the editable install's path-hook marker
        and Path(p).resolve().is_relative_to(ROOT)
        and not Path(p).resolve().is_relative_to(venv)
    ]
    assert not leaks, leaks
    html = (out / "UJI-A" / "laporan_instansi.html").read_text(encoding="utf-8")
    assert "Dinas Uji Alfa" in html
    executed = json.loads((out / "UJI-A" / "laporan_instansi.ipynb").read_text("utf-8"))
    assert executed["metadata"]["papermill"]["parameters"]["kode_instansi"] == "UJI-A"
    assert not (out / "UJI-B").exists()


# --------------------------------------------------------------------------- loud cross-checks


def test_cross_checks_fail_instead_of_skipping():
    """A missing reference library must fail its cross-check, never turn it into a skip."""
    offenders = [
        f"{path.relative_to(ROOT)}:{i}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "importorskip(" in line and path.name != "test_packaging.py"
    ]
    assert not offenders, f"use _reference.require instead of pytest.importorskip: {offenders}"


def test_every_reference_library_is_a_declared_dependency():
    calls = re.compile(r"""\brequire\(\s*["']([A-Za-z0-9_.]+)["']""")
    used = {
        m.group(1).split(".")[0].lower()
        for path in (ROOT / "tests").rglob("test_*.py")
        if path.name != "test_packaging.py"
        for m in calls.finditer(path.read_text(encoding="utf-8"))
    }
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        Requirement(r).name.lower()
        for r in meta["dependencies"] + meta["optional-dependencies"]["dev"]
    }
    assert {"pingouin", "krippendorff", "statsmodels", "distributed", "psutil"} <= used
    assert used <= declared, f"not in pyproject's dependencies or dev extra: {used - declared}"


def test_require_fails_loudly_naming_the_dev_extra():
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from _reference import require
    finally:
        sys.path.pop(0)
    assert require("json") is json
    with pytest.raises(pytest.fail.Exception, match=r"pip install -e '\.\[dev\]'"):
        require("pustaka_yang_tidak_ada")
