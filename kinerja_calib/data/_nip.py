"""NIP cells: the 18-digit rules, Excel damage, missing NIPs linked to the wrong NIP behind them."""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from ._numbers import to_float
from ._problems import Problems, fmt_int, group_positions, show
from ._schema import MIN_AGE_AT_TMT
from ._table import Table

_RE_NIP_EXCEL = (
    r"[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+"  # 1.98703E+17, 1,98703E+17
    r"|[0-9]{15,18}[.,]0+"  # 198703152010011001.0
    r"|[0-9]{1,3}(?:[.,][0-9]{3}){4,5}(?:[.,]0+)?"  # 198.703.152.010.011.000
)
_NIP_MESSAGES = {
    "excel": lambda v: (
        f"NIP rusak oleh Excel ('{show(v)}'): digit terakhir sudah hilang. Format sel sebagai "
        "Teks lalu ketik ulang NIP lengkap 18 digit."
    ),
    "spaced": lambda v: (
        f"NIP '{v}' berisi spasi atau tanda baca. Tulis 18 digit angka saja tanpa spasi."
    ),
    "wrong": lambda v: (
        f"NIP '{show(v)}' harus tepat 18 digit angka (sekarang {len(v)} karakter). Periksa "
        "lalu ketik ulang NIP sebagai teks."
    ),
    "birth": lambda v: (
        f"NIP '{v}': 8 digit pertama ({v[:8]}) bukan tanggal lahir yang sah (ttttbbhh). "
        "Periksa NIP pada SK."
    ),
    "tmt": lambda v: (
        f"NIP '{v}': digit 9–14 ({v[8:14]}) bukan TMT CPNS yang sah (ttttbb, bulan 01–12, "
        f"minimal {MIN_AGE_AT_TMT} tahun setelah tahun lahir). Periksa NIP pada SK."
    ),
    "sex": lambda v: (
        f"NIP '{v}': digit ke-15 harus 1 (pria) atau 2 (wanita), bukan '{v[14]}'. Periksa NIP."
    ),
}


def _nip_flags(s: pd.Series) -> dict[str, np.ndarray]:
    """Distinct NIP strings → one mask per kind of fault, plus ``valid``."""
    filled = (s != "").to_numpy()
    d18 = s.str.fullmatch(r"[0-9]{18}").to_numpy()
    other = filled & ~d18
    excel = other & s.str.fullmatch(_RE_NIP_EXCEL).to_numpy()
    bare = s.str.replace(r"[\s.\-']", "", regex=True)
    spaced = other & ~excel & bare.str.fullmatch(r"[0-9]{18}").to_numpy()
    flags = {"excel": excel, "spaced": spaced, "wrong": other & ~excel & ~spaced}
    birth = tmt = sex = np.zeros(len(s), dtype=bool)
    if d18.any():
        d = s[d18]
        year = pd.to_datetime(d.str.slice(0, 8), format="%Y%m%d", errors="coerce").dt.year
        by = year.to_numpy(dtype=float, na_value=np.nan)
        ty = to_float(d.str.slice(8, 12))
        tm = to_float(d.str.slice(12, 14))
        b = np.isnan(by) | (by < 1900)
        birth, tmt, sex = (np.zeros(len(s), dtype=bool) for _ in range(3))
        birth[d18] = b
        tmt[d18] = ~b & ((tm < 1) | (tm > 12) | (ty < by + MIN_AGE_AT_TMT))
        sex[d18] = ~d.str.slice(14, 15).isin(["1", "2"]).to_numpy()
    flags.update(birth=birth, tmt=tmt, sex=sex)
    flags["valid"] = d18 & ~birth & ~tmt & ~sex
    return flags


def check_nip(t: Table, column: str, probs: Problems, mask=None) -> np.ndarray:
    """Report malformed NIPs (only where ``mask``); return the row mask of valid NIPs.

    One problem per distinct wrong NIP ("mempengaruhi N baris"); NIPs damaged by Excel are
    one problem per column. The wrong NIPs of ``pegawai.nip`` are causes: the same value in
    another column is counted under the pegawai problem, not reported again.
    """
    codes, u = t.uniq(column)
    flags = _nip_flags(u)
    cause_col = t.name == "pegawai" and column == "nip"
    known = u.isin(list(probs.causes)).to_numpy() if probs.causes and not cause_col else None
    for kind, message in _NIP_MESSAGES.items():
        rows = flags[kind][codes]
        if mask is not None:
            rows &= mask
        if not rows.any():
            continue
        if known is not None:
            kn = rows & known[codes]
            for code, pos in group_positions(codes, kn):
                v = str(u.iloc[code])
                probs.knock(probs.causes[v], t, column, v, pos, same=True)
            rows &= ~kn
        if kind == "excel" and rows.sum() > 1:
            pos = np.flatnonzero(rows)
            msg = (
                f"NIP rusak oleh Excel di {fmt_int(len(pos))} baris kolom '{column}' (tersimpan "
                f"sebagai angka, mis. '{show(u.iloc[codes[pos[0]]])}'): digit terakhirnya sudah "
                f"hilang. Format kolom '{column}' sebagai Teks, lalu tempel ulang NIP lengkap 18 "
                "digit dari sumber aslinya."
            )
            idx = probs.grouped(t, column, msg, pos)
            if cause_col:
                probs.causes.update(dict.fromkeys(u.iloc[np.unique(codes[pos])], idx))
        else:
            got = probs.by_value(t, rows, column, message)
            if cause_col:
                probs.causes.update(got)
    return flags["valid"][codes]


def _nip_digits(v: str) -> str:
    """The digits Excel kept of a damaged NIP (''), to recognise the NIP it came from."""
    if re.fullmatch(r"[0-9]{15,18}[.,]0+", v):
        return re.split(r"[.,]", v)[0][:15]
    m = re.fullmatch(r"[+-]?([0-9]+)(?:[.,]([0-9]*))?[eE][+-]?[0-9]+", v)
    if m:
        return (m.group(1) + (m.group(2) or "")).rstrip("0")
    if re.fullmatch(r"[0-9]{1,3}(?:[.,][0-9]{3}){4,5}(?:[.,]0+)?", v):
        return re.sub(r"[.,]", "", v)[:15]
    return ""


def link_nips(missing: list[str], causes: dict[str, int]) -> dict[str, int]:
    """Missing NIPs that are most likely a wrong ``pegawai.nip`` (typo or Excel damage).

    A missing NIP is linked to a NIP damaged by Excel when the digits Excel kept (at least
    10) start it — a dictionary look-up, any number of NIPs — and otherwise to a wrong
    pegawai NIP one or two characters away (difflib ratio ≥ 0.9; only for short lists,
    ≤ 200,000 pairs).
    """
    by_len: dict[int, dict[str, int]] = {}
    typos = []
    for c, idx in causes.items():
        d = _nip_digits(c)
        if len(d) >= 10:
            by_len.setdefault(len(d), {}).setdefault(d, idx)
        elif not d:
            typos.append(c)
    out = {}
    for m in missing:
        for n, table in by_len.items():
            if m[:n] in table:
                out[m] = table[m[:n]]
                break
    rest = [m for m in missing if m not in out]
    if not rest or not typos or len(rest) * len(typos) > 200_000:
        return out
    for m in rest:
        best, score = None, 0.0
        for c in typos:
            sm = difflib.SequenceMatcher(None, m, c)
            if sm.real_quick_ratio() >= 0.9 and sm.quick_ratio() >= 0.9 and sm.ratio() > score:
                best, score = c, sm.ratio()
        if score >= 0.9:
            out[m] = causes[best]
    return out
