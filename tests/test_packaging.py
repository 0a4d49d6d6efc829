"""The project's own files must agree: pyproject.toml <-> environment.yml, CI <-> README."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

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
