"""Survei Kepuasan Masyarakat: Indeks Kepuasan Masyarakat (IKM), PermenPANRB 14/2017.

The survey asks every respondent to rate nine *unsur* of a service on a 1-4 scale.
For each unsur the *nilai rata-rata* (NRR) is the mean over respondents; the IKM is the
weighted sum of the NRRs converted to a 25-100 scale (``x 25``) and read against the
regulation's interval table (mutu A-D, kinerja unit pelayanan).

Two weightings exist in practice (``metode``):

``"rata_rata"`` (default)
    Every unsur weighs exactly ``1/9``: IKM = mean NRR x 25. This is the exact reading of
    "bobot = 1 / jumlah unsur"; IKM spans 25-100 like the interval table.
``"bobot_0_11"``
    Every unsur weighs the rounded ``0.11`` used in the reference worked example
    (``3.6207 x 0.11 = 0.3983``); the maximum IKM is then 99. UNCONFIRMED in the
    regulation text, inferred from arithmetic only.

The default, the 0.11 and the interval table live in ``rules/skm-14-2017.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._precision import bulatkan, bulatkan_setengah_atas, tingkat
from ._rules_access import ambil, load
from .errors import DataError, ParameterError, Problem

__all__ = ["METODE", "daftar_unsur", "ikm", "kinerja_unit", "mutu", "nrr", "responden"]

#: Weighting methods accepted by :func:`ikm` and :func:`nrr`.
METODE = ("rata_rata", "bobot_0_11")

_DEFAULT_RULES = "skm-14-2017"


#: Columns of the ``survei_skm`` table (docs/skema-data.md §2.6).
KOLOM_SKM = (
    "periode",
    "kode_instansi",
    "unit_layanan",
    "id_responden",
    *[f"u{i}" for i in range(1, 10)],
)


def responden(wb, periode: str | None = None) -> pd.DataFrame:
    """The SKM responses of a workbook (optionally of one periode).

    An empty table with the ``survei_skm`` columns when the workbook has no SKM survey (the
    table is optional), so :func:`ikm` and :func:`nrr` return empty results instead of the
    caller failing on ``None``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> list(responden(SimpleNamespace(survei_skm=None), "2026-S1").columns[:3])
    ['periode', 'kode_instansi', 'unit_layanan']
    """
    t = getattr(wb, "survei_skm", None)
    if t is None:
        return pd.DataFrame(
            {c: pd.Series(dtype=object if c[0] != "u" else float) for c in KOLOM_SKM}
        )
    return t if periode is None else t.loc[t["periode"] == periode]


def _rules(rules: Any) -> Mapping[str, Any]:
    return load(rules, _DEFAULT_RULES)


def daftar_unsur(rules: Any = None) -> pd.DataFrame:
    """Return the nine unsur of the survey as a table (``kode``, ``nama``), in order.

    Parameters
    ----------
    rules : str, path or mapping, optional
        Rules to use (default ``"skm-14-2017"``).

    Returns
    -------
    pandas.DataFrame
        One row per unsur with columns ``kode`` (``u1`` ... ``u9``, the column names of the
        ``survei_skm`` table) and ``nama``.
    """
    r = _rules(rules)
    rows = [{"kode": ambil(u, "kode"), "nama": ambil(u, "nama")} for u in ambil(r, "unsur")]
    return pd.DataFrame(rows)


def _bobot(metode: str | None, n_unsur: int, r: Mapping[str, Any]) -> tuple[str, float]:
    metode = ambil(r, "bobot", "metode") if metode is None else metode
    if metode == "rata_rata":
        return metode, 1.0 / n_unsur
    if metode == "bobot_0_11":
        return metode, float(ambil(r, "bobot", "dibulatkan"))
    raise ParameterError(
        f"metode '{metode}' tidak dikenal; pilih salah satu dari {', '.join(METODE)}."
    )


def _check_responses(responses: pd.DataFrame, kolom: list[str], by: list[str], r) -> None:
    if not isinstance(responses, pd.DataFrame):
        raise ParameterError("responses harus DataFrame berbentuk tabel survei_skm.")
    missing = [c for c in [*by, *kolom] if c not in responses.columns]
    if missing:
        raise DataError(
            [
                Problem("survei_skm", None, c, "Kolom wajib tidak ada; tambahkan kolom ini.")
                for c in missing
            ]
        )
    lo, hi = ambil(r, "skala", "minimum"), ambil(r, "skala", "maksimum")
    values = responses[kolom].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    raw_missing = responses[kolom].isna().to_numpy()
    bad = (~raw_missing) & (np.isnan(values) | (values < lo) | (values > hi) | (values % 1 != 0))
    if bad.any():
        rows, cols = np.nonzero(bad)
        numbered = isinstance(responses.index, pd.RangeIndex)
        problems = [
            Problem(
                "survei_skm",
                int(i) + 2 if numbered else None,
                kolom[j],
                f"Nilai {responses.iat[i, responses.columns.get_loc(kolom[j])]!r} di luar skala "
                f"{lo}-{hi}; isi bilangan bulat {lo}-{hi} atau kosongkan.",
            )
            for i, j in zip(rows[:200], cols[:200], strict=True)
        ]
        raise DataError(problems)


def nrr(
    responses: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    metode: str | None = None,
    rules: Any = None,
) -> pd.DataFrame:
    """Nilai rata-rata (NRR) per unsur, long format.

    Parameters
    ----------
    responses : pandas.DataFrame
        A ``survei_skm``-shaped table: one row per respondent with columns ``u1`` ... ``u9``
        (1-4; missing answers may be NaN) and the grouping columns.
    by : str or list of str, optional
        Grouping columns, e.g. ``["kode_instansi", "unit_layanan"]``. None = one group.
    metode : {"rata_rata", "bobot_0_11"}, optional
        Weighting (see the module docstring); default from the rules file.
    rules : str, path or mapping, optional
        Rules to use (default ``"skm-14-2017"``).

    Returns
    -------
    pandas.DataFrame
        One row per group x unsur: the ``by`` columns, ``unsur`` (code), ``nama_unsur``,
        ``n_jawaban`` (non-missing answers), ``nrr`` (1-4), ``bobot`` and
        ``nrr_tertimbang`` (= ``nrr * bobot``).

    Notes
    -----
    NRR per unsur = sum of the answers / number of answers [S25]. Intermediate values are
    not rounded.
    """
    r = _rules(rules)
    by = [by] if isinstance(by, str) else list(by or [])
    unsur = daftar_unsur(r)
    kolom = unsur["kode"].tolist()
    _check_responses(responses, kolom, by, r)
    metode, bobot = _bobot(metode, len(kolom), r)
    data = responses[[*by, *kolom]].copy()
    data[kolom] = data[kolom].apply(pd.to_numeric, errors="coerce").astype(float)
    long = data.melt(id_vars=by, value_vars=kolom, var_name="unsur", value_name="nilai")
    keys = [*by, "unsur"]
    out = (
        long.groupby(keys, sort=False, dropna=False)["nilai"]
        .agg(n_jawaban="count", nrr="mean")
        .reset_index()
    )
    out["unsur"] = pd.Categorical(out["unsur"], categories=kolom, ordered=True)
    out = out.sort_values(keys, kind="stable").reset_index(drop=True)
    out["unsur"] = out["unsur"].astype(str)
    out.insert(
        len(by) + 1, "nama_unsur", out["unsur"].map(dict(zip(kolom, unsur["nama"], strict=True)))
    )
    out["n_jawaban"] = out["n_jawaban"].astype("int64")
    out["bobot"] = bobot
    out["nrr_tertimbang"] = out["nrr"] * bobot
    out.attrs["metode"] = metode
    return out


def ikm(
    responses: pd.DataFrame,
    metode: str | None = None,
    by: str | Sequence[str] | None = None,
    rules: Any = None,
) -> pd.DataFrame:
    """Indeks Kepuasan Masyarakat per service unit (or overall).

    Parameters
    ----------
    responses : pandas.DataFrame
        A ``survei_skm``-shaped table (columns ``u1`` ... ``u9`` on the 1-4 scale, one row
        per respondent, plus the grouping columns).
    metode : {"rata_rata", "bobot_0_11"}, optional
        ``"rata_rata"``: exact weight 1/9 (IKM = mean NRR x 25). ``"bobot_0_11"``: the
        rounded weight 0.11 of the reference worked example (UNCONFIRMED). Default from
        the rules file (``bobot.metode``, shipped as ``"rata_rata"``).
    by : str or list of str, optional
        Grouping columns, e.g. ``["kode_instansi", "unit_layanan"]``. None = one overall row.
    rules : str, path or mapping, optional
        Rules to use (default ``"skm-14-2017"``).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``n_responden``, ``nrr_u1`` ... ``nrr_u9``,
        ``nrr_tertimbang`` (sum of NRR x bobot, the 1-4 "nilai indeks"), ``ikm`` (x 25,
        0-100 scale), ``mutu`` (A-D), ``kinerja`` (label of the interval table) and
        ``metode``. A group with an unsur nobody answered has ``ikm`` NaN.

    Notes
    -----
    IKM = sum_u NRR_u x bobot_u; IKM unit pelayanan = IKM x 25 (PermenPANRB 14/2017,
    as worked in [S25]). The long per-unsur table is :func:`nrr`.

    Reading [S25] carefully: its text says "bobot = 1/9 = 0.1111", but every printed NRR
    tertimbang is NRR x 0.11 (3.6207 x 0.11 = 0.3983, whereas x 0.1111 gives 0.4023), and
    its total 3.6224 x 25 = 90.56 is the 0.11 method; its "rata-rata" alternative
    955 / (29 x 9) x 25 = 91.48 is the exact 1/9 method. With 0.11 every IKM is exactly
    0.99 of the exact one (9 x 0.11 = 0.99), so the maximum is 99.

    References
    ----------
    [S25] Public worked example of PermenPANRB 14/2017, repository ``rennn9/GASPUL_BACKEND``,
    ``rumus_perhitungan_ikm_lengkap.md`` (29 respondents, total of answers 955).

    Examples
    --------
    The reference example has 29 respondents and these answer counts per unsur [S25]:

    >>> import pandas as pd
    >>> counts = {"u1": (18, 11, 0), "u2": (14, 15, 0), "u3": (15, 12, 2), "u4": (29, 0, 0),
    ...           "u5": (15, 14, 0), "u6": (18, 11, 0), "u7": (19, 10, 0), "u8": (18, 11, 0),
    ...           "u9": (28, 1, 0)}
    >>> df = pd.DataFrame({u: [4] * a + [3] * b + [2] * c for u, (a, b, c) in counts.items()})
    >>> round(float(ikm(df, metode="bobot_0_11")["ikm"].iloc[0]), 2)
    90.56
    >>> round(float(ikm(df, metode="rata_rata")["ikm"].iloc[0]), 2)
    91.48
    >>> ikm(df)["mutu"].iloc[0]
    'A'
    """
    r = _rules(rules)
    by = [by] if isinstance(by, str) else list(by or [])
    long = nrr(responses, by=by, metode=metode, rules=r)
    faktor = float(ambil(r, "konversi", "faktor"))
    kolom = daftar_unsur(r)["kode"].tolist()
    if by:
        wide = long.pivot(index=by, columns="unsur", values="nrr")
        counts = responses.groupby(by, sort=False, dropna=False).size().rename("n_responden")
        wide = wide.reindex(columns=kolom)
        counts = counts.reindex(wide.index)
    else:
        wide = long.set_index("unsur")["nrr"].reindex(kolom).to_frame().T
        wide.index = pd.RangeIndex(1)
        counts = pd.Series([len(responses)], index=wide.index, name="n_responden")
    bobot = float(long["bobot"].iloc[0]) if len(long) else np.nan
    tertimbang = (wide * bobot).sum(axis=1, min_count=len(kolom))
    tertimbang[wide.isna().any(axis=1)] = np.nan
    out = wide.add_prefix("nrr_")
    out.columns.name = None
    out.insert(0, "n_responden", counts.astype("int64").to_numpy())
    out["nrr_tertimbang"] = tertimbang
    out["ikm"] = tertimbang * faktor
    out["mutu"] = mutu(out["ikm"], rules=r)
    out["kinerja"] = kinerja_unit(out["ikm"], rules=r)
    out["metode"] = long.attrs["metode"]
    out = out.reset_index(drop=not by)
    return out


def _kelas(value: Any, field: str, rules: Any) -> Any:
    r = _rules(rules)
    labels = np.asarray(ambil(r, "interval", field), dtype=object)
    bawah = np.asarray(ambil(r, "interval", "batas_bawah_nik"), dtype=float)
    desimal = int(ambil(r, "interval", "desimal"))
    scalar = np.ndim(value) == 0 and not isinstance(value, pd.Series)
    index = value.index if isinstance(value, pd.Series) else None
    raw = np.atleast_1d(np.asarray(value, dtype=object)).ravel()
    x = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=float)
    finite = np.isfinite(x)
    xr = bulatkan(x)
    if np.any(finite & ((xr < 0) | (xr > 100))):
        raise ParameterError(
            "Nilai IKM harus pada skala 0-100 (NRR tertimbang x 25); periksa apakah nilai "
            "sudah dikalikan 25."
        )
    # Round half up to the table's decimals (noise removed first), then the first class
    # whose lower bound is reached (compared at 9 decimals): kinerja_calib._precision.
    rounded = bulatkan_setengah_atas(np.where(finite, x, 0.0), desimal)
    idx = np.clip(tingkat(rounded, bawah) - 1, 0, len(labels) - 1)
    out = np.where(finite, labels[idx], None)
    if scalar:
        return out[0]
    if index is not None:
        return pd.Series(out, index=index, dtype="str", name=field)
    return out


def mutu(value: Any, rules: Any = None) -> Any:
    """Mutu pelayanan (A-D) of IKM values on the 0-100 scale (vectorised).

    Parameters
    ----------
    value : float, array-like or pandas.Series
        IKM unit pelayanan (nilai interval konversi, NIK).
    rules : str, path or mapping, optional
        Rules to use (default ``"skm-14-2017"``).

    Returns
    -------
    str, numpy.ndarray or pandas.Series
        Same shape as ``value``; NaN gives None / missing.

    Notes
    -----
    The interval table is written to two decimals with gaps between classes (64.99 |
    65.00, 76.60 | 76.61, 88.30 | 88.31) [S25]. Values are rounded half up to two
    decimals (``interval.desimal``; float noise removed first, so 76.605 → 76.61) and
    compared with the lower bounds 65.00, 76.61, 88.31 (:mod:`kinerja_calib._precision`).

    Examples
    --------
    >>> mutu([64.99, 65.00, 76.60, 76.61, 88.30, 88.31]).tolist()
    ['D', 'C', 'C', 'B', 'B', 'A']
    """
    return _kelas(value, "mutu", rules)


def kinerja_unit(value: Any, rules: Any = None) -> Any:
    """Kinerja unit pelayanan label (Tidak Baik ... Sangat Baik) of IKM values (vectorised).

    Same classes as :func:`mutu`; see there.

    Examples
    --------
    >>> kinerja_unit(90.56)
    'Sangat Baik'
    """
    return _kelas(value, "kinerja", rules)
