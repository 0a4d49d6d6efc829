"""Rater effects: who rated whom, corrected.

The additive model (the default) is the classic "true score + bias" decomposition of
G-theory (Hoyt & Kerns 1999; Houston, Raymond & Svec 1991)::

    nilai[i, j, g, k] = skor[i] - keparahan[j] + peran[g] + aspek[k] + galat

for ratee ``i``, rater ``j`` in role ``g`` and BerAKHLAK aspect ``k``. It is fitted by sparse
least squares at the level of (ratee, rater) *pairs* — the aspect effects are alternated out — so
that 40 M ratings reduce to ~6 M pair rows with three non-zeros each, solved by
:func:`scipy.sparse.linalg.lsmr` with Jacobi (column) scaling. The solver numbers ratees, raters
and pairs component by component of the rater network (block-diagonal design), so its sparse
products stay cache-local; the estimate does not depend on that order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.linalg import lsmr
from threadpoolctl import threadpool_limits  # LSMR's tiny vector ops: 1 BLAS thread is ~10x faster

from .._angka import bilangan, desimal
from ..errors import ParameterError
from ._diagnostics import (
    AMBANG_DIAGNOSIS,
    _annotate_units,
    _components,
    _diagnose,
    _jaringan_table,
    _komponen_table,
)

__all__ = ["AMBANG_DIAGNOSIS", "RaterEffects", "rater_effects"]

KOLOM_WAJIB = ("nip", "nip_penilai", "peran_penilai", "aspek", "nilai")


@dataclass
class RaterEffects:
    """Result of :func:`rater_effects`.

    Attributes
    ----------
    ratees : DataFrame
        Index ``nip``: ``skor_mentah`` (plain mean of the non-self ratings),
        ``skor_terkalibrasi``, ``se``, ``n`` (ratings), ``n_penilai``, ``koreksi``
        (calibrated − raw), ``skor_diri`` (mean self rating, NaN when absent; never part of the
        calibrated score), ``komponen`` (connected component of the rater network).
    raters : DataFrame
        Index ``nip_penilai``: ``keparahan`` (+ = severe, mean 0 within each connected
        component), ``se``, ``n``, ``n_pegawai``, ``skor_rerata`` (mean rating given),
        ``msr`` (residual mean-square), ``sebaran_aspek``, ``sebaran_pegawai``,
        ``komponen``, ``diagnosis`` (Indonesian, "wajar" when nothing is flagged).
    komponen : DataFrame
        Variance components (index ``komponen``): ``varians``, ``proporsi``, ``keterangan``.
    jaringan : DataFrame
        One row per connected component of the rater–ratee graph: ``n_pegawai``,
        ``n_penilai``, ``n_penilaian``, ``keterangan`` (why a component cannot be compared with
        the main one).
    efek : DataFrame
        Role and aspect effects (``jenis``, ``tingkat``, ``efek``, ``n``), centred to an
        observation-weighted mean of 0.
    shrinkage : float
        The ridge parameter λ used for rater effects (0 = none).
    method : str
        ``"additive"`` or ``"ordinal"``.
    periode : str or None
        The period analysed (``None`` when the table has no ``periode`` column or all periods
        were pooled).
    info : dict
        Solver details (iterations, convergence, timings).
    """

    ratees: pd.DataFrame
    raters: pd.DataFrame
    komponen: pd.DataFrame
    jaringan: pd.DataFrame
    efek: pd.DataFrame
    shrinkage: float
    method: str
    periode: str | None
    info: dict[str, Any] = field(default_factory=dict)

    def ringkasan(self) -> str:
        """Short Indonesian summary of the fit (Indonesian number format)."""

        if "kurang" in self.info:  # the empty result: nothing was fitted
            return self.info["kurang"]

        bil = bilangan
        n_flag = int((self.raters["diagnosis"] != "wajar").sum())
        n_comp = len(self.jaringan)
        lam = desimal(self.shrinkage, 2)
        model = {"additive": "aditif"}.get(self.method, self.method)
        lines = [
            f"Model {model}: {bil(len(self.ratees))} pegawai dinilai oleh "
            f"{bil(len(self.raters))} penilai (periode {self.periode or 'semua'}).",
            f"Penyusutan (λ) efek penilai: {lam}."
            if self.method == "additive"
            else "Model Rasch banyak-faset; keparahan dalam logit.",
            f"Penilai dengan catatan diagnosis: {bil(n_flag)}.",
        ]
        if n_comp > 1:
            lines.append(
                f"Jaringan penilai terpecah menjadi {n_comp} komponen: skor antar komponen "
                "tidak dapat dibandingkan secara langsung (lihat .jaringan)."
            )
        return "\n".join(lines)

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        return f"RaterEffects(\n{self.ringkasan()}\n)"


# ---------------------------------------------------------------------------------------------
# data preparation
# ---------------------------------------------------------------------------------------------


@dataclass
class _Data:
    y: np.ndarray
    ratee: np.ndarray
    rater: np.ndarray
    role: np.ndarray
    aspect: np.ndarray
    pair: np.ndarray
    ratee_ids: pd.Index
    rater_ids: pd.Index
    role_ids: pd.Index
    aspect_ids: pd.Index
    pair_ratee: np.ndarray
    pair_rater: np.ndarray
    pair_role: np.ndarray
    pair_n: np.ndarray
    skor_diri: pd.Series
    periode: str | None
    pair_comp: np.ndarray | None = None

    @property
    def sizes(self) -> tuple[int, int, int, int, int]:
        return (
            len(self.ratee_ids),
            len(self.rater_ids),
            len(self.role_ids),
            len(self.aspect_ids),
            len(self.pair_n),
        )

    # rating-level sums reused by every fit (each is a pass over all ratings)
    @cached_property
    def pair_ysum(self) -> np.ndarray:
        return np.bincount(self.pair, weights=self.y, minlength=len(self.pair_n))

    @cached_property
    def n_role(self) -> np.ndarray:
        return np.bincount(self.role, minlength=len(self.role_ids)).astype(np.float64)

    @cached_property
    def n_aspect(self) -> np.ndarray:
        return np.bincount(self.aspect, minlength=len(self.aspect_ids)).astype(np.float64)


#: The sentence of an empty :class:`RaterEffects` (no rating other than self-ratings).
KURANG_PENILAI = (
    "Bagian ini memerlukan penilaian 360 dari atasan, rekan, bawahan atau pengguna layanan; "
    "instansi ini tidak memilikinya untuk periode ini, sehingga efek penilai tidak dapat "
    "dihitung."
)


def _tanpa_penilai_lain(ratings: pd.DataFrame, periode: str | None) -> bool:
    """True when the (period's) table holds no rating other than self-ratings."""
    need = {"nip", "nip_penilai", "peran_penilai", "nilai"}
    if not need <= set(ratings.columns):
        return False  # let prepare() name the missing columns
    r, _ = _select_period(ratings, periode)
    nilai = pd.to_numeric(r["nilai"], errors="coerce")
    bukan_diri = (r["peran_penilai"].astype("string") != "diri").fillna(False) & nilai.notna()
    cand = r.loc[bukan_diri.to_numpy(dtype=bool), ["nip", "nip_penilai"]]
    # compared as text: the two columns may be categoricals with different categories; the
    # first rows usually settle it, so a national table is not converted as a whole
    for part in (cand.head(1000), cand):
        a = part["nip"].astype("string").fillna("").to_numpy()
        b = part["nip_penilai"].astype("string").fillna("").to_numpy()
        if bool((a != b).any()):
            return False
    return True


def _efek_kosong(ratings: pd.DataFrame, periode: str | None, method: str) -> RaterEffects:
    """The documented empty result: every table with its columns and no row.

    ``info["kurang"]`` holds the Indonesian sentence, which :meth:`RaterEffects.ringkasan`
    returns.
    """
    _, periode = _select_period(ratings, periode)

    def kosong(index: str, cols: list[str]) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in cols}).rename_axis(index)

    ratees = kosong(
        "nip",
        ["skor_mentah", "skor_terkalibrasi", "se", "n", "n_penilai", "koreksi", "skor_diri",
         "komponen"],
    )  # fmt: skip
    raters = kosong(
        "nip_penilai",
        ["keparahan", "se", "n", "n_pegawai", "skor_rerata", "msr", "sebaran_aspek",
         "sebaran_pegawai", "komponen"],
    )  # fmt: skip
    raters["diagnosis"] = pd.Series(dtype=object)
    komponen = kosong("komponen", ["varians", "proporsi"])
    komponen["keterangan"] = pd.Series(dtype=object)
    jaringan = pd.DataFrame(
        {c: pd.Series(dtype=float) for c in ("n_pegawai", "n_penilai", "n_penilaian")}
    )
    jaringan["keterangan"] = pd.Series(dtype=object)
    efek = pd.DataFrame({"jenis": [], "tingkat": [], "efek": [], "n": []})
    return RaterEffects(
        ratees, raters, komponen, jaringan, efek, 0.0, method, periode,
        info={"kurang": KURANG_PENILAI},
    )  # fmt: skip


def _select_period(ratings: pd.DataFrame, periode: str | None) -> tuple[pd.DataFrame, str | None]:
    if "periode" not in ratings.columns:
        return ratings, None
    if periode == "semua":
        return ratings, None
    values = ratings["periode"].dropna().unique()
    if periode in (None, ""):
        if len(values) == 0:
            return ratings, None
        periode = str(max(values))
    elif periode not in set(values):
        raise ParameterError(
            f"Periode '{periode}' tidak ada di data penilaian 360; pilih salah satu dari "
            f"{sorted(map(str, values))}, atau 'semua' untuk menggabungkan periode."
        )
    if len(values) == 1:
        return ratings, periode
    return ratings.loc[ratings["periode"] == periode], periode


def _raw_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (−1 = missing; a categorical's own narrow dtype, not widened) and their
    labels as strings."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), np.asarray(col.cat.categories.astype(str), dtype=object)
    codes, uniques = pd.factorize(col)
    return codes, np.asarray(pd.Index(uniques).astype(str), dtype=object)


def _compress(codes: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Renumber the codes in use (all ≥ 0) as 0..k−1 (int64), ordered by label.

    A lookup table over the label range instead of hashing the codes; the labels are sorted
    as fixed-width numpy text (the same order as Python's for text without NUL characters,
    and 2–3× faster than sorting Python strings).
    """
    present = np.zeros(len(labels), bool)
    present[codes] = True
    used = np.flatnonzero(present)
    lab = labels[used]
    order = np.argsort(lab.astype(str), kind="stable")
    rank = np.empty(len(labels), np.int64)
    rank[used[order]] = np.arange(len(order))
    return rank[codes], pd.Index(lab[order])


def _lookup(table: np.ndarray, codes: np.ndarray, missing: Any) -> np.ndarray:
    """``table[codes]`` with ``missing`` where a code is −1 (one gather, no masks)."""
    return np.append(table, np.asarray(missing, table.dtype))[codes]


def prepare(ratings: pd.DataFrame, periode: str | None = None) -> _Data:
    """Validate the long 360 table and encode it as integer codes (self ratings split off)."""
    if not isinstance(ratings, pd.DataFrame):
        raise ParameterError("`ratings` harus berupa DataFrame penilaian_360 (format panjang).")
    missing = [c for c in KOLOM_WAJIB if c not in ratings.columns]
    if missing:
        raise ParameterError(
            "Tabel penilaian 360 tidak memiliki kolom " + ", ".join(missing) + ". Kolom yang "
            "dibutuhkan: " + ", ".join(KOLOM_WAJIB) + "."
        )
    ratings, periode = _select_period(ratings, periode)
    nilai = pd.to_numeric(ratings["nilai"], errors="coerce").to_numpy(dtype=np.float64)
    # integer codes straight from the columns (categoricals keep their codes): no per-row
    # Python strings, so 40 M rows stay cheap
    c_nip, l_nip = _raw_codes(ratings["nip"])
    c_pen, l_pen = _raw_codes(ratings["nip_penilai"])
    c_per, l_per = _raw_codes(ratings["peran_penilai"])
    c_asp, l_asp = _raw_codes(ratings["aspek"])
    # self ratings: the rater is the ratee (a rater label that is also a ratee label), or the
    # role is "diri"; −2 never equals a ratee code, not even the missing one (−1)
    pen_as_nip = pd.Index(l_nip).get_indexer(l_pen)
    pen_as_nip = np.where(pen_as_nip >= 0, pen_as_nip, -2).astype(c_nip.dtype)
    is_self = _lookup(pen_as_nip, c_pen, -2) == c_nip
    is_self |= _lookup(l_per == "diri", c_per, False)
    ok = np.isfinite(nilai) & (c_nip >= 0) & (c_pen >= 0) & (c_per >= 0) & (c_asp >= 0)
    diri_mask = ok & is_self
    if diri_mask.any():
        cnt = np.bincount(c_nip[diri_mask], minlength=len(l_nip))
        tot = np.bincount(c_nip[diri_mask], weights=nilai[diri_mask], minlength=len(l_nip))
        has = cnt > 0
        skor_diri = pd.Series(tot[has] / cnt[has], index=l_nip[has], name="skor_diri")
    else:
        skor_diri = pd.Series(dtype=np.float64, name="skor_diri")
    keep = ok & ~is_self
    if not keep.any():
        raise ParameterError(
            "Tidak ada penilaian 360 selain penilaian diri yang berisi nilai; kalibrasi "
            "membutuhkan penilaian dari atasan, rekan, bawahan atau pengguna layanan."
        )
    y = nilai[keep]
    ratee, ratee_ids = _compress(c_nip[keep], l_nip)
    rater, rater_ids = _compress(c_pen[keep], l_pen)
    role, role_ids = _compress(c_per[keep], l_per)
    aspect, aspect_ids = _compress(c_asp[keep], l_asp)
    # a pair is (ratee, rater, role): the same rater in two roles (a data slip) stays exact
    key = (ratee * len(rater_ids) + rater) * len(role_ids) + role
    pair, _ = pd.factorize(key)
    pair = pair.astype(np.int64, copy=False)
    n_pairs = int(pair.max()) + 1
    pair_ratee = np.empty(n_pairs, np.int64)
    pair_rater = np.empty(n_pairs, np.int64)
    pair_role = np.empty(n_pairs, np.int64)
    pair_ratee[pair] = ratee
    pair_rater[pair] = rater
    pair_role[pair] = role
    pair_n = np.bincount(pair, minlength=n_pairs).astype(np.float64)
    skor_diri.index = skor_diri.index.astype(str)
    skor_diri.index.name = "nip"
    return _Data(
        y,
        ratee,
        rater,
        role,
        aspect,
        pair,
        ratee_ids,
        rater_ids,
        role_ids,
        aspect_ids,
        pair_ratee,
        pair_rater,
        pair_role,
        pair_n,
        skor_diri,
        periode,
    )


# ---------------------------------------------------------------------------------------------
# the additive fit
# ---------------------------------------------------------------------------------------------


@dataclass
class _Fit:
    a: np.ndarray  # ratee effects (absorb the grand mean)
    b: np.ndarray  # rater effects (+ = lenient, i.e. -keparahan)
    c: np.ndarray  # role effects, obs-weighted mean 0
    d: np.ndarray  # aspect effects, obs-weighted mean 0
    pair_fit: np.ndarray  # a + b + c per pair
    iterations: int
    outer: int
    converged: bool


@dataclass
class _Layout:
    """Solver order of the design's rows and columns (the estimator does not depend on it).

    Ratees and raters are numbered component by component (of the rater–ratee network; within
    a component in order of first appearance in the data) and the pair rows follow their
    ratees, so the design is block diagonal up to the few role / grand-mean columns: each LSMR
    product then walks the solution vector almost sequentially instead of jumping across it
    (ids are sorted by NIP, which scatters colleagues over the whole vector).
    """

    ratee_pos: np.ndarray  # solver column of each ratee
    rater_pos: np.ndarray  # solver column of each rater, minus na
    row_order: np.ndarray  # pairs in solver row order


def _layout(data: _Data, comp_ratee: np.ndarray, comp_rater: np.ndarray) -> _Layout:
    na, nb = len(comp_ratee), len(comp_rater)

    def positions(pair_member: np.ndarray, comp: np.ndarray, n: int) -> np.ndarray:
        first_seen = pd.unique(pair_member)  # every ratee / rater has at least one pair
        order = first_seen[np.argsort(comp[first_seen], kind="stable")]
        pos = np.empty(n, np.int64)
        pos[order] = np.arange(n)
        return pos

    ratee_pos = positions(data.pair_ratee, comp_ratee, na)
    rater_pos = positions(data.pair_rater, comp_rater, nb)
    row_order = np.argsort(ratee_pos[data.pair_ratee], kind="stable")
    return _Layout(ratee_pos, rater_pos, row_order)


def _pair_design(
    data: _Data,
    layout: _Layout,
    include_role: bool,
    lam: float,
    lam_a: float = 0.0,
    pair_w: np.ndarray | None = None,
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Column-scaled pair-level design in solver order: ratee | rater | role | (intercept when
    ratees are penalised), one row per pair weighted by √n, then √λ ridge rows.

    Returns the scaled design ``A·diag(scale)``, ``scale``, and ``col_pos`` (the solver column
    of each model column). Built directly in CSR form: every pair row has the same number of
    non-zeros, already in column order (ratee < rater < role < intercept).
    """
    na, nb, ng, _, npairs = data.sizes
    ro = layout.row_order
    w = np.sqrt((data.pair_n if pair_w is None else pair_w)[ro])
    cols = [layout.ratee_pos[data.pair_ratee[ro]], na + layout.rater_pos[data.pair_rater[ro]]]
    ncols = na + nb
    if include_role and ng > 1:
        cols.append(ncols + data.pair_role[ro])
        ncols += ng
    if lam_a > 0:  # an unpenalised grand mean
        cols.append(np.full(npairs, ncols))
        ncols += 1
    k = len(cols)
    idx = [np.stack(cols, axis=1).ravel()]
    val = [np.repeat(w, k)]
    n_pad = 0
    for lam_x, start, n in ((lam, na, nb), (lam_a, 0, na)):
        if lam_x > 0:  # ridge rows in solver column order (their right-hand side is 0)
            idx.append(np.arange(start, start + n))
            val.append(np.full(n, np.sqrt(lam_x)))
            n_pad += n
    indices = np.concatenate(idx)
    values = np.concatenate(val)
    itype = np.int32 if max(len(indices), ncols) < np.iinfo(np.int32).max else np.int64
    indptr = np.concatenate(
        [np.arange(0, k * npairs + 1, k), k * npairs + np.arange(1, n_pad + 1)]
    ).astype(itype)
    colsq = np.bincount(indices, weights=values * values, minlength=ncols)
    scale = 1.0 / np.sqrt(np.where(colsq > 0, colsq, 1.0))
    values *= scale[indices]
    As = sparse.csr_matrix(
        (values, indices.astype(itype), indptr), shape=(npairs + n_pad, ncols), copy=False
    )
    col_pos = np.concatenate([layout.ratee_pos, na + layout.rater_pos, np.arange(na + nb, ncols)])
    return As, scale, col_pos


def _fit_additive(
    data: _Data,
    lam: float,
    include_role: bool,
    include_aspect: bool,
    comp_ratee: np.ndarray,
    comp_rater: np.ndarray,
    tol: float,
    layout: _Layout,
    x0: np.ndarray | None = None,
    max_outer: int = 100,
    lam_a: float = 0.0,
    pair_w: np.ndarray | None = None,
) -> tuple[_Fit, np.ndarray]:
    na, nb, ng, nk, npairs = data.sizes
    As, scale, col_pos = _pair_design(data, layout, include_role, lam, lam_a, pair_w)
    ncols = len(scale)
    has_role = include_role and ng > 1
    n_main = na + nb + (ng if has_role else 0)
    n_pad = As.shape[0] - npairs
    sqrt_n = np.sqrt(data.pair_n if pair_w is None else pair_w)
    n_asp = data.n_aspect
    d = np.zeros(nk)
    z = None
    if x0 is not None:  # to solver order and scale
        z = np.empty(ncols)
        z[col_pos] = x0
        z /= scale
    total_iter = 0
    converged = False
    outer = 0
    for outer in range(1, max_outer + 1):
        if outer == 1:  # d = 0
            ysum = data.pair_ysum
        else:
            ysum = np.bincount(data.pair, weights=data.y - d[data.aspect], minlength=npairs)
        ybar = ysum / data.pair_n
        rhs = np.zeros(npairs + n_pad)
        rhs[:npairs] = (sqrt_n * ybar)[layout.row_order]
        sol = lsmr(As, rhs, atol=tol, btol=tol, maxiter=20 * ncols + 1000, x0=z)
        z = sol[0]
        total_iter += int(sol[2])
        x = (z * scale)[col_pos]  # back to model order
        pair_fit = x[data.pair_ratee] + x[na + data.pair_rater]
        if has_role:
            pair_fit = pair_fit + x[na + nb + data.pair_role]
        if lam_a > 0:
            pair_fit = pair_fit + x[n_main]
        if not include_aspect or nk == 1:
            converged = True
            break
        resid = data.y - pair_fit[data.pair]
        d_new = np.bincount(data.aspect, weights=resid, minlength=nk) / n_asp
        d_new -= np.average(d_new, weights=n_asp)
        step = np.max(np.abs(d_new - d))
        d = d_new
        if step < max(tol * 10, 1e-12):
            converged = True
            break
    a = x[:na].copy()
    if lam_a > 0:
        a += x[n_main]
    b = x[na : na + nb].copy()
    c = x[na + nb : na + nb + ng].copy() if has_role else np.zeros(ng)
    c_mean = np.average(c, weights=data.n_role)
    c -= c_mean
    a += c_mean
    # identification: rater effects mean 0 within each connected component
    ncomp = int(max(comp_ratee.max(), comp_rater.max())) + 1
    cnt = np.bincount(comp_rater, minlength=ncomp)
    bmean = np.bincount(comp_rater, weights=b, minlength=ncomp) / np.maximum(cnt, 1)
    b -= bmean[comp_rater]
    a += bmean[comp_ratee]
    fit = _Fit(a, b, c, d, pair_fit, total_iter, outer, converged)
    return fit, x


def _variance_parts(data: _Data, fit: _Fit, n_comp: int, n_params: int) -> dict[str, float]:
    na, nb, ng, nk, npairs = data.sizes
    N = len(data.y)
    resid = data.y - fit.pair_fit[data.pair] - fit.d[data.aspect]
    rsum = np.bincount(data.pair, weights=resid, minlength=npairs)
    rbar = rsum / data.pair_n
    df_pair = max(npairs - n_params + n_comp, 1)
    s2_eff = float(np.sum(data.pair_n * rbar**2) / df_pair)
    within = resid - rbar[data.pair]
    df_within = N - npairs - (nk - 1)
    s2_w = float(np.sum(within**2) / df_within) if df_within > 0 else np.nan
    m_bar = N / npairs
    s2_int = max((s2_eff - s2_w) / m_bar, 0.0) if np.isfinite(s2_w) else np.nan
    if not np.isfinite(s2_w):
        s2_w = s2_eff
    return {"s2_eff": max(s2_eff, 1e-12), "s2_w": s2_w, "s2_int": s2_int, "m_bar": m_bar}


def _moment_var(est: np.ndarray, sampling_var: np.ndarray) -> float:
    ok = np.isfinite(est) & np.isfinite(sampling_var)
    if ok.sum() < 2:
        return 0.0
    return float(max(np.var(est[ok], ddof=1) - np.mean(sampling_var[ok]), 0.0))


def rater_effects(
    ratings: pd.DataFrame,
    shrinkage: float | Literal["auto"] | None = "auto",
    include_role: bool = True,
    include_aspect: bool = True,
    method: Literal["additive", "ordinal"] = "additive",
    periode: str | None = None,
    tol: float = 1e-10,
    shrinkage_pegawai: float | Literal["auto"] | None = "auto",
    bobot_penilai: bool = True,
    pegawai: pd.DataFrame | None = None,
    **ordinal_options: Any,
) -> RaterEffects:
    """Estimate rater severity and calibrated ratee scores from a long 360 table.

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table: ``nip`` (ratee), ``nip_penilai``, ``peran_penilai``,
        ``aspek``, ``nilai`` (and optionally ``periode``). Self ratings (``peran_penilai ==
        "diri"`` or rater = ratee) are excluded from the fit and reported apart as
        ``skor_diri``.
    shrinkage : "auto", float or None
        Ridge parameter λ for the rater effects: a rater with ``n`` ratings has their effect
        shrunk toward 0 by about ``n / (n + λ)`` (the random-effect BLUP). ``"auto"`` sets
        ``λ = σ²_eff / σ²_penilai`` from the variance components of an unshrunk first fit
        (σ²_eff = error variance of one rating, including the rater × ratee interaction spread
        over the aspects of a pair). ``None`` or 0: no shrinkage (ordinary least squares with
        fixed effects; this also switches off ``shrinkage_pegawai`` and ``bobot_penilai``, giving
        exactly the OLS solution).
    include_role, include_aspect : bool
        Model role (``peran_penilai``) and aspect effects.
    shrinkage_pegawai : "auto", float or None
        Ridge on the ratee effects toward the grand mean (in rating-equivalents). ``"auto"``
        (default) uses the BLUP value ``λ_pegawai = σ²_eff / σ²_pegawai``: the calibrated score
        is then Kelley's regressed true score — a pegawai rated by few or erratic raters is
        pulled toward the mean by ``n / (n + λ_pegawai)`` instead of being placed at the
        extremes by noise (fewer predikat mistakes near the thresholds). 0/None disables it
        (scores then keep the spread of plain means). Ignored when ``shrinkage=None``.
    bobot_penilai : bool
        Re-weight raters by their consistency (one iteratively re-weighted step: a pair counts
        ``∝ 1 / v_j`` where ``v_j`` is the rater's residual variance shrunk toward the pooled
        value with a prior worth 10 pairs), so raters with strong halo or erratic ratings count
        less. Ignored when ``shrinkage=None``.
    method : {"additive", "ordinal"}
        ``"additive"``: least squares on the rating scale. ``"ordinal"``: many-facet Rasch
        rating-scale model (Linacre) by joint maximum likelihood; ``keparahan`` is then in
        logits and ``skor_terkalibrasi`` is Linacre's *fair average* (the expected rating from a
        rater of average severity on an average aspect); see :func:`fit_mfrm`. Its shrinkage
        is a Gaussian penalty on the measures (``prior_sd``), not ``shrinkage``.
    periode : str, optional
        Which ``periode`` to analyse; default the latest; ``"semua"`` pools every period (one
        score per ``nip``).
    tol : float
        Convergence tolerance of the solver.
    pegawai : DataFrame, optional
        The ``pegawai`` table; when given, ``.jaringan`` also lists the ``instansi`` and the
        number of ``unit_kerja`` in each connected component (which units cannot be compared).
    **ordinal_options
        Passed to the ordinal fit (``max_iter``, ``tol``, ``prior_sd``).

    Returns
    -------
    RaterEffects
        ``.ratees``, ``.raters``, ``.komponen``, ``.jaringan``, ``.efek`` (see the class).

    Notes
    -----
    **Fit.** The pair-level normal equations are solved by LSMR on a column-scaled sparse
    design (one row per (ratee, rater) pair weighted by √n, plus √λ rows penalising the rater
    effects); aspect effects are alternated out (exact at convergence; one or two outer steps
    when every pair rates every aspect). The solution equals ordinary least squares on the
    rating-level design ``nilai ~ C(nip) + C(nip_penilai) + C(peran_penilai) + C(aspek)`` when
    ``shrinkage=None``.

    **Identification.** Role and aspect effects have an observation-weighted mean of 0; rater
    effects have mean 0 *within each connected component* of the rater–ratee graph, so
    ``skor_terkalibrasi`` is the mean rating a ratee would get from a rater of average severity
    in the data's usual mix of roles and aspects. Scores in different components cannot be
    compared: a component with lenient raters only looks as good as one with severe raters only.
    ``.jaringan`` lists the components.

    **Standard errors.** ``se`` of a rater is ``sqrt(σ²_eff / (n + λ))``; ``se`` of a ratee is
    ``sqrt(σ²_eff / n + Σ_j (n_ij / n)² se_j²)`` (sampling error plus the uncertainty of the
    rater corrections applied); both ignore the uncertainty of the variance components.

    **Diagnostics** (``diagnosis``; thresholds in ``AMBANG_DIAGNOSIS``, a rater needs at
    least 10 ratings before any flag):

    - "terlalu lunak" / "terlalu keras": ``|keparahan|`` above 2 robust SDs (1.4826·MAD) of all
      raters' keparahan *and* more than 2 standard errors from 0;
    - "efek halo": the rater's mean variance across aspects within a ratee is below 0.5 of the
      typical value (Myford & Wolfe 2004: low spread across dimensions);
    - "kecenderungan sentral": the variance of the rater's per-ratee means is below 0.5 of what
      the model expects from those ratees' calibrated scores plus noise (needs ≥ 4 ratees);
    - "tidak konsisten": residual mean-square (outfit-like, normalised to a mean near 1) above
      1.5 (Linacre's upper bound for productive measurement) *and* above ``1 + 2·sqrt(2/m)``
      for a rater of ``m`` ratees (two sampling SDs: residuals within a pair are correlated).

    References
    ----------
    .. [1] Hoyt, W. T., & Kerns, M.-D. (1999). Magnitude and moderators of bias in observer
       ratings: A meta-analysis. *Psychological Methods*, 4(4), 403–424.
    .. [2] Houston, W. M., Raymond, M. R., & Svec, J. C. (1991). Adjustments for rater effects
       in performance assessment. *Applied Psychological Measurement*, 15(4), 409–421.
    .. [3] Myford, C. M., & Wolfe, E. W. (2004). Detecting and measuring rater effects using
       many-facet Rasch measurement: Part II. *Journal of Applied Measurement*, 5(2), 189–227.
    .. [4] Fong, D. C.-L., & Saunders, M. (2011). LSMR: An iterative algorithm for sparse
       least-squares problems. *SIAM J. Sci. Comput.*, 33(5), 2950–2971.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({
    ...     "nip": ["a", "a", "b", "b", "c", "c"],
    ...     "nip_penilai": ["x", "y", "x", "y", "x", "y"],
    ...     "peran_penilai": ["rekan"] * 6, "aspek": ["loyal"] * 6,
    ...     "nilai": [4.0, 3.0, 5.0, 4.0, 3.0, 2.0]})
    >>> fx = rater_effects(r, shrinkage=None)
    >>> fx.raters["keparahan"].round(2).tolist()
    [-0.5, 0.5]
    >>> fx.ratees["skor_terkalibrasi"].round(2).tolist()
    [3.5, 4.5, 2.5]
    """
    if method not in ("additive", "ordinal"):
        raise ParameterError("`method` harus 'additive' atau 'ordinal'.")
    if _tanpa_penilai_lain(ratings, periode):
        return _efek_kosong(ratings, periode, method)
    with _single_thread_blas():
        fx = _rater_effects(
            ratings,
            shrinkage,
            include_role,
            include_aspect,
            method,
            periode,
            tol,
            shrinkage_pegawai,
            bobot_penilai,
            ordinal_options,
        )
    if pegawai is not None:
        _annotate_units(fx, pegawai)
    return fx


def _single_thread_blas():
    return threadpool_limits(limits=1, user_api="blas")


def _rater_effects(
    ratings,
    shrinkage,
    include_role,
    include_aspect,
    method,
    periode,
    tol,
    shrinkage_pegawai,
    bobot_penilai,
    ordinal_options,
) -> RaterEffects:
    data = prepare(ratings, periode)
    if method == "ordinal":
        from ._ordinal import fit_mfrm

        return fit_mfrm(
            data, include_role=include_role, include_aspect=include_aspect, **ordinal_options
        )
    return _additive(
        data, shrinkage, include_role, include_aspect, tol, shrinkage_pegawai, bobot_penilai
    )


def _shrinkage_value(shrinkage: Any) -> float | None:
    if shrinkage is None:
        return 0.0
    if isinstance(shrinkage, str):
        if shrinkage != "auto":
            raise ParameterError("`shrinkage` harus 'auto', angka ≥ 0, atau None.")
        return None
    lam = float(shrinkage)
    if not np.isfinite(lam) or lam < 0:
        raise ParameterError("`shrinkage` (λ) harus angka ≥ 0.")
    return lam


def _rater_weights(data: _Data, fit: _Fit, kappa: float) -> np.ndarray:
    """Pair weights ∝ n / v_j: v_j = the rater's pair-level residual variance, shrunk toward the
    pooled value with a prior worth ``kappa`` pairs (raters with strong halo or inconsistent
    ratings count less)."""
    nb = len(data.rater_ids)
    npairs = len(data.pair_n)
    resid = data.y - fit.pair_fit[data.pair] - fit.d[data.aspect]
    rbar = np.bincount(data.pair, weights=resid, minlength=npairs) / data.pair_n
    e2 = data.pair_n * rbar**2
    s2 = float(e2.mean()) or 1.0
    n_pairs_r = np.bincount(data.pair_rater, minlength=nb)
    v = (np.bincount(data.pair_rater, weights=e2, minlength=nb) + kappa * s2) / (n_pairs_r + kappa)
    return data.pair_n * s2 / v[data.pair_rater]


def _additive(
    data: _Data,
    shrinkage: Any,
    include_role: bool,
    include_aspect: bool,
    tol: float,
    shrinkage_pegawai: Any = "auto",
    bobot_penilai: bool = True,
) -> RaterEffects:
    na, nb, ng, nk, npairs = data.sizes
    lam_fixed = _shrinkage_value(shrinkage)
    ols = shrinkage is None
    comp_ratee, comp_rater, n_comp = _components(data)
    comp = (comp_ratee, comp_rater)
    n_ratee = np.bincount(data.ratee, minlength=na).astype(np.float64)
    n_rater = np.bincount(data.rater, minlength=nb).astype(np.float64)
    n_params = na + nb + (ng if include_role else 1) - 1
    args = (include_role, include_aspect, comp_ratee, comp_rater, tol, _layout(data, *comp))
    fit0, x0 = _fit_additive(data, lam_fixed or 0.0, *args)
    parts = _variance_parts(data, fit0, n_comp, n_params)
    s2_eff = parts["s2_eff"]
    s2_b = _moment_var(fit0.b, s2_eff / np.maximum(n_rater, 1))
    s2_a0 = _moment_var(fit0.a, s2_eff / np.maximum(n_ratee, 1))
    lam = lam_fixed if lam_fixed is not None else (float(s2_eff / s2_b) if s2_b > 0 else 1e6)
    if ols or shrinkage_pegawai is None:
        lam_a = 0.0
    elif isinstance(shrinkage_pegawai, str):
        if shrinkage_pegawai != "auto":
            raise ParameterError("`shrinkage_pegawai` harus angka ≥ 0, 'auto', atau None.")
        lam_a = float(s2_eff / s2_a0) if s2_a0 > 0 else 1e6
    else:
        lam_a = float(shrinkage_pegawai)
        if not np.isfinite(lam_a) or lam_a < 0:
            raise ParameterError("`shrinkage_pegawai` harus angka ≥ 0.")
    pair_w = None
    x1 = x0
    if lam != (lam_fixed or 0.0) or lam_a > 0:
        # warm start from the unshrunk solution (a zero grand mean appended when ratees are
        # penalised, since that adds one column)
        start = np.concatenate([x0, [0.0]]) if lam_a > 0 else x0
        fit, x1 = _fit_additive(data, lam, *args, x0=start, lam_a=lam_a)
    else:
        fit = fit0
    if bobot_penilai and not ols:
        pair_w = _rater_weights(data, fit, kappa=10.0)
        fit, _ = _fit_additive(data, lam, *args, x0=x1, lam_a=lam_a, pair_w=pair_w)
    parts = _variance_parts(data, fit, n_comp, n_params)
    w_obs = data.pair_n if pair_w is None else pair_w
    n_eff_rater = np.bincount(data.pair_rater, weights=w_obs, minlength=nb)
    n_eff_ratee = np.bincount(data.pair_ratee, weights=w_obs, minlength=na)
    se_b = np.sqrt(s2_eff / (n_eff_rater + lam))
    share = w_obs / n_eff_ratee[data.pair_ratee]
    var_corr = np.bincount(
        data.pair_ratee, weights=share**2 * se_b[data.pair_rater] ** 2, minlength=na
    )
    se_a = np.sqrt(s2_eff / (n_eff_ratee + lam_a) + var_corr)
    s2_a = _moment_var(fit0.a, s2_eff / np.maximum(n_ratee, 1))
    raw = np.bincount(data.ratee, weights=data.y, minlength=na) / n_ratee
    n_pen = np.bincount(data.pair_ratee, minlength=na)
    ratees = pd.DataFrame(
        {
            "skor_mentah": raw,
            "skor_terkalibrasi": fit.a,
            "se": se_a,
            "n": n_ratee.astype(np.int64),
            "n_penilai": n_pen,
            "koreksi": fit.a - raw,
            "komponen": comp_ratee,
        },
        index=pd.Index(data.ratee_ids.astype(str), name="nip"),
    )
    ratees.insert(6, "skor_diri", data.skor_diri.reindex(ratees.index).to_numpy())
    resid = data.y - fit.pair_fit[data.pair] - fit.d[data.aspect]
    s2_tot = float(np.mean(resid**2)) or 1.0
    diag = _diagnose(data, fit, s2_tot, n_rater, se_b)
    given = np.bincount(data.rater, weights=data.y, minlength=nb) / np.maximum(n_rater, 1)
    raters = pd.DataFrame(
        {
            "keparahan": -fit.b,
            "se": se_b,
            "n": n_rater.astype(np.int64),
            "n_pegawai": np.bincount(data.pair_rater, minlength=nb),
            "skor_rerata": given,
            "komponen": comp_rater,
        },
        index=pd.Index(data.rater_ids.astype(str), name="nip_penilai"),
    )
    for col in diag.columns:
        raters[col] = diag[col].to_numpy()
    n_role = data.n_role.astype(np.int64)
    n_asp = data.n_aspect.astype(np.int64)
    efek = pd.concat(
        [
            pd.DataFrame(
                {
                    "jenis": "peran_penilai",
                    "tingkat": data.role_ids.astype(str),
                    "efek": fit.c,
                    "n": n_role,
                }
            ),
            pd.DataFrame(
                {
                    "jenis": "aspek",
                    "tingkat": data.aspect_ids.astype(str),
                    "efek": fit.d,
                    "n": n_asp,
                }
            ),
        ],
        ignore_index=True,
    )
    s2_role = float(np.average(fit.c**2, weights=n_role)) if ng else 0.0
    s2_asp = float(np.average(fit.d**2, weights=n_asp)) if nk else 0.0
    komponen = _komponen_table(s2_a, s2_b, s2_role, s2_asp, parts)
    jaringan = _jaringan_table(data, comp_ratee, comp_rater, n_comp)
    info = {
        "shrinkage_pegawai": lam_a,
        "bobot_penilai": pair_w is not None,
        "iterasi_lsmr": fit.iterations,
        "iterasi_luar": fit.outer,
        "konvergen": fit.converged,
        "sigma2_eff": s2_eff,
        "n_penilaian": int(len(data.y)),
        "n_pasangan": int(npairs),
    }
    return RaterEffects(
        ratees, raters, komponen, jaringan, efek, float(lam), "additive", data.periode, info
    )
