"""Layers without cycles: the import graph of ``kinerja_calib`` is acyclic and private.

Every module of the package is parsed with :mod:`ast` (never imported), and every import
statement counts — top level, inside functions, under ``if TYPE_CHECKING:`` — because an
import hidden in a function is still a dependency: it only hides the cycle until the day
someone moves it to the top.

The graph
---------
Nodes are the modules of ``kinerja_calib``. Package ``__init__`` *facades* are not nodes:
an ``__init__.py`` that holds only a docstring, imports, plain assignments (``__all__``,
the lazy-loading tables) and the lazy ``__getattr__``/``__dir__`` hooks re-exports names
and owns no logic, so an import through it is followed to the module that defines the
name (``from ..calibrate import rater_effects`` is an edge to ``calibrate._effects``). An
``__init__.py`` that defines classes or functions of its own (``rules/__init__.py``) is an
ordinary node.

The rules
---------
1. **No cycle** among the nodes.
2. **No import of another module's private name**: ``from .x import _y`` and ``x._y``
   (attribute access on an imported module) are refused when ``_y`` is a name defined in
   module ``x`` rather than a submodule. A private name that two modules need is either
   made public (and documented) or moved to the module that uses it.
3. **Private modules are package-internal**: a module named ``_m`` inside package ``p`` may
   be imported by any module under ``p`` (siblings and sub-packages; the package's own
   ``__init__``). So ``calibrate/_effects.py`` importing from its sibling
   ``calibrate/_ordinal.py`` is fine, and so is every module of the package using the
   top-level helpers ``kinerja_calib/_util.py`` or ``_escape.py``; but
   ``widgets/calibrate.py`` reaching into ``calibrate/_weights.py`` is not — it goes through
   the public ``kinerja_calib.calibrate`` names.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = "kinerja_calib"
ROOT = Path(__file__).resolve().parents[1] / PACKAGE


@dataclass
class Module:
    """One parsed module: its dotted name, file, syntax tree and whether it is a facade."""

    name: str
    path: Path
    tree: ast.Module
    is_package: bool
    facade: bool = False
    exports: dict[str, str] = field(default_factory=dict)  # facade name -> dotted source


@dataclass(frozen=True)
class Edge:
    """``source`` depends on ``target`` because of the import at ``path:line``."""

    source: str
    target: str
    path: str
    line: int
    what: str


def _module_name(path: Path) -> tuple[str, bool]:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


_FACADE_FUNCTIONS = {"__getattr__", "__dir__"}


def _is_facade(tree: ast.Module) -> bool:
    """An ``__init__`` that re-exports and lazy-loads only: no classes, no other functions."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            return False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name not in _FACADE_FUNCTIONS:
                return False
    return True


def _resolve(importer: Module, node: ast.ImportFrom) -> str:
    """Absolute dotted module of a ``from ... import`` statement."""
    if node.level == 0:
        return node.module or ""
    base = importer.name.split(".")
    if not importer.is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _literal_strings(node: ast.AST) -> dict[str, str] | set[str] | None:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return value
    if isinstance(value, (set, list, tuple)) and all(isinstance(v, str) for v in value):
        return set(value)
    return None


def _load() -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in sorted(ROOT.rglob("*.py")):
        name, is_package = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        modules[name] = Module(name, path, tree, is_package)
    for mod in modules.values():
        if not (mod.is_package and _is_facade(mod.tree)):
            continue
        mod.facade = True
        for node in mod.tree.body:
            if isinstance(node, ast.ImportFrom):
                base = _resolve(mod, node)
                for alias in node.names:
                    mod.exports[alias.asname or alias.name] = f"{base}.{alias.name}"
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                # Lazy tables: a set of submodule names, or a dict name -> submodule.
                target = node.targets[0]
                if not isinstance(target, ast.Name) or target.id == "__all__":
                    continue
                table = _literal_strings(node.value)
                if isinstance(table, dict):
                    for public, sub in table.items():
                        mod.exports.setdefault(public, f"{mod.name}.{sub}.{public}")
                elif isinstance(table, set):
                    for sub in table:
                        mod.exports.setdefault(sub, f"{mod.name}.{sub}")
    return modules


def _owner(modules: dict[str, Module], dotted: str) -> tuple[str, str | None]:
    """Split ``a.b.name`` into (defining module, name or None when it is a module).

    Facades are followed to where the name is defined.
    """
    seen: set[str] = set()
    while dotted not in seen:
        seen.add(dotted)
        if dotted in modules and not modules[dotted].facade:
            return dotted, None
        if dotted in modules:  # a facade package imported as a whole
            return dotted, None
        parent, _, name = dotted.rpartition(".")
        mod = modules.get(parent)
        if mod is None:
            return parent, name
        if mod.facade and name in mod.exports:
            dotted = mod.exports[name]
            continue
        return parent, name
    return dotted, None


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _may_import_private_module(importer: str, target: str) -> bool:
    """Rule 3: ``p._m`` (or anything below it) is open to the modules under ``p``."""
    parts = target.split(".")
    for i, part in enumerate(parts):
        if _is_private(part):
            package = ".".join(parts[:i])
            if not (importer == package or importer.startswith(package + ".")):
                return False
    return True


def _analyse() -> tuple[dict[str, Module], list[Edge], list[str]]:
    modules = _load()
    edges: list[Edge] = []
    problems: list[str] = []

    for mod in modules.values():
        rel = str(mod.path.relative_to(ROOT.parent))
        aliases: dict[str, str] = {}  # local name -> module it is bound to

        def add(written: str, line: int, what: str, mod: Module = mod, rel: str = rel) -> None:
            """Record the import of ``written`` (a module, or ``module.name``)."""
            target, name = _owner(modules, written)
            if not target.startswith(PACKAGE):
                return
            if name is not None and _is_private(name) and target != mod.name:
                problems.append(f"{rel}:{line}: imports private name {target}.{name} ({what})")
            module = written if name is None else written.rpartition(".")[0]
            if not _may_import_private_module(mod.name, module):
                problems.append(f"{rel}:{line}: imports private module {module} ({what})")
            if target != mod.name and not modules.get(target, mod).facade:
                edges.append(Edge(mod.name, target, rel, line, what))

        for node in ast.walk(mod.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(PACKAGE):
                        add(alias.name, node.lineno, f"import {alias.name}")
                        if alias.asname:
                            aliases[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(mod, node)
                if not base.startswith(PACKAGE):
                    continue
                for alias in node.names:
                    if alias.name == "*":
                        add(base, node.lineno, f"from {base} import *")
                        continue
                    written = f"{base}.{alias.name}"
                    add(written, node.lineno, f"from {base} import {alias.name}")
                    if written in modules:
                        aliases[alias.asname or alias.name] = written
        # Attribute access on an imported module: ``_weights._normalise(...)``.
        for node in ast.walk(mod.tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
            ):
                written = f"{aliases[node.value.id]}.{node.attr}"
                add(written, node.lineno, f"{node.value.id}.{node.attr}")
    return modules, edges, problems


def _cycles(edges: list[Edge]) -> list[list[str]]:
    """One shortest cycle through each strongly connected component of size > 1."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
        graph.setdefault(e.target, set())

    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def strong(v: str) -> None:  # Tarjan; the graph is small, recursion is fine
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)

    cycles = []
    for comp in components:
        members = set(comp)
        start = comp[0]
        # BFS from start back to start inside the component.
        parent: dict[str, str] = {}
        frontier = [start]
        found = None
        while frontier and found is None:
            nxt = []
            for v in frontier:
                for w in sorted(graph[v] & members):
                    if w == start:
                        found = v
                        break
                    if w not in parent:
                        parent[w] = v
                        nxt.append(w)
                if found is not None:
                    break
            frontier = nxt
        path = [start]
        v = found
        while v is not None and v != start:
            path.append(v)
            v = parent.get(v)
        cycle = [start, *reversed(path[1:]), start]
        cycles.append(cycle)
    return cycles


def _component_of(start: str, edges: list[Edge]) -> set[str]:
    """The modules on some cycle through ``start`` (reachable from it and reaching it)."""

    def reach(src: str, forward: bool) -> set[str]:
        seen, todo = {src}, [src]
        while todo:
            v = todo.pop()
            for e in edges:
                a, b = (e.source, e.target) if forward else (e.target, e.source)
                if a == v and b not in seen:
                    seen.add(b)
                    todo.append(b)
        return seen

    return reach(start, True) & reach(start, False)


def _describe(cycle: list[str], edges: list[Edge]) -> str:
    members = _component_of(cycle[0], edges)
    lines = [" -> ".join(cycle)]
    if len(members) > len(cycle) - 1:
        lines.append(f"    (the whole knot: {', '.join(sorted(members))})")
    for a, b in zip(cycle, cycle[1:], strict=False):
        where = next(e for e in edges if e.source == a and e.target == b)
        lines.append(f"    {where.path}:{where.line}: {where.what}")
    return "\n".join(lines)


def test_import_graph_has_no_cycle():
    _, edges, _ = _analyse()
    cycles = _cycles(edges)
    report = "\n".join(_describe(c, edges) for c in cycles)
    assert not cycles, f"{len(cycles)} import cycle(s) in {PACKAGE}:\n{report}"


def test_no_import_of_another_modules_private_name():
    _, _, problems = _analyse()
    assert not problems, "\n".join(problems)


# --- the checker checks what it claims (a test of the test) -------------------------------


def test_checker_sees_imports_inside_functions_and_type_checking(monkeypatch, tmp_path):
    pkg = tmp_path / PACKAGE
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text('"""Facade."""\nfrom .a import f\n__all__ = ["f"]\n')
    (pkg / "a.py").write_text("def f():\n    from .b import g\n    return g()\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import f\n"
        "def g():\n    return 1\n"
    )
    (pkg / "sub" / "__init__.py").write_text("from ._impl import h\n")
    (pkg / "sub" / "_impl.py").write_text("_SECRET = 1\ndef h():\n    return 2\n")
    (pkg / "c.py").write_text(
        "from .sub._impl import _SECRET\nfrom .sub import _impl\nx = _impl._SECRET\n"
    )
    monkeypatch.setitem(globals(), "ROOT", pkg)
    modules, edges, problems = _analyse()
    assert modules[PACKAGE].facade and modules[f"{PACKAGE}.sub"].facade
    # b -> facade -> a is followed to a; a -> b from inside a function.
    assert [c for c in _cycles(edges)] == [[f"{PACKAGE}.a", f"{PACKAGE}.b", f"{PACKAGE}.a"]]
    text = "\n".join(problems)
    assert f"c.py:1: imports private name {PACKAGE}.sub._impl._SECRET" in text
    assert f"c.py:3: imports private name {PACKAGE}.sub._impl._SECRET" in text
    assert f"c.py:2: imports private module {PACKAGE}.sub._impl" in text


@pytest.mark.parametrize(
    ("importer", "target", "ok"),
    [
        ("kinerja_calib.calibrate._effects", "kinerja_calib.calibrate._ordinal", True),
        ("kinerja_calib.calibrate", "kinerja_calib.calibrate._weights", True),
        ("kinerja_calib.scoring", "kinerja_calib._util", True),
        ("kinerja_calib.plots.calibrate", "kinerja_calib._escape", True),
        ("kinerja_calib.widgets.calibrate", "kinerja_calib.calibrate._weights", False),
        ("kinerja_calib.scoring", "kinerja_calib.calibrate._effects", False),
    ],
)
def test_private_module_rule(importer, target, ok):
    assert _may_import_private_module(importer, target) is ok


# --- the moves keep the public names and the behaviour ------------------------------------


def test_moved_names_stay_public_where_they_were():
    import kinerja_calib as kc
    from kinerja_calib import _berkas, _capaian

    assert kc.indicators.sensitivitas_bobot is kc.scoring.sensitivitas_bobot
    for name in ("capaian", "capaian_pegawai", "target_efektif", "CapaianPegawai"):
        assert getattr(kc.indicators, name) is getattr(_capaian, name)
    assert kc.reports.write_atomic is _berkas.write_atomic
    assert kc.rules.daftarkan_validator is kc.rules._registry.daftarkan_validator
    assert kc.calibrate.RaterEffects.__name__ == "RaterEffects"
    assert callable(kc.simulate.generate_organisation)


def test_one_period_selector_one_meaning_of_none():
    from kinerja_calib._periode import pilih_periode
    from kinerja_calib.errors import ParameterError

    ada = ["2025-S2", "2026-S1"]
    assert pilih_periode(ada, None) is None  # every period
    assert pilih_periode(ada, "") == ["2026-S1"]  # the latest
    assert pilih_periode([], "") == []
    assert pilih_periode(ada, ["2025-S2"]) == ["2025-S2"]
    with pytest.raises(ParameterError, match=r"\['2030-S1'\] tidak ada di data"):
        pilih_periode(ada, "2030-S1")
    with pytest.raises(ParameterError, match="pilih salah satu"):
        pilih_periode(ada, "x", lambda unknown, available: f"{unknown}: pilih salah satu")


def test_calibrate_keeps_its_documented_periode_default():
    """rater_effects: None and "" = the latest period, "semua" = pooled, unknown = error."""
    import pandas as pd

    import kinerja_calib as kc
    from kinerja_calib.errors import ParameterError

    def sim(seed: int, periode: str) -> pd.DataFrame:
        one = kc.simulate.simulate_ratings(kc.simulate.Scenario(n_pegawai=120), seed=seed)
        return one.ratings.assign(periode=periode)

    r = pd.concat([sim(4, "2025-S2"), sim(5, "2026-S1")], ignore_index=True)
    assert kc.calibrate.rater_effects(r).periode == "2026-S1"
    assert kc.calibrate.rater_effects(r, periode="").periode == "2026-S1"
    pooled = kc.calibrate.rater_effects(r, periode="semua")
    assert pooled.periode is None
    assert pooled.ratees["n"].sum() > kc.calibrate.rater_effects(r).ratees["n"].sum()
    with pytest.raises(ParameterError, match="atau 'semua' untuk menggabungkan periode"):
        kc.calibrate.rater_effects(r, periode="2030-S1")


def test_role_composite_is_the_weights_modules_own_arithmetic():
    """The widget's public door gives the composite_scores and source_weights numbers."""
    import numpy as np
    import pandas as pd

    import kinerja_calib as kc
    from kinerja_calib._display import DataKurang

    r = kc.simulate.simulate_ratings(kc.simulate.Scenario(n_pegawai=300), seed=3).ratings
    rc = kc.calibrate.role_composite(r)
    bobot = {"atasan": 0.5, "rekan": 0.2, "bawahan": 0.2, "pengguna_layanan": 0.1}
    w = np.array([bobot.get(role, 0.0) for role in rc.roles])
    w = w / w.sum()
    pd.testing.assert_series_equal(rc.score(w), kc.calibrate.composite_scores(r, bobot))
    sw = kc.calibrate.source_weights(r, n_boot=0).set_index("peran_penilai")["bobot"]
    best = sw.reindex(rc.roles).to_numpy()
    assert rc.reliability(best) == pytest.approx(
        kc.calibrate.source_weights(r, n_boot=0).attrs["nilai_kriteria"], rel=1e-9
    )
    assert rc.reliability(best) >= rc.reliability(np.full(len(w), 1 / len(w))) - 1e-9
    diri = r[r["peran_penilai"] == "diri"]
    assert isinstance(kc.calibrate.role_composite(diri), DataKurang)
