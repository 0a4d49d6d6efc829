"""Reading an .xlsx workbook (python-calamine): cell texts, typed number cells, Excel errors."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from ._builder import cell_text, from_records, missing_table, norm_header
from ._problems import Problems
from ._schema import TABLES
from ._table import Table


def xlsx_cell_text(v) -> str:
    """Text of one python-calamine cell value, the same text openpyxl's value gave.

    calamine returns every number as ``float`` and a date at midnight as ``date``, where
    openpyxl returned ``int`` for integer literals (Excel stores 42 as ``42``) and
    ``datetime``; both become the text the openpyxl reader produced.
    """
    if type(v) is float:
        if v.is_integer() and abs(v) < 1e16:  # below 1e16 repr() is plain digits + ".0"
            return str(int(v))
        return repr(v)
    if type(v) is datetime.date:
        return datetime.datetime(v.year, v.month, v.day).isoformat()
    return cell_text(v)


_XL_ERROR_CELL = re.compile(rb'<c\s([^>]*?\bt="e"[^>/]*)>(.*?)</c>', re.S)
_XL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_XL_VALUE = re.compile(rb"<v>([^<]*)</v>")


def _xlsx_error_cells(path: Path, names: list[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Excel error cells (``#N/A``, ``#DIV/0!``, ...) of the named sheets.

    python-calamine reads an error cell as an empty string, which would turn e.g. a failed
    ``VLOOKUP`` in ``nip_atasan`` into "no superior". Each sheet's XML is scanned in chunks
    for ``t="e"`` (rare; only a sheet holding one is parsed with a regex) and the error text
    is returned as (0-based row, 0-based column, text), as openpyxl gave it.
    """
    import posixpath
    import xml.etree.ElementTree as ET
    import zipfile

    out: dict[str, list[tuple[int, int, str]]] = {}
    with zipfile.ZipFile(path) as zf:
        rels = {}
        for el in ET.fromstring(zf.read("xl/_rels/workbook.xml.rels")):
            target = el.get("Target", "")
            rels[el.get("Id")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            )
        parts = {}
        for el in ET.fromstring(zf.read("xl/workbook.xml")).iter():
            if el.tag.rsplit("}", 1)[-1] == "sheet":
                rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
                parts[el.get("name")] = posixpath.normpath(rels.get(rid, ""))
        for name in names:
            part = parts.get(name)
            if part not in zf.NameToInfo:
                continue
            found, tail = False, b""
            with zf.open(part) as f:
                while chunk := f.read(1 << 22):
                    if b't="e"' in tail + chunk[:8] or b't="e"' in chunk:
                        found = True
                        break
                    tail = chunk[-8:]
            if not found:
                continue
            cells = []
            for m in _XL_ERROR_CELL.finditer(zf.read(part)):
                ref, value = _XL_REF.search(m.group(1)), _XL_VALUE.search(m.group(2))
                if ref is None or value is None:
                    continue
                col = 0
                for ch in ref.group(1):
                    col = col * 26 + ch - 64
                cells.append((int(ref.group(2)) - 1, col - 1, value.group(1).decode()))
            out[name] = cells
    return out


def _xlsx_sheets(path: Path) -> dict[str, list[list]]:
    """Raw cell values of every table's sheet (keyed by normalised name), error cells as text."""
    import python_calamine

    with python_calamine.CalamineWorkbook.from_path(path) as book:
        sheets = {norm_header(s): s for s in book.sheet_names}
        wanted = {n: sheets[n] for n in TABLES if n in sheets}
        errors = _xlsx_error_cells(path, list(wanted.values()))
        out = {}
        for name, sheet in wanted.items():
            # skip_empty_area=False: the first record is spreadsheet row 1, column A
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            for r, c, text in errors.get(sheet, ()):
                if r < len(rows):
                    rows[r] = list(rows[r]) + [""] * (c + 1 - len(rows[r]))
                    rows[r][c] = text
            out[name] = rows
    return out


def read_xlsx(path: Path, probs: Problems) -> dict[str, Table | None] | None:
    """Read every table's sheet with python-calamine (Rust; ~50x faster than openpyxl)."""
    import zipfile

    import python_calamine

    try:
        sheets = _xlsx_sheets(path)
    except (
        python_calamine.CalamineError,
        zipfile.BadZipFile,
        OSError,
        KeyError,
        SyntaxError,
    ) as err:
        # broken zip/XML, password-protected (an OLE file, not a zip), unreadable file
        msg = (
            f"Berkas Excel tidak dapat dibuka ({type(err).__name__}). Pastikan berkas .xlsx "
            "tidak rusak atau terkunci sandi, lalu simpan ulang dari Excel."
        )
        probs.one("", path.name, None, None, msg)
        return None
    out: dict[str, Table | None] = {}
    for name in TABLES:
        file = f"{path.name}:{name}"
        if name not in sheets:
            out[name] = None
            missing_table(name, file, f"sheet '{name}' di {path.name}", probs)
            continue
        rows = sheets.pop(name)
        records = [[v if type(v) is str else xlsx_cell_text(v) for v in r] for r in rows]
        typed = [[type(v) is float for v in r] for r in rows]  # number cells
        del rows
        out[name] = from_records(name, file, records, probs, pad=True, typed=typed)
    return out
