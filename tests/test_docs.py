"""Every reference in the package, the notebooks and the README resolves inside the repository.

Source keys such as ``[S25]`` must have an entry in ``docs/sumber.md``; a ``docs/<page>.md``
reference must name an existing page, and ``docs/<page>.md §n`` a section heading of that
page. The design and domain documents outside the repository (``DESIGN.md``,
``shared/domain/regulasi.md``, ``praktik.md``) may no longer be cited: their content lives in
``docs/``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

KEY = re.compile(r"\[(S\d+[a-z]?)\]")
#: A section id: ``2``, ``2.1``, ``A1``, ``D``.
SECTION = r"(?:[A-Z]\d*|\d+(?:\.\d+)*)\b"
#: ``docs/x.md`` optionally followed (after a closing backquote pair) by ``§n`` / ``§A1``.
DOC_REF = re.compile(rf"docs/([\w.-]+\.md)(?:``|`)?(?:\s*§\s*({SECTION}))?")
#: Documents outside the repository that code may no longer cite.
OUTSIDE = re.compile(
    r"DESIGN(?:\.md)?\s*§|DESIGN\.md|shared/domain|(?<![\w/])(?:regulasi|praktik)\.md"
)
#: In a docs page: a relative Markdown link, optionally followed by ``§n``.
LINK = re.compile(rf"\]\(([\w./-]+\.md)\)(?:\s*§\s*({SECTION}))?")
#: Any ``§n`` with the page it belongs to (a link, a ``docs/`` path, or none: this page).
SECTION_REF = re.compile(
    rf"(?:\]\((?P<link>[\w./-]+\.md)\)|docs/(?P<doc>[\w.-]+\.md)`*)?\s*§\s*(?P<sec>{SECTION})"
)


def _cited_files() -> list[Path]:
    files = [ROOT / "README.md"]
    files += sorted(p for p in (ROOT / "kinerja_calib").rglob("*") if p.suffix in {".py", ".toml"})
    files += sorted((ROOT / "notebooks").rglob("*.ipynb"))
    return files


def _text(path: Path) -> str:
    """The text of a file; a notebook's cell sources only (not outputs or metadata)."""
    raw = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return raw
    return "\n".join("".join(c["source"]) for c in json.loads(raw)["cells"])


@cache
def _sections(page: Path) -> frozenset[str]:
    """Section ids of a Markdown page: ``## 2. Layers`` → ``2``, ``### 2.1 x`` → ``2.1``."""
    heads = re.findall(rf"^#{{1,6}}\s+({SECTION})[.\s]", page.read_text("utf-8"), re.M)
    return frozenset(heads)


@cache
def _keys_listed() -> frozenset[str]:
    text = (DOCS / "sumber.md").read_text(encoding="utf-8")
    return frozenset(re.findall(r"^- \*\*\[(S\d+[a-z]?)\]\*\*", text, re.M))


def test_every_source_key_has_an_entry_in_sumber_md():
    missing = {
        f"{path.relative_to(ROOT)}: [{key}]"
        for path in [*_cited_files(), *(ROOT / "tests").glob("test_*.py"), *DOCS.glob("*.md")]
        for key in KEY.findall(_text(path))
        if key not in _keys_listed()
    }
    assert not missing, sorted(missing)
    # the list is the one the code uses, not an empty page
    assert {"S10a", "S18", "S25", "S29a", "S40"} <= _keys_listed()


def test_every_docs_reference_names_a_page_and_a_section():
    bad = []
    for path in [*_cited_files(), ROOT / "CONTRIBUTING.md", *DOCS.glob("*.md")]:
        for page, section in DOC_REF.findall(_text(path)):
            target = DOCS / page
            if not target.is_file():
                bad.append(f"{path.relative_to(ROOT)}: docs/{page} does not exist")
            elif section and section not in _sections(target):
                bad.append(f"{path.relative_to(ROOT)}: docs/{page} has no §{section}")
    assert not bad, bad


def test_docs_pages_link_to_pages_and_sections_that_exist():
    """Links between pages resolve; a bare ``§n`` in a page names a section of that page."""
    bad = []
    for path in [*DOCS.glob("*.md"), ROOT / "CONTRIBUTING.md"]:
        text = path.read_text(encoding="utf-8")
        for link, _ in LINK.findall(text):
            if not (path.parent / link).resolve().is_file():
                bad.append(f"{path.relative_to(ROOT)}: link {link} does not exist")
        for m in SECTION_REF.finditer(text):
            page = m["link"] and (path.parent / m["link"]).resolve()
            page = page or (m["doc"] and DOCS / m["doc"]) or path
            if page.is_file() and m["sec"] not in _sections(page):
                bad.append(f"{path.relative_to(ROOT)}: {page.name} has no §{m['sec']}")
    assert not bad, bad


def test_no_citation_of_documents_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}:{i}: {line.strip()}"
        for path in _cited_files()
        for i, line in enumerate(_text(path).splitlines(), 1)
        if OUTSIDE.search(line.replace("docs/regulasi.md", "").replace("docs/praktik.md", ""))
    ]
    assert not found, found


@pytest.mark.parametrize("page", ["arsitektur", "skema-data", "sumber", "regulasi", "praktik"])
def test_docs_pages_exist_with_numbered_sections(page):
    path = DOCS / f"{page}.md"
    assert path.is_file()
    assert len(_sections(path)) >= 4


def test_schema_page_lists_every_column_the_loader_knows():
    from kinerja_calib.data import KOLOM, KOLOM_OPSIONAL, TABLES

    text = (DOCS / "skema-data.md").read_text(encoding="utf-8")
    for i, table in enumerate(TABLES, 1):
        head = re.search(rf"^### 2\.{i} `{table}`", text, re.M)
        assert head, f"docs/skema-data.md §2.{i} must describe `{table}`"
        block = text[head.end() :].split("\n### ", 1)[0]
        documented = set(re.findall(r"^\| `(\w+)`", block, re.M))
        # u1 … u9 of survei_skm are one row
        if table == "survei_skm":
            documented |= {f"u{k}" for k in range(1, 10)}
        columns = set(KOLOM[table]) | set(KOLOM_OPSIONAL[table])
        if table == "indikator":
            documented |= {"target_min", "target_max"}
        assert documented == columns, (table, documented ^ columns)
