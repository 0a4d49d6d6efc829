"""How results look in a notebook: missing values as "–", and "not enough data" notes.

Functions that cannot compute on a small or incomplete instansi (a figure needing two
pegawai, a statistic needing raters) return a :class:`DataKurang` instead of raising: one
Indonesian sentence that displays itself in a notebook (and in the exported HTML) in place of
the figure or table. :func:`pasang_tampilan` (called by ``kc.plots.terapkan_gaya()`` at the
top of every course notebook) makes every DataFrame, Series and Styler a notebook shows render
missing and infinite values as "–" instead of ``nan``, ``<NA>``, ``None`` or ``inf``, and every
number the Indonesian way (``1.601``, ``3,42``; :mod:`kinerja_calib._angka`).

This module sits at the bottom of the package (pandas, :mod:`._angka` and, optionally,
IPython only).
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._angka import KOSONG, desimal, label_tampil, pemformat_kolom
from .errors import Peringatan

__all__ = [
    "KOSONG",
    "DataKurang",
    "angka",
    "bersihkan",
    "contoh",
    "memerlukan",
    "pasang_tampilan",
    "terima_kurang",
]

#: Shown instead of a table without rows.
TABEL_KOSONG = "Tabel ini kosong untuk instansi dan periode ini."
#: Set to "1" to keep Python warnings visible in notebook outputs (the tests do, so that a
#: warning fails them instead of being filtered away).
ENV_PERINGATAN = "KINERJA_CALIB_TAMPILKAN_PERINGATAN"


@dataclass(frozen=True)
class DataKurang:
    """A result that could not be computed: one Indonesian sentence saying why.

    Returned (never raised) by functions whose input is too small or absent, so a notebook
    cell shows the sentence instead of a traceback. It is falsy, so callers can write
    ``if not hasil: ...``; any public attribute, call or index of it is the note itself.

    Attributes
    ----------
    pesan : str
        The sentence, e.g. "Bagian ini memerlukan minimal 2 pegawai dengan penilaian 360;
        instansi ini memiliki 1."
    """

    pesan: str

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return self.pesan

    def __repr__(self) -> str:
        return self.pesan

    def _repr_markdown_(self) -> str:
        return f"*{self.pesan}*"

    # A note passed on stays the note: a cell chaining methods or indexing on a result that
    # could not be computed (``banding.ringkasan.drop(columns=...)``) shows the sentence.
    def __getattr__(self, name: str) -> DataKurang:
        if name.startswith("_"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs) -> DataKurang:
        return self

    def __getitem__(self, key) -> DataKurang:
        return self

    def __len__(self) -> int:
        return 0

    def __iter__(self):
        return iter(())


def terima_kurang(fn):
    """Decorator: when any argument is a :class:`DataKurang`, return it instead of calling
    ``fn`` (a figure of a result that could not be computed is the same sentence)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for a in (*args, *kwargs.values()):
            if isinstance(a, DataKurang):
                return a
        return fn(*args, **kwargs)

    return wrapper


def memerlukan(minimal: int, ada: int, apa: str, bagian: str = "Bagian ini") -> DataKurang:
    """The standard note: "<bagian> memerlukan minimal N <apa>; instansi ini memiliki M."

    Examples
    --------
    >>> memerlukan(2, 1, "pegawai dengan penilaian 360")
    Bagian ini memerlukan minimal 2 pegawai dengan penilaian 360; instansi ini memiliki 1.
    """
    return DataKurang(
        f"{bagian} memerlukan minimal {int(minimal)} {apa}; instansi ini memiliki {int(ada)}."
    )


def angka(x, nd: int = 3) -> str:
    """A number for a sentence: Indonesian format (decimal comma), "–" when missing.

    The same as :func:`kinerja_calib._angka.desimal` (one rounding rule for text and tables).

    Examples
    --------
    >>> angka(0.51234), angka(float("nan")), angka(1234.5, 1)
    ('0,512', '–', '1.234,5')
    """
    return desimal(x, nd)


def contoh(df: pd.DataFrame, n: int = 5, seed=None) -> pd.DataFrame | DataKurang:
    """Up to ``n`` random rows of ``df`` (all of them when it has fewer), for a glance.

    ``DataFrame.sample(n)`` raises when the table has fewer than ``n`` rows (a small
    instansi); this returns what there is, or a :class:`DataKurang` note when it is empty.

    Examples
    --------
    >>> len(contoh(pd.DataFrame({"a": [1, 2]}), 6, seed=1))
    2
    >>> contoh(pd.DataFrame({"a": []}), 6)
    Tabel ini kosong untuk instansi dan periode ini.
    """
    if not len(df):
        return DataKurang(TABEL_KOSONG)
    return df.sample(min(int(n), len(df)), random_state=seed)


def bersihkan(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for display: missing and infinite values become "–".

    Numeric columns keep their values (rounded by the caller); only the empty cells change.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s, pd.DataFrame):  # duplicated column labels: leave as they are
            continue
        kosong = np.asarray(s.isna(), dtype=bool)
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            kosong = kosong | ~np.isfinite(s.to_numpy(dtype=float, na_value=np.nan))
        if kosong.any():
            out[col] = s.astype(object).where(~kosong, KOSONG)
    return out


def _html_frame(df: pd.DataFrame) -> str:
    if df.empty:
        return f"<p><em>{TABEL_KOSONG}</em></p>"
    shown = label_tampil(df)
    # one formatter per column from the original dtypes (Indonesian numbers), applied to the
    # cleaned copy (missing cells are "–" already: pandas prints None and <NA> itself)
    fmts = [f if f is not None else _teks for f in pemformat_kolom(shown)]
    return bersihkan(shown).to_html(
        max_rows=pd.get_option("display.max_rows"),
        max_cols=pd.get_option("display.max_columns"),
        show_dimensions=pd.get_option("display.show_dimensions"),
        na_rep=KOSONG,
        formatters=fmts,
        notebook=True,
    )


def _teks(x) -> str:
    """A cell of a column left as it is (missing → "–")."""
    try:
        kosong = bool(pd.isna(x))
    except (TypeError, ValueError):  # a list or an array in a cell
        kosong = False
    return KOSONG if kosong else str(x)


def _html_series(s: pd.Series) -> str:
    return _html_frame(s.to_frame(name=s.name if s.name is not None else ""))


def _html_styler(styler) -> str | None:
    """An empty Styler is the sentence; otherwise the Styler's own HTML."""
    return f"<p><em>{TABEL_KOSONG}</em></p>" if styler.data.empty else styler._repr_html_()


def _show_warning(asli):
    """``warnings.showwarning`` that writes a :class:`~kinerja_calib.errors.Peringatan` as its
    Indonesian sentence alone (no file, line or class name); any other warning as before."""

    def tampil(message, category, filename, lineno, file=None, line=None):
        if isinstance(category, type) and issubclass(category, Peringatan):
            print(f"Peringatan: {message}", file=sys.stderr if file is None else file)
        else:
            asli(message, category, filename, lineno, file, line)

    tampil._kinerja_calib = True
    return tampil


def pasang_tampilan(shell=None) -> None:
    """Make the running IPython kernel show missing values as "–" in every table.

    Registers HTML formatters for DataFrame, Series and Styler (a table without rows is the
    sentence :data:`TABEL_KOSONG`; numbers written by :func:`kinerja_calib._angka.pemformat_kolom`,
    formatting only the rows shown) and sets pandas' ``styler.format.na_rep``, ``decimal`` and
    ``thousands`` (used by a Styler's default formatting; an explicit ``Styler.format(...)``
    needs its own, e.g. ``.format(kc.persen)``). Also a last-resort filter: Python warnings (numpy's "Mean of
    empty slice", matplotlib, pandas FutureWarning …) are kept out of the outputs unless
    the environment variable ``KINERJA_CALIB_TAMPILKAN_PERINGATAN=1`` is set (the tests set
    it, so a warning there still fails them). A warning raised on purpose by kinerja-calib
    (:class:`~kinerja_calib.errors.Peringatan`, e.g. a sparse rating design) is always shown,
    as its Indonesian sentence only. Outside IPython (a script, a test) only the
    pandas option is set: no warning is ever filtered there.
    """
    pd.set_option("styler.format.na_rep", KOSONG)
    pd.set_option("styler.format.decimal", ",")  # a Styler's numbers: 1.234,5
    pd.set_option("styler.format.thousands", ".")
    pd.set_option("styler.format.escape", "html")  # data text in a Styler stays text
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with the notebook stack
            return
        shell = get_ipython()
    if shell is None:
        return
    if getattr(shell, "kernel", None) is not None and not getattr(
        warnings.showwarning, "_kinerja_calib", False
    ):
        warnings.showwarning = _show_warning(warnings.showwarning)
    if os.environ.get(ENV_PERINGATAN) != "1" and getattr(shell, "kernel", None) is not None:
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module="matplotlib")
    html = shell.display_formatter.formatters["text/html"]
    html.for_type(pd.DataFrame, _html_frame)
    html.for_type(pd.Series, _html_series)
    from pandas.io.formats.style import Styler

    html.for_type(Styler, _html_styler)
