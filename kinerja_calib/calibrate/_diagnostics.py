"""Rater diagnostics, variance-component and network tables of :func:`rater_effects`."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .._rules_access import nilai
from ..errors import ParameterError
from ._types import AdditiveFit, RaterEffects, RatingData

__all__ = [
    "AMBANG_DIAGNOSIS",
    "annotate_units",
    "components",
    "diagnose",
    "jaringan_table",
    "komponen_table",
    "style_indices",
]


class _Ambang(Mapping):
    """The rater-diagnostic thresholds, read once from the rules file's ``[diagnosis_penilai]``."""

    _cache: dict[str, float] | None = None

    def _load(self) -> dict[str, float]:
        if self._cache is None:
            from .. import rules as _rules

            sec = _rules.resolve(None).get_path("diagnosis_penilai", None) or {}
            type(self)._cache = {k: float(nilai(v)) for k, v in sec.items() if k != "sumber"}
        return self._cache

    def __getitem__(self, key: str) -> float:
        return self._load()[key]

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return repr(self._load())


#: Thresholds of the rater diagnostics: ``[diagnosis_penilai]`` of ``permenpanrb-6-2022.toml``
#: (UNCONFIRMED tool defaults; documented in :func:`rater_effects` and :func:`diagnose`).
AMBANG_DIAGNOSIS: Mapping[str, float] = _Ambang()


def _by_rater(data: RatingData, v: np.ndarray, nb: int) -> np.ndarray:
    return np.bincount(data.pair_rater, weights=v, minlength=nb)


def _peer_mean(data: RatingData, v: np.ndarray, w: np.ndarray, na: int, prior: float) -> np.ndarray:
    """Per pair: the weighted mean of ``v`` over the *other* pairs of the same ratee, shrunk
    toward the population mean with a prior worth ``prior`` weight units."""
    pop = float(np.sum(v * w) / max(np.sum(w), 1e-12))
    sv = np.bincount(data.pair_ratee, weights=v * w, minlength=na)[data.pair_ratee] - v * w
    sw = np.bincount(data.pair_ratee, weights=w, minlength=na)[data.pair_ratee] - w
    return (sv + prior * pop) / (sw + prior)


def _relative_to_peers(
    data: RatingData,
    own: np.ndarray,
    v: np.ndarray,
    w: np.ndarray,
    df: np.ndarray,
    na: int,
    nb: int,
    prior: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Per rater: Σ own / Σ df·(the peers' mean of ``v`` on the same ratees), in two steps.

    The second step divides each peer's ``v`` by that peer's own first-step ratio, so the
    reference keeps what is specific to the ratee (a ratee at the top of the scale leaves
    little room to spread) but not one extreme co-rater's style.
    """
    ratio = np.ones(nb)
    for _ in range(2):  # two fixed steps, not a loop over raters
        ref = _peer_mean(data, v / np.maximum(ratio, 1e-3)[data.pair_rater], w, na, prior)
        ratio = _by_rater(data, own, nb) / np.maximum(_by_rater(data, df * ref, nb), 1e-12)
        ratio = np.where(_by_rater(data, df, nb) > 0, ratio, 1.0)
    return ref, ratio


def _shrunk_log(ratio: np.ndarray, m: np.ndarray, ok: np.ndarray, kappa: float) -> np.ndarray:
    """log ratio shrunk toward the median of the eligible raters by ``m / (m + kappa)``."""
    lr = np.log(np.clip(ratio, 1e-6, None))
    centre = float(np.median(lr[ok])) if ok.any() else 0.0
    return np.where(ok, centre + m / (m + kappa) * (lr - centre), np.nan)


def style_indices(
    data: RatingData, fit: AdditiveFit, msr: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Central-tendency and halo indices of every rater, relative to peers on the same ratees.

    Returns
    -------
    dict of ndarray (one value per rater)
        Ratios (1 = like the peers), computed over the ratees who also have other raters
        (``m`` of them; severity, role and aspect effects of the fit removed):

        - ``sebaran_aspek`` W: the rater's spread across aspects within a ratee over what the
          other raters of the same ratees show (pooled within-pair variances);
        - ``sebaran_antarpegawai`` B: the spread of the rater's per-ratee means over what the
          ratees' leave-this-rater-out consensus plus a typical rater × ratee deviation give;
        - ``sebaran_pegawai`` T: W and B pooled (all the rater's ratings around their mean);
        - ``simpangan_konsensus`` H: the rater's squared deviation from that consensus over the
          peers' deviations on the same ratees (the rater's mean deviation removed);
        - ``sentral`` = √(T·max(T, W)): compressed ratings across ratees *and* aspects (a
          rater who flattens only the aspects of each ratee is halo, not central tendency);
        - ``antar_dalam`` F: the rater's whole-ratee departures from the other raters'
          per-aspect consensus over its within-ratee departures (a generalizability-theory
          rater × ratee against rater × ratee × aspect ratio; see :func:`_between_within`);
        - ``halo`` = F·√(B / W): the aspects of a ratee move together — the rater departs from
          the consensus by a whole-ratee amount (the simulator's halo, F) or spreads ratees
          but not aspects (no aspect differentiation, B / W; Myford & Wolfe 2004) — while
          compression of both (central tendency) leaves it near 1. It replaced √(H·B / W)
          (2026-12-06): 0.715 against 0.676 of the planted halo raters at exactly 10 % false
          flags on ``benchmarks/bench_diagnostik.py``'s scenario (seeds 1–5, mean).
    """
    na, nb, _, _, npairs = data.sizes
    yd = data.y - fit.d[data.aspect]
    pbar = np.bincount(data.pair, weights=yd, minlength=npairs) / data.pair_n
    ss = np.bincount(data.pair, weights=(yd - pbar[data.pair]) ** 2, minlength=npairs)
    dfw = data.pair_n - 1.0
    # W: within-pair spread against the same ratees' other raters
    v_w = np.where(dfw > 0, ss / np.maximum(dfw, 1), 0.0)
    e_w, w_ratio = _relative_to_peers(data, ss, v_w, dfw, dfw, na, nb, 5.0)
    # leave-this-rater-out consensus of the ratee (severity and role removed)
    q = pbar - fit.b[data.pair_rater] - fit.c[data.pair_role]
    # co-raters weighted by their consistency (1 / msr, bounded), so one erratic co-rater does
    # not make everyone else look far from the consensus
    u = np.ones(nb) if msr is None else 1.0 / np.clip(np.nan_to_num(msr, nan=1.0), 0.5, 4.0)
    up = u[data.pair_rater]
    k = np.bincount(data.pair_ratee, minlength=na)[data.pair_ratee]
    su = np.bincount(data.pair_ratee, weights=up, minlength=na)[data.pair_ratee] - up
    sq = np.bincount(data.pair_ratee, weights=up * q, minlength=na)[data.pair_ratee] - up * q
    ok = k > 1
    x = np.where(ok, sq / np.where(ok, su, 1.0), 0.0)
    okf = ok.astype(float)
    m = _by_rater(data, okf, nb)
    mm = np.maximum(m, 1)
    e = np.where(ok, q - x, 0.0)
    e = np.where(ok, e - (_by_rater(data, e, nb) / mm)[data.pair_rater], 0.0)
    e2 = e * e
    # H: deviation from consensus against the peers' deviations on the same ratees
    dof = ((m - 1) / mm)[data.pair_rater]  # the rater's mean deviation was removed
    _, h_ratio = _relative_to_peers(data, e2, e2, okf, okf * dof, na, nb, 2.0)
    # T: all the rater's ratings around their own mean against the expected spread
    pc = np.where(ok, pbar - (_by_rater(data, okf * pbar, nb) / mm)[data.pair_rater], 0.0)
    xc = np.where(ok, x - (_by_rater(data, okf * x, nb) / mm)[data.pair_rater], 0.0)
    d_pop = float(e2[ok].sum() / max(okf.sum(), 1)) if ok.any() else 0.0
    tot = okf * (ss + data.pair_n * pc**2)
    expected = okf * (dfw * e_w + data.pair_n * (xc**2 + d_pop))
    t_ratio = _by_rater(data, tot, nb) / np.maximum(_by_rater(data, expected, nb), 1e-12)
    b_ratio = _by_rater(data, okf * data.pair_n * pc**2, nb) / np.maximum(
        _by_rater(data, okf * data.pair_n * (xc**2 + d_pop), nb), 1e-12
    )
    f_ratio = _between_within(data, fit, k)
    return {
        "sebaran_aspek": w_ratio,
        "sebaran_pegawai": t_ratio,
        "sebaran_antarpegawai": b_ratio,
        "simpangan_konsensus": h_ratio,
        "antar_dalam": f_ratio,
        "sentral": np.sqrt(t_ratio * np.maximum(t_ratio, w_ratio)),
        "halo": f_ratio * np.sqrt(b_ratio / np.maximum(w_ratio, 1e-6)),
        "m": m,
    }


def _between_within(data: RatingData, fit: AdditiveFit, kr: np.ndarray) -> np.ndarray:
    """Per rater: the F ratio of the rater × ratee to the rater × ratee × aspect deviations.

    Each rating is compared with the mean of the *other* raters of the same ratee on the same
    aspect (severity, role and aspect effects removed). The pair mean of that deviation holds
    the rater's whole-ratee departure (halo) and the within-pair spread holds the rest; both are
    scaled by ``(k − 1) / k`` (``kr``: per pair, the k raters of its ratee), their variance
    ratio under a typical rater, so a ratee with few co-raters does not look like halo. The
    rater's scale use multiplies its own halo and noise in both parts alike; what a compressing
    rater fails to reproduce of the ratees' levels and profiles adds to both, and the √(B / W)
    factor of the halo index keeps such raters from being flagged (``style_indices``). The ratio
    is divided by its median over the raters of at least three such ratees, so 1 means "like the
    other raters of these data".
    """
    na, nb, _, nk, npairs = data.sizes
    z = data.y - fit.d[data.aspect] - fit.b[data.rater] - fit.c[data.role]
    key = data.ratee * nk + data.aspect
    s = np.bincount(key, weights=z, minlength=na * nk)[key]
    n = np.bincount(key, minlength=na * nk)[key]
    ok = n > 1
    r = np.where(ok, z - (s - z) / np.maximum(n - 1, 1), 0.0)
    kn = np.bincount(data.pair, weights=ok, minlength=npairs)
    okp = kn >= 2
    f = np.where(okp, (kr - 1) / np.maximum(kr, 1), 0.0)
    rbar = np.bincount(data.pair, weights=r, minlength=npairs) / np.maximum(kn, 1)
    ssw = np.bincount(data.pair, weights=ok * (r - rbar[data.pair]) ** 2, minlength=npairs)
    okf = okp.astype(float)
    mf = _by_rater(data, okf, nb)
    rc = np.where(
        okp, rbar - (_by_rater(data, okf * rbar, nb) / np.maximum(mf, 1))[data.pair_rater], 0.0
    )
    between = _by_rater(data, f * kn * rc**2, nb) / np.maximum(mf - 1, 1)
    within = _by_rater(data, f * ssw, nb) / np.maximum(_by_rater(data, okf * (kn - 1), nb), 1)
    tiny = 1e-9 * max(float(np.mean(within[mf > 0])) if (mf > 0).any() else 1.0, 1e-12)
    ratio = (between + tiny) / (within + tiny)
    # relative to the typical rater of the same data (1 = like the others)
    typical = mf >= 3 if (mf >= 3).any() else mf >= 2
    return ratio / (float(np.median(ratio[typical])) if typical.any() else 1.0)


def components(data: RatingData) -> tuple[np.ndarray, np.ndarray, int]:
    na, nb, _, _, npairs = data.sizes
    adj = sparse.csr_matrix(
        (np.ones(npairs, np.int8), (data.pair_ratee, na + data.pair_rater)),
        shape=(na + nb, na + nb),
    )
    n, labels = connected_components(adj, directed=False)
    # relabel by size (0 = largest component)
    sizes = np.bincount(labels, minlength=n)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    labels = rank[labels]
    return labels[:na], labels[na:], n


def diagnose(
    data: RatingData, fit: AdditiveFit, s2_tot: float, n_rater: np.ndarray, se: np.ndarray
) -> pd.DataFrame:
    """Flags per rater (Indonesian ``diagnosis``) and the indices behind them.

    Severity: ``|keparahan|`` above ``keparahan_sd`` robust SDs and ``z`` standard errors.
    Inconsistency: residual mean-square above ``msr``. Central tendency and halo: the indices
    of :func:`style_indices`, their logs shrunk toward the median rater by ``m / (m + κ)``
    (``κ = prior_pegawai`` ratees; a rater of two people cannot stand far from the crowd) and
    compared with ``sentral`` (below: flagged) and ``halo`` (above: flagged); the thresholds
    are the 90th percentile of the unplanted raters on the simulator (an empirical null,
    ``benchmarks/bench_diagnostik.py``), UNCONFIRMED in the rules file.

    References
    ----------
    .. [1] Myford, C. M., & Wolfe, E. W. (2004). Detecting and measuring rater effects using
       many-facet Rasch measurement: Part II. *Journal of Applied Measurement*, 5(2), 189–227.
    .. [2] Saal, F. E., Downey, R. G., & Lahey, M. A. (1980). Rating the ratings: Assessing the
       psychometric quality of rating data. *Psychological Bulletin*, 88(2), 413–428.
    .. [3] Efron, B. (2004). Large-scale simultaneous hypothesis testing: the choice of a null
       hypothesis. *JASA*, 99(465), 96–104.
    """
    na, nb, ng, nk, npairs = data.sizes
    thr = AMBANG_DIAGNOSIS
    resid = data.y - fit.pair_fit[data.pair] - fit.d[data.aspect]
    msr = np.bincount(data.rater, weights=resid**2, minlength=nb) / np.maximum(n_rater, 1)
    msr = msr / s2_tot
    n_pairs_r = np.bincount(data.pair_rater, minlength=nb).astype(float)
    idx = style_indices(data, fit)
    m = idx["m"]
    kappa = thr["prior_pegawai"]
    ok_c = m >= thr["min_pegawai_sentral"]
    ok_h = m >= thr["min_pegawai_halo"]
    central = np.exp(_shrunk_log(idx["sentral"], m, ok_c, kappa))
    halo = np.exp(_shrunk_log(idx["halo"], m, ok_h, kappa))
    keparahan = -fit.b
    enough = n_rater >= thr["min_n"]
    ref = keparahan[enough] if enough.sum() >= 5 else keparahan
    mad = 1.4826 * np.median(np.abs(ref - np.median(ref)))
    rsd = mad if mad > 0 else float(np.std(ref))
    z = keparahan / np.where(se > 0, se, np.inf)
    big = np.abs(keparahan) > thr["keparahan_sd"] * rsd
    with np.errstate(invalid="ignore"):
        flags = {
            "terlalu lunak": enough & big & (keparahan < 0) & (z < -thr["z"]),
            "terlalu keras": enough & big & (keparahan > 0) & (z > thr["z"]),
            "efek halo": enough & ok_h & (halo > thr["halo"]),
            "kecenderungan sentral": enough & ok_c & (central < thr["sentral"]),
            # the residuals of one pair share a dyadic part, so the MSR has about one degree of
            # freedom per ratee: demand 1.5 and two sampling SDs above 1
            "tidak konsisten": enough
            & (msr > np.maximum(thr["msr"], 1 + 2 * np.sqrt(2 / np.maximum(n_pairs_r, 1)))),
        }
    text = np.full(nb, "", dtype=object)
    for label, mask in flags.items():
        text = np.where(mask, np.where(text == "", label, text + "; " + label), text)
    text = np.where(text == "", "wajar", text)
    return pd.DataFrame(
        {
            "msr": msr,
            "sebaran_aspek": np.where(ok_c, idx["sebaran_aspek"], np.nan),
            "sebaran_pegawai": np.where(ok_c, idx["sebaran_pegawai"], np.nan),
            "indeks_sentral": central,
            "indeks_halo": halo,
            "diagnosis": text,
        }
    )


def annotate_units(effects: RaterEffects, pegawai: pd.DataFrame) -> None:
    """Add which instansi / unit kerja each connected component holds."""
    cols = [c for c in ("kode_instansi", "unit_kerja") if c in pegawai.columns]
    if "nip" not in pegawai.columns or not cols:
        raise ParameterError("`pegawai` harus memuat kolom nip dan kode_instansi/unit_kerja.")
    peg = pegawai.assign(nip=pegawai["nip"].astype(str)).drop_duplicates("nip").set_index("nip")
    d = effects.ratees[["komponen"]].join(peg[cols], how="left")
    if "kode_instansi" in cols:
        inst = d.groupby("komponen")["kode_instansi"].agg(
            lambda v: (
                ", ".join(sorted(map(str, v.dropna().unique()))[:5])
                + (" …" if v.nunique() > 5 else "")
            )
        )
        effects.jaringan["instansi"] = inst.reindex(effects.jaringan.index)
    if "unit_kerja" in cols:
        key = d["unit_kerja"].astype(str)
        if "kode_instansi" in cols:
            key = d["kode_instansi"].astype(str) + "|" + key
        effects.jaringan["n_unit_kerja"] = (
            key.groupby(d["komponen"]).nunique().reindex(effects.jaringan.index)
        )


def komponen_table(
    s2_a: float, s2_b: float, s2_role: float, s2_asp: float, parts: dict[str, float]
) -> pd.DataFrame:
    s2_int = parts["s2_int"] if np.isfinite(parts["s2_int"]) else 0.0
    rows = [
        ("pegawai", s2_a, "perbedaan kinerja antar pegawai yang terukur (sinyal)"),
        ("penilai", s2_b, "keparahan/kelunakan penilai (efek utama penilai)"),
        ("peran_penilai", s2_role, "perbedaan rata-rata antar peran penilai"),
        ("aspek", s2_asp, "perbedaan rata-rata antar aspek BerAKHLAK"),
        (
            "penilai_x_pegawai",
            s2_int,
            "bias diadik/halo: penilai menilai pegawai tertentu lebih tinggi/rendah di semua aspek",
        ),
        ("galat", parts["s2_w"], "sisa acak dalam satu pasangan penilai–pegawai"),
    ]
    df = pd.DataFrame(rows, columns=["komponen", "varians", "keterangan"]).set_index("komponen")
    df.insert(1, "proporsi", df["varians"] / df["varians"].sum())
    return df


def jaringan_table(
    data: RatingData, comp_ratee: np.ndarray, comp_rater: np.ndarray, n_comp: int
) -> pd.DataFrame:
    n_peg = np.bincount(comp_ratee, minlength=n_comp)
    n_pen = np.bincount(comp_rater, minlength=n_comp)
    n_obs = np.bincount(comp_ratee[data.ratee], minlength=n_comp)
    ket = np.where(
        np.arange(n_comp) == 0,
        "komponen utama",
        "terpisah: tidak ada penilai yang juga menilai pegawai di komponen lain, sehingga "
        "keparahan penilainya tidak dapat dipisahkan dari kinerja pegawainya; skor komponen "
        "ini tidak dapat dibandingkan langsung dengan komponen utama",
    )
    ket = np.where(
        (np.arange(n_comp) > 0) & (n_pen == 1),
        "terpisah: hanya satu penilai — keparahannya menyatu dengan skor pegawai yang dinilainya",
        ket,
    )
    df = pd.DataFrame(
        {"n_pegawai": n_peg, "n_penilai": n_pen, "n_penilaian": n_obs, "keterangan": ket},
        index=pd.Index(np.arange(n_comp), name="komponen"),
    )
    return df


def style_detection(
    raters: pd.DataFrame, truth: pd.DataFrame, min_pegawai: int = 0
) -> pd.DataFrame:
    """Hit and false-flag rates of the central-tendency and halo flags on simulated raters.

    Parameters
    ----------
    raters : DataFrame
        ``rater_effects(...).raters`` (index ``nip_penilai``).
    truth : DataFrame
        ``Simulation.raters``: ``penilai_ekstrem`` (planted kind) and ``rentang`` (finite =
        a range-restricted rater).
    min_pegawai : int
        Count as testable only raters of at least this many pegawai (``n_pegawai``), on top
        of what the flag itself needs.

    Returns
    -------
    DataFrame
        Index ``sentral``/``halo``: ``n_ditanam`` (planted raters), ``n_dapat_diuji`` (those with
        enough ratings and ratees for the flag), ``tertandai`` (share of the testable planted
        raters flagged), ``tertandai_semua`` (share of all planted raters flagged),
        ``salah_tandai`` (share of the testable raters with no planted style and no range
        restriction that are flagged), ``tertandai_rentang_sempit`` (share of the testable
        unplanted range-restricted raters flagged: their ratings *are* compressed).
    """
    t = truth.set_axis(truth.index.astype(str))
    d = raters.join(t[["penilai_ekstrem", "rentang"]], how="inner")
    kind = d["penilai_ekstrem"].astype("string").fillna("").to_numpy(dtype=object)
    restricted = np.isfinite(d["rentang"].to_numpy(dtype=float))
    enough = d["n"].to_numpy() >= AMBANG_DIAGNOSIS["min_n"]
    diag = d["diagnosis"].astype(str)
    rows = {}
    for name, col, label in (
        ("sentral", "indeks_sentral", "kecenderungan sentral"),
        ("halo", "indeks_halo", "efek halo"),
    ):  # two flags, not raters
        testable = enough & d[col].notna().to_numpy() & (d["n_pegawai"].to_numpy() >= min_pegawai)
        flagged = diag.str.contains(label).to_numpy()
        planted = kind == name
        normal = (kind == "") & ~restricted & testable
        narrow = (kind == "") & restricted & testable
        rows[name] = {
            "n_ditanam": int(planted.sum()),
            "n_dapat_diuji": int((planted & testable).sum()),
            "tertandai": float(flagged[planted & testable].mean()),
            "tertandai_semua": float(flagged[planted].mean()),
            "salah_tandai": float(flagged[normal].mean()),
            "tertandai_rentang_sempit": float(flagged[narrow].mean()),
        }
    return pd.DataFrame.from_dict(rows, orient="index")
