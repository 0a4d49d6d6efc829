"""Predikat against the truth, confusion tables, the Monte-Carlo study, notebook helper."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .._precision import tingkat
from .._util import SeedLike
from ..errors import ParameterError
from ..labels import PREDIKAT
from ..privacy import AMBANG_BAWAAN
from ._model import rate_organisation
from ._organisation import generate_organisation
from ._result import Simulation
from ._scenario import ASPEK, PERAN, R_DIRI, Scenario

__all__ = [
    "BIAS",
    "METRIK",
    "bandingkan_predikat",
    "confusion_predikat",
    "monte_carlo",
    "scenario_bias",
    "prepare",
]

#: Bias families of :func:`monte_carlo`: name → (Indonesian label, Scenario fields).
BIAS = {
    "tanpa_bias": ("Tanpa bias (hanya galat)", ()),
    "keparahan": (
        "Kelunakan/keparahan penilai",
        (
            "sd_keparahan",
            "porsi_penilai_lunak",
            "besar_penilai_lunak",
            "porsi_penilai_keras",
            "besar_penilai_keras",
            "bocor_hasil_kerja",
        ),
    ),
    "halo": (
        "Efek halo",
        ("sd_halo", "keragaman_halo", "porsi_penilai_halo", "besar_penilai_halo"),
    ),
    "peran": ("Selisih antarperan (termasuk penilaian diri)", ("geser_peran",)),
    "sentral": (
        "Kecenderungan sentral",
        ("sentral", "sd_sentral", "porsi_penilai_sentral", "besar_penilai_sentral"),
    ),
    "rentang": ("Rentang sempit", ("porsi_rentang_sempit", "rentang")),
    "wilayah": ("Tafsir skala antarwilayah", ("sd_wilayah", "geser_wilayah")),
    "semua": ("Semua bias bersama", None),
}

#: Metrics of :func:`monte_carlo` (name → Indonesian label).
METRIK = {
    "predikat_salah": "Porsi predikat keliru",
    "salah_butuh_perbaikan": "Porsi keliru ditandai 'Butuh Perbaikan'",
    "predikat_naik": "Porsi predikat terlalu tinggi",
    "predikat_turun": "Porsi predikat terlalu rendah",
    "pelanggaran_kurva": "Porsi instansi melanggar kurva distribusi",
    "pelanggaran_kurva_sebenarnya": "Porsi instansi melanggar kurva (predikat sebenarnya)",
}

_BP = "Butuh Perbaikan"


def _rating3(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """0/1/2 = di bawah / sesuai / di atas ekspektasi (NaN → -1), compared at 9 decimals
    like :func:`kinerja_calib.scoring.rating_from_score` (:mod:`kinerja_calib._precision`)."""
    return tingkat(x, [lo, hi]).astype(np.int8)


def _expected_rating(t: np.ndarray, kappa: np.ndarray, sd: float) -> np.ndarray:
    """E[X | latent t] of a neutral rater with normal noise ``sd`` (1..K scale)."""
    from scipy.special import ndtr

    z = t[..., None] - kappa
    if sd <= 0:
        return 1.0 + (z > 0).sum(axis=-1)
    return 1.0 + ndtr(z / sd).sum(axis=-1)


def _codes(col: pd.Series, index: pd.Index) -> np.ndarray:
    """Positions of ``col`` values in ``index`` (fast for categoricals: factorize first)."""
    codes, uniques = pd.factorize(col)
    pos = pd.Index(uniques).astype("string").get_indexer(index.astype("string"))
    # map unique → position in ``index``
    lookup = np.full(len(uniques), -1, dtype=np.int64)
    found = pos >= 0
    lookup[pos[found]] = np.flatnonzero(found)
    return np.where(codes >= 0, lookup[np.maximum(codes, 0)], -1)


def bandingkan_predikat(
    sim: Simulation,
    rules: Any = None,
    periode: str | None = None,
    rerata_capaian: float = 100.0,
    sd_capaian: float = 12.0,
) -> pd.DataFrame:
    """Observed predikat from the simulated 360 ratings next to the true predikat.

    Parameters
    ----------
    sim : Simulation
    rules : str, Rules or None
        Rules (default ``"permenpanrb-6-2022"``): role weights ``bobot_peran``,
        thresholds ``ambang.perilaku`` and ``ambang.capaian``, matrix
        ``matriks.predikat``.
    periode : str, optional
        Only this period (default: all).
    rerata_capaian, sd_capaian : float
        True hasil kerja (standardised z) becomes capaian = rerata + sd · z (%),
        rated with ``ambang.capaian``. The observed capaian the atasan rates is
        ``rerata + sd · (z − bocor_hasil_kerja · keparahan_atasan / sd_skala)``
        (Scenario ``bocor_hasil_kerja``; heads without atasan are unbiased).

    Returns
    -------
    pandas.DataFrame
        One row per ``periode`` × ``nip``: ``kode_instansi``, ``skor_perilaku``
        (weighted mean of role means, self excluded), ``skor_diri``,
        ``skor_perilaku_sebenarnya`` (the expected score of an unbiased panel:
        mean over aspects of E[X | true aspect score] under noise ``sd_galat``),
        ``capaian``, ``capaian_sebenarnya``, ``rating_hasil_kerja``,
        ``rating_hasil_kerja_sebenarnya``, ``rating_perilaku``,
        ``rating_perilaku_sebenarnya``, ``predikat``, ``predikat_sebenarnya``,
        ``salah`` (bool).

    Notes
    -----
    Predikat via :func:`kinerja_calib.scoring.predikat` (the rules' matrix). The
    perilaku score is computed here rather than by ``score_workbook`` so the
    simulator does not need indicators and realisasi. The simulator rates with the
    average rule (``rating_per_butir.metode = "rata_rata"``: thresholds on the 360
    composite and on one capaian) whatever the rules say: it shows how each rater
    group's bias enters the composite. ``score_workbook`` rates per item by default.
    """
    from .. import rules as _rules
    from .. import scoring

    rl = _rules.resolve(rules)
    w = np.array([float(rl["bobot_peran"].get(p, 0.0) or 0.0) for p in PERAN])
    w[R_DIRI] = 0.0
    lo_p = float(rl["ambang"]["perilaku"]["batas_bawah"])
    hi_p = float(rl["ambang"]["perilaku"]["batas_atas"])
    lo_c = float(rl["ambang"]["capaian"]["batas_bawah"])
    hi_c = float(rl["ambang"]["capaian"]["batas_atas"])
    rating_labels = np.asarray(rl["rating"]["label"], dtype=object)

    r = sim.ratings
    if periode:
        r = r[r["periode"] == periode]
        if r.empty:
            raise ParameterError(f"Periode {periode!r} tidak ada dalam simulasi.")
    truth = sim.truth
    n = len(truth)
    per_codes, per_uniques = pd.factorize(r["periode"], sort=True)
    n_per = len(per_uniques)
    nip_pos = _codes(r["nip"], truth.index)
    role_pos = _codes(r["peran_penilai"], pd.Index(PERAN))
    key = (per_codes.astype(np.int64) * n + nip_pos) * len(PERAN) + role_pos
    size = n_per * n * len(PERAN)
    val = r["nilai"].to_numpy(dtype=np.float64)
    sums = np.bincount(key, weights=val, minlength=size).reshape(n_per, n, len(PERAN))
    cnt = np.bincount(key, minlength=size).reshape(n_per, n, len(PERAN))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / cnt
        present = (cnt > 0) & (w > 0)
        wsum = (present * w).sum(axis=-1)
        skor = np.where(present, means, 0.0) @ w / wsum
    skor = np.where(wsum > 0, skor, np.nan)
    skor_diri = means[..., R_DIRI]

    s = sim.scenario
    t_cols = [f"sebenarnya_{a}" for a in ASPEK]
    t = truth[t_cols].to_numpy(dtype=np.float64)
    skor_true = _expected_rating(t, s.ambang(), s.sd_galat).mean(axis=1)
    z = truth["hasil_kerja_sebenarnya"].to_numpy(float)
    peg = sim.pegawai.set_index(sim.pegawai["nip"].astype("string"))
    peg = peg.reindex(truth.index.astype("string"))
    kode = peg["kode_instansi"].to_numpy(dtype=object)
    kep = sim.raters["keparahan"].reindex(peg["nip_atasan"].astype("string"))
    kep_atasan = np.nan_to_num(kep.to_numpy(dtype=float, na_value=np.nan))
    capaian_true = rerata_capaian + sd_capaian * z
    capaian = rerata_capaian + sd_capaian * (z - s.bocor_hasil_kerja * kep_atasan / s.sd_skala)
    rh = _rating3(capaian, lo_c, hi_c)
    rh_true = _rating3(capaian_true, lo_c, hi_c)
    rp = _rating3(skor, lo_p, hi_p)
    rp_true = _rating3(skor_true, lo_p, hi_p)
    rh_lab = rating_labels[np.broadcast_to(rh, rp.shape)].reshape(-1)
    rp_lab = np.where(rp >= 0, rating_labels[np.maximum(rp, 0)], None).reshape(-1)
    pred = np.asarray(scoring.predikat(rh_lab, rp_lab, rules=rl), dtype=object)
    pred = np.where(pd.isna(pred), None, pred)
    pred_true = np.asarray(
        scoring.predikat(rating_labels[rh_true], rating_labels[rp_true], rules=rl), dtype=object
    )
    out = pd.DataFrame(
        {
            "periode": pd.array(np.repeat(np.asarray(per_uniques, dtype=object), n), "string"),
            "nip": pd.array(np.tile(truth.index.to_numpy(dtype=object), n_per), "string"),
            "kode_instansi": pd.array(np.tile(kode, n_per), "string"),
            "skor_perilaku": skor.reshape(-1),
            "skor_diri": skor_diri.reshape(-1),
            "skor_perilaku_sebenarnya": np.tile(skor_true, n_per),
            "capaian": np.tile(capaian, n_per),
            "capaian_sebenarnya": np.tile(capaian_true, n_per),
            "rating_hasil_kerja": pd.array(np.tile(rating_labels[rh], n_per), "string"),
            "rating_hasil_kerja_sebenarnya": pd.array(
                np.tile(rating_labels[rh_true], n_per), "string"
            ),
            "rating_perilaku": pd.array(
                np.where(rp >= 0, rating_labels[np.maximum(rp, 0)], None).reshape(-1), "string"
            ),
            "rating_perilaku_sebenarnya": pd.array(
                np.tile(rating_labels[rp_true], n_per), "string"
            ),
            "predikat": pd.array(pred, "string"),
            "predikat_sebenarnya": pd.array(np.tile(pred_true, n_per), "string"),
        }
    )
    out["salah"] = (out["predikat"] != out["predikat_sebenarnya"]).fillna(False).astype(bool)
    return out


def confusion_predikat(
    sim: Simulation | pd.DataFrame,
    rules: Any = None,
    periode: str | None = None,
    normalisasi: bool = False,
) -> pd.DataFrame:
    """Confusion table of true × observed predikat.

    Parameters
    ----------
    sim : Simulation or DataFrame
        A simulation, or the output of :func:`bandingkan_predikat`.
    rules, periode
        Passed to :func:`bandingkan_predikat`.
    normalisasi : bool
        Return row shares (each true predikat sums to 1) instead of counts.

    Returns
    -------
    pandas.DataFrame
        Index ``predikat_sebenarnya``, columns ``predikat_teramati``, both in
        :data:`kinerja_calib.labels.PREDIKAT` order (all five, zeros kept).

    Examples
    --------
    >>> from kinerja_calib.simulate import Scenario, simulate_ratings
    >>> sim = simulate_ratings(Scenario(n_pegawai=300), seed=1)
    >>> tab = confusion_predikat(sim)
    >>> int(tab.to_numpy().sum())
    300
    """
    tab = sim if isinstance(sim, pd.DataFrame) else bandingkan_predikat(sim, rules, periode)
    tab = tab.dropna(subset=["predikat"])
    labels = list(PREDIKAT)
    t_code = pd.Categorical(tab["predikat_sebenarnya"], categories=labels).codes
    o_code = pd.Categorical(tab["predikat"], categories=labels).codes
    ok = (t_code >= 0) & (o_code >= 0)
    k = len(labels)
    counts = np.bincount(t_code[ok] * k + o_code[ok], minlength=k * k).reshape(k, k)
    out = pd.DataFrame(
        counts,
        index=pd.Index(labels, name="predikat_sebenarnya"),
        columns=pd.Index(labels, name="predikat_teramati"),
    )
    if normalisasi:
        out = out.div(out.sum(axis=1).replace(0, np.nan), axis=0).astype(float)
    return out


def _share_kurva_violations(tab: pd.DataFrame, instansi: pd.DataFrame | None, rl, col: str):
    """Share of (periode, instansi) groups violating the kurva (``scoring.check_kurva``)."""
    from .. import scoring

    if instansi is None or "predikat_organisasi" not in instansi:
        return np.nan
    org = instansi.drop_duplicates("kode_instansi").set_index("kode_instansi")[
        "predikat_organisasi"
    ]
    frame = pd.DataFrame(
        {
            "periode": tab["periode"].to_numpy(dtype=object),
            "kode_instansi": tab["kode_instansi"].to_numpy(dtype=object),
            "predikat": tab[col].to_numpy(dtype=object),
        }
    )
    frame["predikat_organisasi"] = frame["kode_instansi"].map(org).to_numpy(dtype=object)
    frame = frame[frame["predikat_organisasi"].notna() & frame["predikat"].notna()]
    if frame.empty:
        return np.nan
    keys = ["periode", "kode_instansi"]
    viol = scoring.check_kurva(frame, "predikat_organisasi", rules=rl, by=keys)
    total = len(frame.drop_duplicates(keys))
    return len(viol.drop_duplicates(keys)) / total


def _metrics(tab: pd.DataFrame, instansi, rl) -> dict[str, float]:
    ok = tab["predikat"].notna()
    t = tab.loc[ok]
    order = {p: i for i, p in enumerate(PREDIKAT)}
    o_rank = t["predikat"].map(order).to_numpy(float)
    t_rank = t["predikat_sebenarnya"].map(order).to_numpy(float)
    return {
        "predikat_salah": float((o_rank != t_rank).mean()),
        "salah_butuh_perbaikan": float(
            ((t["predikat"] == _BP) & (t["predikat_sebenarnya"] != _BP)).mean()
        ),
        "predikat_naik": float((o_rank > t_rank).mean()),
        "predikat_turun": float((o_rank < t_rank).mean()),
        "pelanggaran_kurva": _share_kurva_violations(tab, instansi, rl, "predikat"),
        "pelanggaran_kurva_sebenarnya": _share_kurva_violations(
            tab, instansi, rl, "predikat_sebenarnya"
        ),
    }


def scenario_bias(scenario: Scenario, bias: str) -> Scenario:
    """The scenario with only one bias family switched on (others neutral).

    ``bias`` is a key of :data:`BIAS`: ``"tanpa_bias"``, ``"keparahan"``,
    ``"halo"``, ``"peran"``, ``"sentral"``, ``"rentang"``, ``"wilayah"`` or
    ``"semua"`` (the scenario unchanged). Organisation and noise parameters are
    kept from ``scenario``.
    """
    if bias not in BIAS:
        raise ParameterError(
            f"Bias {bias!r} tidak dikenal; pilih salah satu dari: {', '.join(BIAS)}."
        )
    fields = BIAS[bias][1]
    if fields is None:
        return scenario
    neutral = Scenario.tanpa_bias()
    bias_fields = {f for _, (_, fs) in BIAS.items() if fs for f in fs}
    changes = {f: getattr(neutral, f) for f in bias_fields}
    changes.update({f: getattr(scenario, f) for f in fields})
    return scenario.replace(**changes)


def monte_carlo(
    scenario: Scenario | None = None,
    n_rep: int = 20,
    seed: SeedLike = None,
    biases: tuple[str, ...] | list[str] | None = None,
    rules: Any = None,
    mentah: bool = False,
) -> pd.DataFrame:
    """Monte-Carlo study: how much each rater bias (alone and together) flips predikat.

    Each replication generates a new organisation (``simulate_ratings`` design)
    and rates it once per bias family with the *same* random numbers (common
    random numbers), so differences between biases are not sampling noise of
    the organisation.

    Parameters
    ----------
    scenario : Scenario, optional
        Bias sizes and organisation (default ``Scenario()``).
    n_rep : int
        Replications.
    seed : int, Generator or None
    biases : sequence of str, optional
        Keys of :data:`BIAS` (default: all, in that order).
    rules : str, Rules or None
        Rules for predikat and the kurva distribusi.
    mentah : bool
        Return the per-replication table instead of the summary.

    Returns
    -------
    pandas.DataFrame
        Tidy summary: ``bias, nama_bias, metrik, nama_metrik, rerata, bawah, atas,
        n_rep`` where ``bawah``/``atas`` are the 2.5 % / 97.5 % percentiles over
        replications. Metrics: :data:`METRIK`.

    Examples
    --------
    >>> mc = monte_carlo(Scenario(n_pegawai=300), n_rep=3, seed=1, biases=["tanpa_bias", "semua"])
    >>> sorted(mc["bias"].unique())
    ['semua', 'tanpa_bias']
    """
    from .. import rules as _rules

    s = scenario or Scenario()
    if n_rep < 1:
        raise ParameterError("n_rep harus ≥ 1.")
    keys = list(biases) if biases is not None else list(BIAS)
    variants = {b: scenario_bias(s, b) for b in keys}
    rl = _rules.resolve(rules)
    ss = np.random.SeedSequence(seed if not isinstance(seed, np.random.Generator) else None)
    if isinstance(seed, np.random.Generator):
        ss = np.random.SeedSequence(int(seed.integers(2**63)))
    rows = []
    for rep, child in enumerate(ss.spawn(n_rep)):  # replications (whole-org vectorised)
        org_seed, rate_seed = child.spawn(2)
        pegawai, instansi = generate_organisation(s, np.random.default_rng(org_seed))
        for b, sb in variants.items():
            sim = rate_organisation(
                pegawai,
                sb,
                seed=np.random.default_rng(rate_seed),
                instansi=instansi,
                periode=s.periode[:1],
            )
            m = _metrics(bandingkan_predikat(sim, rl), instansi, rl)
            rows += [{"rep": rep, "bias": b, "metrik": k, "nilai": v} for k, v in m.items()]
    raw = pd.DataFrame(rows)
    if mentah:
        return raw
    g = raw.groupby(["bias", "metrik"], sort=False)["nilai"]
    out = g.agg(
        rerata="mean",
        bawah=lambda x: np.nanpercentile(x, 2.5) if x.notna().any() else np.nan,
        atas=lambda x: np.nanpercentile(x, 97.5) if x.notna().any() else np.nan,
    ).reset_index()
    out["n_rep"] = n_rep
    out.insert(1, "nama_bias", out["bias"].map({k: v[0] for k, v in BIAS.items()}))
    out.insert(3, "nama_metrik", out["metrik"].map(METRIK))
    return out


# ---------------------------------------------------------------------------
# Notebook 03 parameters
# ---------------------------------------------------------------------------
def prepare(
    data: str = "../data/samples",
    kode_instansi: str = "",
    periode: str = "",
    aturan: str = "permenpanrb-6-2022",
    n_pegawai: int = 1000,
    n_ulangan: int = 10,
    seed: int = 2026,
    ambang_anonimitas: int = AMBANG_BAWAAN,
):
    """Validate the parameters of notebook 03 and load what it needs.

    Parameters
    ----------
    data, kode_instansi, periode : str
        Checked by :func:`kinerja_calib.params.validate` ("" = whole province / latest
        period of the realisasi, 360 and SKM tables).
    aturan : str
        Rules name or path.
    n_pegawai, n_ulangan, seed : int
        Size of the simulated organisation, Monte-Carlo replications, seed.
    ambang_anonimitas : int
        Anonymity threshold (>= 1) applied to the real 360 ratings
        (:func:`kinerja_calib.params.validate`).

    Returns
    -------
    types.SimpleNamespace
        ``aturan`` (Rules), ``wb`` (Workbook, filtered to the instansi),
        ``periode`` (str), ``ambang`` (int), ``skenario`` (``Scenario(n_pegawai=...)``), ``seed``,
        ``n_ulangan``.

    Raises
    ------
    ParameterError
        With an Indonesian message saying what to fix.
    """
    from types import SimpleNamespace

    from ..params import ProblemCollector, validate

    cek = ProblemCollector()
    cek.angka("seed", seed, bulat=True)
    cek.angka("n_ulangan", n_ulangan, 1, bulat=True)
    cek.angka("n_pegawai", n_pegawai, 20, bulat=True)
    # every period table: an instansi without 360 ratings still runs the (synthetic) course
    ctx = validate(
        data, kode_instansi, periode, aturan, pemeriksa=cek, ambang_anonimitas=ambang_anonimitas
    )
    rl, wb, periode = ctx.aturan, ctx.wb, ctx.periode
    return SimpleNamespace(
        aturan=rl,
        wb=wb,
        periode=periode,
        ambang=ctx.ambang,
        skenario=Scenario(n_pegawai=int(n_pegawai)),
        seed=int(seed),
        n_ulangan=int(n_ulangan),
    )
