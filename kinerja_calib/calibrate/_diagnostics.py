"""Rater diagnostics, variance-component and network tables of :func:`rater_effects`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ..errors import ParameterError
from ._types import AdditiveFit, RaterEffects, RatingData

__all__ = [
    "AMBANG_DIAGNOSIS",
    "annotate_units",
    "components",
    "diagnose",
    "jaringan_table",
    "komponen_table",
]

#: Thresholds of the rater diagnostics (documented in :func:`rater_effects`).
AMBANG_DIAGNOSIS: dict[str, float] = {
    "keparahan_sd": 2.0,  # |keparahan| > 2 robust SD of all raters' keparahan ...
    "z": 2.0,  # ... and |keparahan / se| > 2
    "msr": 1.5,  # residual mean-square (outfit-like) above 1.5: inconsistent
    "halo": 0.5,  # spread across aspects within a ratee below half the typical spread
    "sentral": 0.5,  # spread across ratees below half of what the model expects
    "min_n": 10,  # ratings a rater needs before any flag is raised
    "min_pasangan": 4,  # ratees a rater needs before the central-tendency flag
}


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
    na, nb, ng, nk, npairs = data.sizes
    thr = AMBANG_DIAGNOSIS
    resid = data.y - fit.pair_fit[data.pair] - fit.d[data.aspect]
    msr = np.bincount(data.rater, weights=resid**2, minlength=nb) / np.maximum(n_rater, 1)
    msr = msr / s2_tot
    # spread across aspects within a pair (halo): variance of (y - aspect effect) within pair
    yd = data.y - fit.d[data.aspect]
    psum = np.bincount(data.pair, weights=yd, minlength=npairs)
    pbar = psum / data.pair_n
    pss = np.bincount(data.pair, weights=(yd - pbar[data.pair]) ** 2, minlength=npairs)
    multi = data.pair_n >= 3
    pvar = np.where(multi, pss / np.maximum(data.pair_n - 1, 1), 0.0)
    typical = np.mean(pvar[multi]) if multi.any() else np.nan
    n_multi = np.bincount(data.pair_rater, weights=multi.astype(float), minlength=nb)
    halo_ratio = np.bincount(data.pair_rater, weights=pvar, minlength=nb) / np.maximum(n_multi, 1)
    usable = (n_multi >= 2) & (typical > 0)  # typical 0: no spread anywhere, no halo ratio
    halo_ratio = np.where(usable, halo_ratio / (typical if typical > 0 else 1.0), np.nan)
    # spread across ratees (central tendency): variance of the rater's pair means relative to
    # what the model expects from the ratees' calibrated scores plus noise
    n_pairs_r = np.bincount(data.pair_rater, minlength=nb).astype(float)
    expected = fit.a[data.pair_ratee] + fit.c[data.pair_role]

    def _var_by_rater(v: np.ndarray) -> np.ndarray:
        s1 = np.bincount(data.pair_rater, weights=v, minlength=nb)
        s2 = np.bincount(data.pair_rater, weights=v * v, minlength=nb)
        return (s2 - s1 * s1 / np.maximum(n_pairs_r, 1)) / np.maximum(n_pairs_r - 1, 1)

    noise = float(np.mean(pvar[multi]) / np.mean(data.pair_n[multi])) if multi.any() else 0.0
    v_obs = _var_by_rater(pbar)
    v_exp = _var_by_rater(expected) + noise
    central = np.where(n_pairs_r >= thr["min_pasangan"], v_obs / np.maximum(v_exp, 1e-12), np.nan)
    keparahan = -fit.b
    enough = n_rater >= thr["min_n"]
    ref = keparahan[enough] if enough.sum() >= 5 else keparahan
    mad = 1.4826 * np.median(np.abs(ref - np.median(ref)))
    rsd = mad if mad > 0 else float(np.std(ref))
    z = keparahan / np.where(se > 0, se, np.inf)
    big = np.abs(keparahan) > thr["keparahan_sd"] * rsd
    flags = {
        "terlalu lunak": enough & big & (keparahan < 0) & (z < -thr["z"]),
        "terlalu keras": enough & big & (keparahan > 0) & (z > thr["z"]),
        "efek halo": enough & (halo_ratio < thr["halo"]),
        "kecenderungan sentral": enough & (central < thr["sentral"]),
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
            "sebaran_aspek": halo_ratio,
            "sebaran_pegawai": central,
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
