"""Numbers as an Indonesian reader reads them: decimal comma, thousands dot, "60 %".

The one formatting module of the package. Every number a person reads — notebook output,
report text and tables, the batch index, widget readouts, plot labels and ticks, Excel
headers — goes through these functions, so the same value looks the same everywhere:

======================  ==============================  ====================
call                    value                           shown
======================  ==============================  ====================
``desimal(x, n)``       3.4167, n=2                     ``3,42``
``desimal(x, n)``       1234.5, n=1                     ``1.234,5``
``bilangan(n)``         1601                            ``1.601``
``persen(p, n)``        share 0.6, n=0                  ``60 %``
``persen(p, n)``        share 0.0549, n=1               ``5,5 %``
``persen(v, n, ...)``   85.25 already in percent, n=1   ``85,3 %`` (``dari_seratus=True``)
``ringkas(x)``          0.7 (a rules number)            ``0,7``
======================  ==============================  ====================

**The rounding rule.** A value is rounded to the decimals shown *half away from zero on the
decimal value written*, after the float noise is removed with
:func:`kinerja_calib._precision.bulatkan_setengah_atas` (the rounding the rules use for their
thresholds): 0.125 → ``0,13``, -0.125 → ``-0,13`` (a signed effect and its mirror look
alike), 1.005 → ``1,01`` although the binary 1.005 is 1.00499…, 2.5 → ``3``. Python's own
``f"{x:.2f}"`` rounds the binary value, exact ties to even (``0.12``; ``1.00``; ``2``), which
is why a sentence formatted by hand could disagree with a table formatted here. A value that
rounds to zero is shown without a sign (``0,00``, never ``-0,00``). Missing and infinite
values are :data:`KOSONG` ("–").

**Percent.** Shares (0–1) are shown as percent with a space before the sign, as Indonesian
style writes it: ``persen(0.6, 0)`` → ``60 %``. A share is never shown as ``0,6``.

This module sits at the bottom of the package (numpy, pandas and :mod:`._precision` only).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ._precision import bulatkan_setengah_atas

__all__ = [
    "KOSONG",
    "bilangan",
    "bulatkan_tampil",
    "desimal",
    "desimal_kolom",
    "format_angka_excel",
    "indonesiakan",
    "judul_kolom",
    "label_tampil",
    "pemformat_kolom",
    "persen",
    "ringkas",
    "tabel_tampil",
]

#: What a missing value looks like on a page.
KOSONG = "–"
#: Largest number of decimals :func:`ringkas` shows.
_MAKS_RINGKAS = 6


def _float(x: Any) -> float | None:
    """``x`` as a finite float, or ``None`` (missing, infinite, not a number)."""
    if x is None or isinstance(x, bool | np.bool_ | str | bytes):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


def bulatkan_tampil(x: Any, n: int = 0) -> np.ndarray:
    """``x`` rounded to ``n`` decimals by the display rule (half away from zero, no noise).

    Vectorised; NaN stays NaN. Equal to :func:`~kinerja_calib._precision.bulatkan_setengah_atas`
    for values ≥ 0.

    Examples
    --------
    >>> bulatkan_tampil([0.125, -0.125, 76.605, 2.5, -2.5], 2).tolist()
    [0.13, -0.13, 76.61, 2.5, -2.5]
    >>> bulatkan_tampil([2.5, -2.5, 0.1 + 0.2]).tolist()
    [3.0, -3.0, 0.0]
    """
    v = np.asarray(x, dtype=float)
    return np.sign(v) * bulatkan_setengah_atas(np.abs(v), int(n)) + 0.0  # + 0.0: no -0.0


def _kelompok(digits: str) -> str:
    """``"1234567"`` → ``"1.234.567"``."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def _tulis(v: float, n: int) -> str:
    """A value already rounded to ``n`` decimals, written the Indonesian way."""
    s = f"{abs(v):.{n}f}"
    whole, _, frac = s.partition(".")
    out = _kelompok(whole) + ("," + frac if frac else "")
    return ("-" if v < 0 and float(s) != 0 else "") + out


def desimal(x: Any, n: int = 1, *, tanda: bool = False) -> str:
    """A number with exactly ``n`` decimals: decimal comma, thousands dot, "–" when missing.

    ``tanda=True`` writes a "+" before a value that is positive as shown (a difference, a
    gap): ``+0,4``, ``-1,0``, ``0,0``.

    Examples
    --------
    >>> desimal(3.4167, 2), desimal(1234.5), desimal(1234567.891, 0)
    ('3,42', '1.234,5', '1.234.568')
    >>> desimal(0.125, 2), desimal(-0.125, 2), desimal(-0.004, 2), desimal(None)
    ('0,13', '-0,13', '0,00', '–')
    >>> desimal(0.36, 1, tanda=True), desimal(-0.04, 1, tanda=True)
    ('+0,4', '0,0')
    """
    v = _float(x)
    if v is None:
        return KOSONG
    n = max(int(n), 0)
    r = float(bulatkan_tampil(v, n))
    return ("+" if tanda and r > 0 else "") + _tulis(r, n)


def bilangan(x: Any) -> str:
    """A whole number with a thousands dot (a count): ``1601`` → ``"1.601"``.

    A fractional value is rounded by the display rule (2.5 → ``3``).

    Examples
    --------
    >>> bilangan(1601), bilangan(56091.0), bilangan(12), bilangan(float("nan"))
    ('1.601', '56.091', '12', '–')
    """
    return desimal(x, 0)


def persen(p: Any, n: int = 1, *, dari_seratus: bool = False) -> str:
    """A share as percent: ``persen(0.6, 0)`` → ``"60 %"``.

    Parameters
    ----------
    p : float
        The share (0–1), or a value already in percent when ``dari_seratus=True``.
    n : int
        Decimals shown (of the percent value).
    dari_seratus : bool
        ``p`` is already a percent (capaian 98.5 → ``"98,5 %"``).

    Examples
    --------
    >>> persen(0.6, 0), persen(0.0549), persen(1 / 3, 2), persen(85.25, 1, dari_seratus=True)
    ('60 %', '5,5 %', '33,33 %', '85,3 %')
    >>> persen(0.145, 0), persen(None)
    ('15 %', '–')
    """
    v = _float(p)
    if v is None:
        return KOSONG
    # 100 × p rounded to PRESISI first, so 0.145 (binary 0.14499…) is 14.5 %, not 14.499…
    return desimal(v if dari_seratus else round(100.0 * v, 9), n) + " %"


def _desimal_perlu(v: np.ndarray, maks: int) -> int:
    """The fewest decimals (≤ ``maks``) that show every finite value of ``v`` as rounded
    to ``maks`` decimals (pandas' rule: trailing zeros common to the column are dropped)."""
    v = v[np.isfinite(v)]
    if not v.size:
        return 0
    ref = bulatkan_tampil(v, maks)
    for d in range(maks + 1):
        if np.all(np.abs(bulatkan_tampil(ref, d) - ref) < 0.5 * 10.0**-maks):
            return d
    return maks


def ringkas(x: Any, maks: int = 3) -> str:
    """A number with as few decimals as it needs (at most ``maks``): 0.7 → ``"0,7"``.

    For a single number whose decimals are not fixed by a column (a rules value, a
    parameter): ``ringkas(30.0)`` → ``"30"``, ``ringkas(0.333333)`` → ``"0,333"``.

    Examples
    --------
    >>> ringkas(0.7), ringkas(30.0), ringkas(1 / 3), ringkas(1500.25, 1)
    ('0,7', '30', '0,333', '1.500,3')
    """
    v = _float(x)
    if v is None:
        return KOSONG
    maks = min(max(int(maks), 0), _MAKS_RINGKAS)
    return desimal(v, _desimal_perlu(np.array([v]), maks))


def desimal_kolom(s: Any, n: int | None = None) -> pd.Series:
    """Every value of a numeric column as text with the same decimals (vectorised).

    ``n=None`` chooses the fewest decimals that show the column as rounded to pandas'
    ``display.precision`` (so ``[1200.0, 85.0]`` is ``1.200``, ``85`` and ``[0.5, 0.25]`` is
    ``0,50``, ``0,25``). Missing and infinite values are "–".

    Examples
    --------
    >>> desimal_kolom(pd.Series([1200.0, 85.0, None])).tolist()
    ['1.200', '85', '–']
    >>> desimal_kolom([0.5, 0.25, -0.125], 2).tolist()
    ['0,50', '0,25', '-0,13']
    """
    idx = s.index if isinstance(s, pd.Series) else None
    v = np.asarray(pd.to_numeric(pd.Series(s, copy=False), errors="coerce"), dtype=float)
    if n is None:
        n = _desimal_perlu(v, int(pd.get_option("display.precision")))
    n = max(int(n), 0)
    r = bulatkan_tampil(v, n)
    ok = np.isfinite(r)
    out = np.full(v.shape, KOSONG, dtype=object)
    # numpy's own formatting is vectorised; the grouping and comma follow on the strings
    if ok.any():
        txt = np.char.mod(f"%.{n}f", np.abs(r[ok]))
        out[ok] = [
            ("-" if neg else "") + _kelompok(t.partition(".")[0]) + ("," + t[-n:] if n else "")
            for t, neg in zip(txt.tolist(), (r[ok] < 0).tolist(), strict=True)
        ]
    return pd.Series(out, index=idx, name=getattr(s, "name", None), dtype=object)


_ANGKA_EN = re.compile(r"(?<![\w.,])(\d+)\.(\d+)(?![\w.]|,\d)")
_PERSEN_RAPAT = re.compile(r"(\d)%")
_RIBUAN = re.compile(r"(?<![\w.,])\d{4,}(?![\w.,])")


def indonesiakan(teks: str, ribuan: bool = True) -> str:
    """A number label written the English way, rewritten: ``"0.25"`` → ``"0,25"``,
    ``"60%"`` → ``"60 %"``, ``"12000"`` → ``"12.000"`` (with ``ribuan=True``).

    For labels made by other libraries (matplotlib tick labels); text made here is
    Indonesian already. Only lone numbers are touched (``"v1.2"``, ``"3.11.2"`` stay).

    Examples
    --------
    >>> indonesiakan("0.25"), indonesiakan("−1.5"), indonesiakan("60%"), indonesiakan("12000")
    ('0,25', '−1,5', '60 %', '12.000')
    """
    out = _ANGKA_EN.sub(
        lambda m: (_kelompok(m.group(1)) if ribuan else m.group(1)) + "," + m.group(2), teks
    )
    if ribuan:
        out = _RIBUAN.sub(lambda m: _kelompok(m.group()), out)
    return _PERSEN_RAPAT.sub(r"\1 %", out)


# --------------------------------------------------------------------------- tables

#: Integer columns whose values are codes, not quantities (no thousands dot).
_KOLOM_KODE = re.compile(r"(^|[_ ])(nip|id|kode|tahun|nomor|no|periode|seed)($|[_ ])", re.I)


def _kode(label: Any) -> bool:
    return bool(_KOLOM_KODE.search(str(label)))


#: Columns holding a share of a whole (shown as percent when every value is in 0–1).
_KOLOM_PORSI = re.compile(r"(^|[_ ])(porsi|proporsi)($|[_ ])", re.I)


def _porsi(label: Any, v: np.ndarray) -> bool:
    ok = v[np.isfinite(v)]
    return bool(_KOLOM_PORSI.search(str(label))) and bool(((ok >= 0) & (ok <= 1)).all())


def _label(x: Any) -> Any:
    """A float column/index label as text (0.8 → "0,8"); other labels unchanged."""
    if isinstance(x, float | np.floating) and not isinstance(x, bool):
        return ringkas(x, int(pd.get_option("display.precision")))
    return x


def _sel_objek(x: Any) -> Any:
    """One cell of a mixed (object) column: numbers Indonesian, text as it is."""
    if isinstance(x, bool | np.bool_ | str):
        return x
    if x is None or x is pd.NA or x is pd.NaT:
        return KOSONG
    if isinstance(x, int | np.integer):
        return bilangan(x)
    if isinstance(x, float | np.floating):
        return ringkas(x, int(pd.get_option("display.precision")))
    return x


def pemformat_kolom(df: pd.DataFrame) -> list:
    """One display formatter per column of ``df`` (by position), ``None`` to leave it.

    Float columns get one number of decimals each (the fewest that show the column as
    rounded to pandas' ``display.precision``); a share column (its name says ``porsi`` or
    ``proporsi``, every value in 0–1) is shown as percent with at most one decimal
    (``70 %``, ``5,5 %``); integer columns get a thousands dot (not the code-like ones:
    ``nip``, ``kode_…``, ``id_…``, ``tahun``, ``periode``); numbers inside mixed columns
    are written one by one. Fit for ``DataFrame.to_html(formatters=...)``, which formats
    only the rows it shows.
    """
    prec = int(pd.get_option("display.precision"))
    out: list = []
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if pd.api.types.is_bool_dtype(s):
            out.append(None)
        elif pd.api.types.is_float_dtype(s):
            v = np.asarray(s.to_numpy(dtype=float, na_value=np.nan))
            n = _desimal_perlu(v, prec)
            if _porsi(df.columns[i], v):
                n = min(max(n - 2, 0), 1)
                out.append(lambda x, n=n: persen(x, n))
            else:
                out.append(lambda x, n=n: desimal(x, n))
        elif pd.api.types.is_integer_dtype(s):
            out.append(None if _kode(df.columns[i]) else bilangan)
        elif s.dtype == object:
            out.append(_sel_objek)
        else:
            out.append(None)
    return out


def tabel_tampil(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every number as Indonesian text, for display only.

    Columns are written by :func:`pemformat_kolom`; float labels of the columns and the
    index too ("0,8"). Missing values become "–".

    Examples
    --------
    >>> tabel_tampil(pd.DataFrame({"n": [1601, 12], "rata": [3.4167, 4.5],
    ...                            "tahun": [2026, 2025]})).to_dict("list")
    {'n': ['1.601', '12'], 'rata': ['3,4167', '4,5000'], 'tahun': [2026, 2025]}
    """
    out = df.copy()
    for i, fmt in enumerate(pemformat_kolom(df)):
        if fmt is not None:
            s = out.iloc[:, i]
            out.isetitem(i, s.astype(object).map(fmt).astype(object))
    return label_tampil(out)


def _perlu_label(idx: pd.Index) -> bool:
    return not isinstance(idx, pd.MultiIndex) and any(
        (isinstance(x, float | np.floating) and not isinstance(x, bool))
        or (isinstance(x, str) and _PERSEN_LABEL.fullmatch(x))
        for x in idx
    )


#: A quantile label of ``describe()``: "25%".
_PERSEN_LABEL = re.compile(r"\d+(?:\.\d+)?%")


def label_tampil(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with float column and index labels as Indonesian text (0.8 → "0,8"; the
    quantile labels of ``describe()`` "25%" → "25 %")."""
    for axis, idx in ((1, df.columns), (0, df.index)):
        if _perlu_label(idx):
            new = [indonesiakan(x) if isinstance(x, str) else _label(x) for x in idx]
            df = df.set_axis(pd.Index(new, name=idx.name), axis=axis)
    return df


#: Display names of column keys that do not read well by replacing "_" alone.
_JUDUL_KHUSUS = {
    "nip": "NIP",
    "ikm": "IKM",
    "jpm": "JPM",
    "skm": "SKM",
    "icc1": "ICC(1)",
    "icc1k": "ICC(1,k)",
    "rwg": "r_wg",
    "alpha": "α Krippendorff",
    "n": "n",
    "rata_rata": "rata-rata",
    "icc": "ICC",
    "ac1": "AC1",
    "ac2": "AC2",
    "ci": "CI",
    "low": "bawah",
    "high": "atas",
    "sd": "SD",
}


def judul_kolom(nama: Any) -> str:
    """A column key as a header a person reads: ``capaian_rata_rata`` → ``Capaian rata-rata``,
    ``persen`` → ``Persen (%)``, ``n_pegawai`` → ``Jumlah pegawai``.

    Examples
    --------
    >>> judul_kolom("capaian_rata_rata"), judul_kolom("nip"), judul_kolom("n_responden")
    ('Capaian rata-rata', 'NIP', 'Jumlah responden')
    >>> judul_kolom("persen"), judul_kolom("ambang_0_8"), judul_kolom("icc1_ci_low")
    ('Persen (%)', 'Ambang 0,8', 'ICC(1) CI bawah')
    >>> judul_kolom("kategori_icc")
    'Kategori ICC'
    """
    text = str(nama)
    low = text.lower()
    if low in _JUDUL_KHUSUS:
        return _JUDUL_KHUSUS[low]
    if low == "persen":
        return "Persen (%)"
    text = re.sub(r"(?<=_)(\d+)_(\d+)(?=_|$)", r"\1,\2", text)  # ambang_0_8 → ambang_0,8
    text = re.sub(r"(^|_)rata_rata(_|$)", r"\1rata-rata\2", text)
    text = re.sub(r"^n_", "jumlah_", text)
    words = [_JUDUL_KHUSUS.get(w.lower(), w) if w.lower() != "n" else w for w in text.split("_")]
    text = " ".join(w for w in words if w)
    return text[:1].upper() + text[1:]


def format_angka_excel(ws, df: pd.DataFrame, maks: int = 2) -> None:
    """Give the number columns of sheet ``ws`` (written from ``df`` with a header row and
    no index) a thousands separator and fixed decimals (Excel format ``#,##0.0``).

    The file stores the number format, not the characters: an Indonesian Excel or
    LibreOffice shows ``1.234,5``, an English one ``1,234.5`` — the value stays a number
    the reader can compute with. Decimals per column: the fewest (≤ ``maks``) that show
    every value as rounded to ``maks``.
    """
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        if pd.api.types.is_integer_dtype(s):
            d = 0
        else:
            d = _desimal_perlu(np.asarray(s.to_numpy(dtype=float, na_value=np.nan)), maks)
        fmt = "#,##0" + ("." + "0" * d if d else "")
        if _kode(df.columns[i]):
            fmt = "0"
        for (cell,) in ws.iter_rows(min_row=2, max_row=len(df) + 1, min_col=i + 1, max_col=i + 1):
            cell.number_format = fmt
