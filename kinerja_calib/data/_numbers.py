"""Parsing number cells: decimal comma, thousands separators, ambiguous values, Excel errors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._problems import Problems, show
from ._table import Table

_RE_AMBIG = r"[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}"
_RE_COMMA = r"[+-]?[0-9]*,[0-9]+"
_RE_ID_THOUS = r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?"
_RE_EN_THOUS = r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"
_RE_SCI_COMMA = r"[+-]?[0-9]*,[0-9]+[eE][+-]?[0-9]+"
_RE_PLAIN = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def _number_message(v: str) -> str:
    if v.startswith("#"):
        return (
            f"Sel berisi galat Excel '{show(v)}'. Perbaiki rumusnya di Excel atau ketik "
            "angkanya langsung, lalu ekspor ulang."
        )
    if v.endswith("%"):
        return f"'{show(v)}' bukan angka. Tulis tanpa tanda %, mis. 85 atau 85,5."
    return f"'{show(v)}' bukan angka. Ganti dengan angka seperti 85, 85,5 (koma desimal) atau 85.5."


def _ambiguous_message(v: str) -> str:
    sep = "." if "." in v else ","
    ribuan = v.replace(sep, "")
    desimal = v.replace(sep, ",")
    return (
        f"Angka '{v}' ambigu: bisa berarti {ribuan} ('{sep}' pemisah ribuan) atau {desimal} "
        "(desimal). Kolom ini tidak memastikannya: angka seperti ini hanya dibaca sendiri bila "
        "baris lain kolom yang sama memakai koma desimal (mis. 85,5) dan tidak ada titik "
        f"desimal. Tulis {ribuan} bila maksudnya ribuan, atau {desimal}0 bila maksudnya desimal."
    )


def to_float(strings: pd.Series) -> np.ndarray:
    return pd.to_numeric(strings, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _parse_unique(s: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct strings → (float values, garbage mask, unresolved-ambiguity mask)."""
    n = len(s)
    empty = (s == "").to_numpy()
    amb = s.str.fullmatch(_RE_AMBIG).to_numpy()
    fast = s.str.fullmatch(_RE_PLAIN).to_numpy() & ~amb
    vals = np.full(n, np.nan)
    if fast.any():
        vals[fast] = to_float(s[fast])
    dot_ev = bool((fast & s.str.contains(".", regex=False).to_numpy()).any())
    comma_ev = False
    slow = ~empty & ~fast & ~amb
    if slow.any():
        sub = s[slow]
        comma = (
            sub.str.fullmatch(_RE_COMMA).to_numpy() | sub.str.fullmatch(_RE_SCI_COMMA).to_numpy()
        )
        idt = sub.str.fullmatch(_RE_ID_THOUS).to_numpy()
        ent = sub.str.fullmatch(_RE_EN_THOUS).to_numpy() & ~idt & ~comma
        comma_ev, dot_ev = bool((comma | idt).any()), dot_ev or bool(ent.any())
        norm = pd.Series(np.full(len(sub), "", dtype=object), index=sub.index, dtype="str")
        norm[comma] = sub[comma].str.replace(",", ".", regex=False)
        norm[idt] = sub[idt].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        norm[ent] = sub[ent].str.replace(",", "", regex=False)
        vals[slow] = to_float(norm)
    unresolved = np.zeros(n, dtype=bool)
    if amb.any():
        sub = s[amb]
        if comma_ev and not dot_ev:  # "1.500" = 1500, "1,500" = 1.5
            vals[amb] = to_float(
                sub.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            )
        else:  # no evidence, a decimal point elsewhere, or both conventions: reported
            unresolved = amb
    bad = ~empty & ~unresolved & ~np.isfinite(vals)
    vals[bad] = np.nan
    return vals, bad, unresolved


def parse_numbers(t: Table, column: str, probs: Problems) -> np.ndarray:
    """Column of strings → float64 (NaN where empty or wrong); wrong cells become problems.

    A typed number cell (.xlsx number, float in a frame) is never ambiguous: its text is
    Python's, with a decimal point.
    """
    codes, u = t.uniq(column)
    vals, bad, unresolved = _parse_unique(u)
    out = vals[codes]
    amb = unresolved[codes]
    typed = t.typed.get(column)
    if typed is not None and (amb & typed).any():
        dot = np.full(len(u), np.nan)
        dot[unresolved] = to_float(u[unresolved])
        out[amb & typed] = dot[codes[amb & typed]]
        amb &= ~typed
    probs.by_value(t, amb, column, _ambiguous_message)
    probs.by_value(t, bad[codes], column, _number_message)
    return out
