"""Indicator weights: Saaty's AHP, and the weight each indicator *really* carries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._angka import desimal, ringkas
from .._capaian import capaian_pegawai
from .._periode import TERBARU, pilih_periode
from ..errors import ParameterError

__all__ = ["RANDOM_INDEX", "AHPResult", "ahp_weights", "effective_weights"]

#: Saaty's random consistency index RI for n = 1..15 (Saaty 1980 for n ≤ 10; the extension to
#: 15 as tabulated in Saaty 2012, *Decision Making for Leaders*, 3rd ed., RWS).
RANDOM_INDEX = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}  # fmt: skip

BATAS_CR = 0.10


@dataclass
class AHPResult:
    """Result of :func:`ahp_weights`.

    Attributes
    ----------
    bobot : Series
        Principal-eigenvector weights (sum 1), indexed by the item labels.
    lambda_max : float
        Principal eigenvalue.
    ci, ri, cr : float
        Consistency index ``(λmax − n)/(n − 1)``, Saaty's random index, consistency ratio
        ``CI / RI`` (0 when n ≤ 2).
    konsisten : bool
        ``cr <= 0.10``.
    pesan : str
        Indonesian verdict (flags CR > 0.10).
    matriks : DataFrame
        The (combined) pairwise matrix used.
    n_penilai : int
        Number of assessors combined (element-wise geometric mean).
    """

    bobot: pd.Series
    lambda_max: float
    ci: float
    ri: float
    cr: float
    konsisten: bool
    pesan: str
    matriks: pd.DataFrame
    n_penilai: int

    def tabel(self) -> pd.DataFrame:
        """Tidy table: ``item``, ``bobot``, ``peringkat``."""
        out = self.bobot.rename("bobot").rename_axis("item").reset_index()
        out["peringkat"] = out["bobot"].rank(ascending=False, method="min").astype(int)
        return out


def _as_matrix(m: Any, labels: list[str] | None) -> tuple[np.ndarray, list[str]]:
    if isinstance(m, pd.DataFrame):
        if labels is None:
            labels = [str(c) for c in m.columns]
        a = m.to_numpy(dtype=float)
    else:
        a = np.asarray(m, dtype=float)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ParameterError(
            f"Matriks perbandingan berpasangan harus bujur sangkar, bukan {a.shape}."
        )
    n = a.shape[0]
    if labels is None:
        labels = [f"K{i + 1}" for i in range(n)]
    if len(labels) != n:
        raise ParameterError(
            f"Jumlah label ({len(labels)}) tidak sama dengan ukuran matriks ({n})."
        )
    return a, list(labels)


def _validate(a: np.ndarray, labels: list[str], toleransi: float, who: str) -> None:
    n = a.shape[0]
    if not np.isfinite(a).all() or (a <= 0).any():
        raise ParameterError(
            f"{who}: semua isi matriks AHP harus angka positif (skala Saaty 1/9–9)."
        )
    if not np.allclose(np.diag(a), 1.0, rtol=0, atol=1e-9):
        raise ParameterError(
            f"{who}: diagonal matriks AHP harus 1 (item dibandingkan dengan dirinya)."
        )
    prod = a * a.T
    bad = np.argwhere(np.triu(np.abs(prod - 1.0) > toleransi, k=1))
    if len(bad):
        i, j = bad[0]
        raise ParameterError(
            f"{who}: matriks tidak resiprokal — a[{labels[i]}, {labels[j]}] = {ringkas(a[i, j], 4)} tetapi "
            f"a[{labels[j]}, {labels[i]}] = {ringkas(a[j, i], 4)} (seharusnya "
            f"1/{ringkas(a[i, j], 4)} = "
            f"{ringkas(1 / a[i, j], 4)}). Isi hanya segitiga atas lalu lengkapi dengan kebalikannya."
            + (f" ({len(bad)} pasangan bermasalah.)" if len(bad) > 1 else "")
        )
    if n > 15:
        raise ParameterError("AHP dengan lebih dari 15 item tidak didukung (tabel RI Saaty 1–15).")


def ahp_weights(
    pairwise: Any, labels: Sequence[str] | None = None, toleransi: float = 0.02
) -> AHPResult:
    """Saaty's analytic hierarchy process: weights from pairwise comparisons.

    Parameters
    ----------
    pairwise : array-like (n, n), DataFrame, or a list of them
        Reciprocal comparison matrix on Saaty's 1–9 scale: ``a[i, j]`` = how much more
        important item i is than item j, ``a[j, i] = 1 / a[i, j]``. A list holds one matrix per
        assessor; they are combined by the element-wise geometric mean (aggregation of
        individual judgements, Forman & Peniwati 1998), which keeps the result reciprocal.
    labels : list of str, optional
        Item names (default: the DataFrame's columns or K1..Kn).
    toleransi : float
        Relative tolerance of the reciprocity check (``|a_ij·a_ji − 1|``), so that 0.33 typed
        for 1/3 passes.

    Returns
    -------
    AHPResult
        ``bobot`` (principal eigenvector, sum 1), ``lambda_max``, ``ci``, ``ri``, ``cr``,
        ``konsisten`` and an Indonesian ``pesan`` (CR > 0.10 is flagged: revise the judgements).

    Notes
    -----
    ``CI = (λmax − n)/(n − 1)``, ``CR = CI / RI(n)`` with Saaty's random index
    (:data:`RANDOM_INDEX`); Saaty accepts CR ≤ 0.10.

    References
    ----------
    .. [1] Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
    .. [2] Saaty, T. L. (2008). Decision making with the analytic hierarchy process.
       *Int. J. Services Sciences*, 1(1), 83–98 (Table 2: relative drink consumption).
    .. [3] Forman, E., & Peniwati, K. (1998). Aggregating individual judgments and priorities
       with the AHP. *EJOR*, 108(1), 165–169.

    Examples
    --------
    Saaty (2008), Table 2 — which drink is consumed more in the US (coffee, wine, tea, beer,
    sodas, milk, water); Saaty reports the derived weights .177 .019 .042 .116 .190 .129 .327
    and CR = .022:

    >>> a = [[1, 9, 5, 2, 1, 1, 1/2], [1/9, 1, 1/3, 1/9, 1/9, 1/9, 1/9],
    ...      [1/5, 3, 1, 1/3, 1/4, 1/3, 1/9], [1/2, 9, 3, 1, 1/2, 1, 1/3],
    ...      [1, 9, 4, 2, 1, 2, 1/2], [1, 9, 3, 1, 1/2, 1, 1/3], [2, 9, 9, 3, 2, 3, 1]]
    >>> r = ahp_weights(a, ["kopi", "anggur", "teh", "bir", "soda", "susu", "air"])
    >>> r.bobot.round(3).tolist()
    [0.177, 0.019, 0.042, 0.116, 0.19, 0.129, 0.327]
    >>> round(r.cr, 3)
    0.022
    """
    mats = (
        list(pairwise)
        if isinstance(pairwise, (list, tuple)) and len(pairwise) and np.ndim(pairwise[0]) == 2
        else [pairwise]
    )
    lab = list(labels) if labels is not None else None
    arrays = []
    for k, m in enumerate(mats):
        a, lab_k = _as_matrix(m, lab)
        lab = lab_k
        who = f"Penilai {k + 1}" if len(mats) > 1 else "Matriks AHP"
        _validate(a, lab, toleransi, who)
        arrays.append(a)
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise ParameterError(
            "Semua penilai harus membandingkan item yang sama (ukuran matriks sama)."
        )
    a = np.exp(np.mean(np.log(np.stack(arrays)), axis=0))
    n = a.shape[0]
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals[k].real)
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    ok = cr <= BATAS_CR
    cr_txt = desimal(cr, 3) if cr >= 0.001 else "< 0,001"
    if ok:
        pesan = f"Konsisten: CR = {cr_txt} ≤ 0,10; bobot dapat dipakai."
    else:
        pesan = (
            f"TIDAK konsisten: CR = {cr_txt} > 0,10. Tinjau kembali "
            "perbandingan yang saling "
            "bertentangan (mis. A > B, B > C, tetapi C > A) sebelum memakai bobot ini."
        )
    return AHPResult(
        bobot=pd.Series(w, index=pd.Index(lab, name="item"), name="bobot"),
        lambda_max=lam,
        ci=float(ci),
        ri=float(ri),
        cr=float(cr),
        konsisten=bool(ok),
        pesan=pesan,
        matriks=pd.DataFrame(a, index=lab, columns=lab),
        n_penilai=len(arrays),
    )


# ---------------------------------------------------------------------------------------------
# effective weights of the hasil kerja composite
# ---------------------------------------------------------------------------------------------


def _per_indikator(data: Any, periode: str | None, rules: Any) -> pd.DataFrame:
    need = {"nip", "kode_indikator", "kode_instansi", "jabatan", "bobot", "capaian"}
    if isinstance(data, pd.DataFrame):
        missing = need - set(data.columns)
        if missing:
            raise ParameterError(
                f"Tabel capaian per indikator tidak memiliki kolom {sorted(missing)}; gunakan "
                "Workbook atau keluaran kc.indicators.capaian_pegawai(wb).per_indikator."
            )
        df = data
        if periode not in (None, "") and "periode" in df.columns:
            df = df[df["periode"] == periode]
        elif "periode" in df.columns and df["periode"].nunique() > 1:
            (terbaru,) = pilih_periode(sorted(df["periode"].dropna().unique()), TERBARU)
            df = df[df["periode"] == terbaru]
        return df
    # this function's None is the latest period: passed explicitly to the one selector
    return capaian_pegawai(
        data, periode=TERBARU if periode is None else periode, rules=rules
    ).per_indikator


def effective_weights(
    wb: Any,
    periode: str | None = None,
    rules: Any = None,
    by: Sequence[str] = ("kode_instansi", "jabatan"),
    max_iter: int = 200,
) -> pd.DataFrame:
    """How much of the hasil kerja composite's variance each indicator really carries.

    Parameters
    ----------
    wb : Workbook or DataFrame
        A workbook with ``indikator`` and ``realisasi``, or a per-indicator capaian table
        (columns ``nip, kode_indikator, kode_instansi, jabatan, bobot, capaian``).
    periode : str, optional
        Period (default the latest).
    rules : Rules or str, optional
        For the capaian formulas and the per-indicator cap (``capaian.maksimum_per_indikator``).
    by : sequence of str
        Groups sharing one indicator catalogue (default instansi × jabatan).
    max_iter : int
        Iterations of the re-weighting.

    Returns
    -------
    DataFrame
        One row per group × indicator: the ``by`` columns, ``kode_indikator``, ``n_pegawai``,
        ``sd_capaian``, ``bobot_nominal`` (%), ``bobot_efektif`` (%; can be negative when an
        indicator runs against the others), ``bobot_usulan`` (%: weights whose effective share
        equals the nominal one), ``selisih`` (efektif − nominal, points) and ``keterangan``
        (Indonesian).

    Notes
    -----
    With normalised weights ``w`` and capaian ``x`` (capped as in the composite), the
    composite is ``C = Σ w_i x_i`` and indicator i's share of ``var(C)`` is
    ``w_i · cov(x_i, C) / var(C)`` (the shares sum to 1). An indicator everyone meets at 100 %
    has no spread, so it decides nothing, whatever its weight, while a volatile one dominates.
    The suggestion starts from ``w_i ∝ nominal_i / sd_i`` and iterates
    ``w ← w · nominal / efektif`` until the effective shares match the nominal ones; an
    indicator without spread cannot be repaired by weights (the text says so).
    """
    df = _per_indikator(wb, periode, rules)
    by = list(by)
    if len(df) == 0:
        return pd.DataFrame(columns=[*by, "kode_indikator", "bobot_nominal", "bobot_efektif"])
    from .. import rules as _rules

    cap_max = float(_rules.resolve(rules).get_path("capaian.maksimum_per_indikator", np.inf))
    df = df.assign(capaian=pd.to_numeric(df["capaian"], errors="coerce").clip(upper=cap_max))
    rows = []
    df = df.dropna(subset=["capaian"])
    nip_all = df["nip"].astype(str).to_numpy()
    kode_all = df["kode_indikator"].astype(str).to_numpy()
    cap_all = df["capaian"].to_numpy(dtype=float)
    bob_all = pd.to_numeric(df["bobot"], errors="coerce").to_numpy(dtype=float)
    for key, idx in df.groupby(by, sort=True, observed=True).indices.items():
        # one catalogue at a time (a loop over units, not employees): a dense nip × indicator
        # block built with numpy, employees missing any indicator left out
        nips, r = np.unique(nip_all[idx], return_inverse=True)
        kodes, c = np.unique(kode_all[idx], return_inverse=True)
        if len(nips) < 3 or len(kodes) < 2:
            continue
        x = np.full((len(nips), len(kodes)), np.nan)
        x[r, c] = cap_all[idx]
        x = x[np.isfinite(x).all(axis=1)]
        if len(x) < 3:
            continue
        bob = np.zeros(len(kodes))
        bob[c] = bob_all[idx]
        nominal = bob / bob.sum()
        S = np.cov(x, rowvar=False)
        sd = np.sqrt(np.diag(S))
        eff = _shares(nominal, S)
        sugg = _suggest(nominal, S, sd, max_iter)
        keys = key if isinstance(key, tuple) else (key,)
        for i, kode in enumerate(kodes):
            rows.append(
                (
                    *keys,
                    kode,
                    len(x),
                    sd[i],
                    100 * nominal[i],
                    100 * eff[i],
                    100 * sugg[i] if np.isfinite(sugg[i]) else np.nan,
                )
            )
    out = pd.DataFrame(
        rows,
        columns=[
            *by,
            "kode_indikator",
            "n_pegawai",
            "sd_capaian",
            "bobot_nominal",
            "bobot_efektif",
            "bobot_usulan",
        ],
    )
    out["selisih"] = out["bobot_efektif"] - out["bobot_nominal"]
    out["keterangan"] = _explain(out)
    return out


def _shares(w: np.ndarray, S: np.ndarray) -> np.ndarray:
    var = float(w @ S @ w)
    if var <= 0:
        return np.full(len(w), np.nan)
    return w * (S @ w) / var


def _suggest(nominal: np.ndarray, S: np.ndarray, sd: np.ndarray, max_iter: int) -> np.ndarray:
    flat = sd <= 1e-12
    w = np.where(flat, 0.0, nominal / np.where(flat, 1.0, sd))
    if w.sum() <= 0:
        return np.full(len(w), np.nan)
    target = np.where(flat, 0.0, nominal)
    target = target / target.sum()
    w = w / w.sum()
    for _ in range(max_iter):
        eff = _shares(w, S)
        ratio = np.where(flat | (eff <= 1e-9), 1.0, target / np.maximum(eff, 1e-9))
        new = w * np.clip(ratio, 0.5, 2.0) ** 0.5
        new = new / new.sum()
        if np.max(np.abs(new - w)) < 1e-10:
            w = new
            break
        w = new
    return np.where(flat, np.nan, w)


def _explain(out: pd.DataFrame) -> np.ndarray:
    flat = out["sd_capaian"] <= 1e-12
    txt = np.where(
        flat,
        "capaian semua pegawai sama: indikator ini tidak membedakan siapa pun, berapa pun "
        "bobotnya — perbaiki target/ukuran, bukan bobot",
        np.where(
            out["selisih"].abs() < 5,
            "bobot efektif sesuai bobot nominal",
            np.where(
                out["selisih"] > 0,
                "membawa variasi lebih besar dari bobotnya (sebaran capaian lebar): turunkan "
                "bobot ke bobot_usulan agar sesuai niat",
                "membawa variasi lebih kecil dari bobotnya (capaian hampir seragam): naikkan "
                "bobot ke bobot_usulan agar sesuai niat",
            ),
        ),
    )
    prefix = (
        "nominal "
        + out["bobot_nominal"].round(0).astype(int).astype(str)
        + " %, efektif "
        + out["bobot_efektif"].round(0).astype("Int64").astype(str)
        + " %: "
    )
    return (prefix + txt).to_numpy()
