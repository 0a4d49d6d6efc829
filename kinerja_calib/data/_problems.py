"""Collecting problems: one per cause, grouped by value, capped per rule; message helpers."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ._schema import MAX_PER_RULE, TABLES
from ._table import Table

_SHOW_ROWS = 8  # rows listed in the message of a grouped problem


@dataclass
class _Item:
    """A problem being collected (a :class:`Problem` once :meth:`Problems.sorted` runs)."""

    order: int
    file: str
    row: int | None
    column: str | None
    message: str
    count: int = 1
    level: str = "galat"
    value: str | None = None
    knock: list = field(default_factory=list)  # (file, column, value, rows, n, same)


class Problems:
    """Collects problems, capping each (file, column, rule) at ``MAX_PER_RULE``.

    ``causes`` maps each malformed ``pegawai.nip`` value to its problem: rows of other tables
    that carry the same value, or refer to a NIP that is missing from ``pegawai`` and close
    to it, are knock-on effects counted under that one problem instead of repeated.
    """

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self._order = {t: i for i, t in enumerate(TABLES)}
        self.causes: dict[str, int] = {}

    def one(self, table: str, file: str, row, column, message: str, count=1, value=None) -> int:
        row = None if row is None else int(row)
        order = self._order.get(table, 99)
        self.items.append(_Item(order, file, row, column, message, int(count), value=value))
        return len(self.items) - 1

    def warn(self, table: str, file: str, row, column, message: str) -> None:
        self.one(table, file, row, column, message)
        self.items[-1].level = "peringatan"

    @property
    def errors(self) -> bool:
        return any(it.level == "galat" for it in self.items)

    def rows(self, t: Table, mask, column, message, values=None) -> None:
        """Add one problem per True position of ``mask``; ``message`` may be callable."""
        pos = np.flatnonzero(np.asarray(mask, dtype=bool))
        if pos.size == 0:
            return
        shown = pos[:MAX_PER_RULE]
        vals = None if values is None else _pick(values, shown)
        for k, p in enumerate(shown):
            msg = message(vals[k]) if callable(message) else message
            self.one(t.name, t.file, t.rows[p], column, msg)
        if pos.size > MAX_PER_RULE:
            self._tail(t, column, pos.size - MAX_PER_RULE)

    def _tail(self, t: Table, column, rest: int) -> None:
        self.one(
            t.name,
            t.file,
            None,
            column,
            f"... dan {fmt_int(rest)} baris lain dengan masalah yang sama di kolom "
            f"'{column}'. Perbaiki semuanya dengan cara yang sama.",
        )

    def by_value(self, t: Table, mask, column: str, message) -> dict[str, int]:
        """One problem per distinct value of ``column`` among the True rows of ``mask``.

        The problem sits at the value's first row; when the value fills several rows the
        message says how many ("Mempengaruhi N baris") and lists the first. Returns
        value → index of its problem.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return {}
        codes, u = t.uniq(column)
        out: dict[str, int] = {}
        groups = group_positions(codes, mask)
        for k, (code, rows) in enumerate(groups):
            if k == MAX_PER_RULE:
                self._tail(t, column, int(sum(len(r) for _, r in groups[k:])))
                break
            v = str(u.iloc[code])
            msg = message(v) if callable(message) else message
            out[v] = self.grouped(t, column, msg, rows, value=v)
        return out

    def grouped(self, t: Table, column, message: str, pos: np.ndarray, value=None) -> int:
        """One problem for the rows at positions ``pos`` of ``t`` (sorted)."""
        rows = t.rows[pos]
        if len(rows) > 1:
            message += f" Mempengaruhi {fmt_int(len(rows))} baris ({_rows_text(rows)})."
        return self.one(t.name, t.file, rows[0], column, message, len(rows), value)

    def knock(self, cause: int, t: Table, column, value: str, pos, same: bool) -> None:
        """Count the rows ``pos`` of ``t`` as knock-on effects of problem ``cause``.

        ``same``: the rows hold the cause's own wrong value (else a value it probably meant).
        """
        rows = t.rows[pos]
        item = (t.file, column, value, rows[:_SHOW_ROWS], len(rows), same)
        self.items[cause].knock.append(item)
        self.items[cause].count += len(rows)

    def _final(self, it: _Item) -> Problem:
        msg = it.message
        if it.knock:
            total = sum(k[4] for k in it.knock)
            same = [k for k in it.knock if k[5]]
            other = [k for k in it.knock if not k[5]]
            if same:
                n = sum(k[4] for k in same)
                msg += (
                    f" NIP yang sama dipakai di {fmt_int(n)} baris lain: "
                    f"{_where(same)}; perbaiki juga di sana."
                )
            values = list(dict.fromkeys(k[2] for k in other))
            if len(values) == 1:
                n = sum(k[4] for k in other)
                msg += (
                    f" Kemungkinan NIP yang dimaksud adalah '{values[0]}': {fmt_int(n)} baris "
                    f"merujuk NIP itu tetapi tidak menemukannya di pegawai ({_where(other)}). "
                    "Baris-baris itu beres setelah NIP di baris ini diperbaiki."
                )
            elif values:
                n = sum(k[4] for k in other)
                shown = ", ".join(f"'{v}'" for v in values[:3]) + (", …" if len(values) > 3 else "")
                msg += (
                    f" {fmt_int(n)} baris lain merujuk {len(values)} NIP ({shown}) yang tidak "
                    f"ada di pegawai, kemungkinan besar NIP yang rusak ini ({_where(other)}). "
                    "Baris-baris itu beres setelah NIP di sini diperbaiki."
                )
            if same and other:
                msg += f" Total: mempengaruhi {fmt_int(total)} baris lain."
        return Problem(it.file, it.row, it.column, msg, it.count, it.level)

    def sorted(self, level: str = "galat") -> list[Problem]:
        def key(it):
            tail = it.row is None and it.message.startswith("...")
            return (it.order, it.file, math.inf if tail else (it.row or 0))

        chosen = [it for it in self.items if it.level == level]
        return [self._final(it) for it in sorted(chosen, key=key)]

    def error(self) -> DataError:
        return DataError(self.sorted(), self.sorted("peringatan"))


def _pick(values, pos: np.ndarray) -> np.ndarray:
    """``values[pos]`` as objects, without materialising a whole categorical column."""
    if isinstance(values, pd.Series):
        return values.iloc[pos].to_numpy(dtype=object)
    if isinstance(values, np.ndarray):
        return values[pos]
    return np.asarray(values, dtype=object)[pos]


def group_positions(codes: np.ndarray, mask: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """Positions of the True rows of ``mask`` grouped by code, groups in first-row order."""
    pos = np.flatnonzero(mask)
    if pos.size == 0:
        return []
    c = codes[pos]
    order = np.argsort(c, kind="stable")
    c, pos = c[order], pos[order]
    starts = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    parts = np.split(pos, starts[1:])
    out = [(int(c[s]), p) for s, p in zip(starts, parts, strict=True)]
    out.sort(key=lambda g: g[1][0])
    return out


def _rows_text(rows: np.ndarray, n: int | None = None) -> str:
    n = len(rows) if n is None else n
    shown = ", ".join(str(int(r)) for r in rows[:_SHOW_ROWS])
    return f"baris {shown}" + (f", … dan {fmt_int(n - _SHOW_ROWS)} lagi" if n > _SHOW_ROWS else "")


def _where(knocks) -> str:
    """Knock-on rows merged per file and column: "f kolom 'c' baris 2, 5, … dan N lagi"."""
    merged: dict[tuple, tuple[np.ndarray, int]] = {}
    for f, c, _, rows, n, _ in knocks:
        r0, n0 = merged.get((f, c), (np.zeros(0, dtype=np.int64), 0))
        merged[(f, c)] = (np.sort(np.r_[r0, rows])[:_SHOW_ROWS], n0 + n)
    return "; ".join(f"{f} kolom '{c}' {_rows_text(r, n)}" for (f, c), (r, n) in merged.items())


def fmt_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def fmt_num(x: float) -> str:
    return f"{x:.6g}".replace(".", ",")


def suggest(value: str, choices) -> str:
    lower = {str(c).lower(): str(c) for c in choices}
    hit = difflib.get_close_matches(str(value).lower(), list(lower), n=1, cutoff=0.6)
    return f" Mungkin maksud Anda '{lower[hit[0]]}'?" if hit else ""


def objects(items) -> np.ndarray:
    """1-D object array of arbitrary items (tuples stay tuples)."""
    items = list(items)
    return np.fromiter(items, dtype=object, count=len(items))


def show(v, n: int = 40) -> str:
    v = str(v)
    return v if len(v) <= n else v[: n - 1] + "…"


def quote(v) -> str:
    """A value quoted for a message; an empty value reads 'kosong' (never '', None or nan)."""
    v = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
    return f"'{show(v)}'" if v.strip() else "kosong"
