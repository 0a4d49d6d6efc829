"""House rules of the course notebooks (their execution is tested by ``pytest --nbval-lax``).

Every notebook: stored without outputs, Python 3 kernelspec, short code cells (logic lives in
``kinerja_calib``), one ``parameters`` cell of literals that papermill can read in full.
Course notebooks (00 and ``reports.KURSUS``) also open with learning goals, close with Ringkasan and Latihan, link
to their answers and to each other.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from kinerja_calib import reports

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((NOTEBOOKS / "jawaban").glob("*.ipynb"))
COURSE = sorted(NOTEBOOKS.glob("0[0-5]*_*.ipynb"))
MAX_LINES = 15


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _code_lines(source: str) -> list[str]:
    return [ln for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def _prefix(path: Path) -> str:
    return path.name.split("_")[0]


def test_the_course_is_complete():
    # 00 (orientation, not run per instansi) and the notebooks the batch copies per instansi
    assert [_prefix(p) for p in COURSE] == ["00", *reports.KURSUS]
    answers = sorted((NOTEBOOKS / "jawaban").glob("*.ipynb"))
    # 06 is the trainer's notebook for a rater-training session (not run per instansi)
    assert [_prefix(p) for p in answers] == ["00", *reports.KURSUS, "06"]
    assert (NOTEBOOKS / "06_pelatihan_penilai.ipynb").exists()
    assert all(p.name == f"{_prefix(p)}_jawaban.ipynb" for p in answers)
    assert (NOTEBOOKS / "laporan_instansi.ipynb").exists()


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.relative_to(NOTEBOOKS).as_posix())
def test_notebook_house_rules(path: Path):
    nb = _read(path)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    for i, cell in enumerate(code):
        assert not cell.get("outputs"), f"code cell {i} stored with outputs: clear them"
        n = len(_code_lines(cell.source))
        assert n <= MAX_LINES, f"code cell {i} has {n} lines: move the logic into kinerja_calib"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.relative_to(NOTEBOOKS).as_posix())
def test_parameters_cell_is_literals_that_papermill_reads(path: Path):
    nb = _read(path)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    tree = ast.parse(params[0].source)
    names = []
    for stmt in tree.body:
        assert isinstance(stmt, ast.Assign | ast.AnnAssign), ast.dump(stmt)
        value = stmt.value
        ast.literal_eval(value)  # raises on anything but a literal
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        names.append(target.id)
    assert names, "an empty parameters cell"
    assert list(pm.inspect_notebook(str(path))) == names, (
        "papermill cannot read every parameter: avoid '=' and quotes in the comments"
    )


@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_course_notebook_narrative(path: Path):
    nb = _read(path)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    first = nb.cells[0].source if nb.cells[0].cell_type == "markdown" else nb.cells[1].source
    assert "Tujuan belajar" in markdown[:4000], "open with the learning goals"
    assert re.search(r"^#+ .*Ringkasan", markdown, re.M), "close with a Ringkasan"
    assert re.search(r"^#+ .*Latihan", markdown, re.M), "give Latihan"
    assert f"jawaban/{_prefix(path)}_jawaban.ipynb" in markdown, "link the answers"
    assert "00_mulai_di_sini.ipynb" in first or path.name.startswith("00"), "navigation on top"
    n_md = sum(c.cell_type == "markdown" for c in nb.cells)
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    assert n_md >= n_code * 0.6, "narrative first: interpret the results in prose"
