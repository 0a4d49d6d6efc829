"""Rating generators: continuous latent + thresholds, and many-facet Rasch."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._util import SeedLike, as_rng
from ..errors import ParameterError
from ._organisation import build_pairs, generate_organisation
from ._result import Simulation
from ._scenario import ASPEK, PERAN, R_DIRI, Scenario

__all__ = ["rate_organisation", "simulate_ratings"]

_CHUNK = 2_000_000  # rating rows per chunk in the MFRM sampler


def mfrm_sample(eta: np.ndarray, thresholds: np.ndarray, omega: np.ndarray, rng) -> np.ndarray:
    """Rating-scale MFRM: categories 0..K-1 by inverse CDF over adjacent-category logits.

    ``eta`` (n,) location B − D − C in logits, ``thresholds`` (K-1,) F_k,
    ``omega`` (n,) centrality multipliers of the thresholds (Jin & Wang 2018).
    """
    n = len(eta)
    km1 = len(thresholds)
    out = np.empty(n, dtype=np.int8)
    cum_f = np.r_[0.0, np.cumsum(thresholds)].astype(np.float32)
    ks = np.arange(km1 + 1, dtype=np.float32)
    for a in range(0, n, _CHUNK):  # memory chunks, not a loop over ratings
        b = min(a + _CHUNK, n)
        psi = eta[a:b, None] * ks[None, :] - omega[a:b, None] * cum_f[None, :]
        psi -= psi.max(axis=1, keepdims=True)
        np.exp(psi, out=psi)
        np.cumsum(psi, axis=1, out=psi)
        u = rng.random(b - a, dtype=np.float32) * psi[:, -1]
        out[a:b] = (psi[:, :-1] < u[:, None]).sum(axis=1)
    return out


def _wilayah_shifts(names: np.ndarray, s: Scenario, rng) -> pd.Series:
    uniq = pd.unique(pd.Series(names, dtype="string").dropna())
    z = rng.normal(0.0, 1.0, len(uniq))
    if len(z) > 1:
        z -= z.mean()  # random regional readings are centred: the province mean is kept
    shifts = z * s.sd_wilayah * s.sd_skala
    out = pd.Series(shifts, index=pd.Index(uniq, name="wilayah"), name="geser_ambang")
    if s.geser_wilayah:
        for w, v in s.geser_wilayah.items():  # a handful of named regions
            out.loc[w] = float(v) * s.sd_skala
    return out


def rate_organisation(
    pegawai: pd.DataFrame,
    scenario: Scenario | None = None,
    seed: SeedLike = None,
    instansi: pd.DataFrame | None = None,
    periode: tuple[str, ...] | list[str] | str = ("2026-S1",),
    simpan_laten: bool = False,
) -> Simulation:
    """Simulate 360 ratings of an existing organisation.

    Parameters
    ----------
    pegawai : pandas.DataFrame
        At least ``nip``, ``kode_instansi``, ``unit_kerja``, ``nip_atasan`` (NA for
        heads); optional ``skor_sebenarnya`` (standardised true general
        performance; drawn from N(0, sd_umum²) when absent) and ``wilayah``.
    scenario : Scenario, optional
        Model and design parameters (defaults: ``Scenario()``).
    seed : int, numpy.random.Generator or None
        Same seed → identical output.
    instansi : pandas.DataFrame, optional
        ``kode_instansi`` → ``wilayah`` for the regional reading of the scale.
        Without it (and without a ``wilayah`` column) everyone is in one region.
    periode : str or sequence of str
        Periods rated; the design and true scores are fixed, noise is redrawn.
    simpan_laten : bool
        Keep the latent value (or MFRM location) of every rating in
        ``Simulation.laten`` (float32; for teaching and tests).

    Returns
    -------
    Simulation

    Notes
    -----
    Design: each ratee is rated by their ``nip_atasan``; by themself (``diri``);
    by ``k_rekan`` peers from the same unit (a slot goes to another unit of the
    instansi with probability ``p_rekan_lintas_unit``; an atasan or direct report
    is never counted as a peer); by up to ``k_bawahan`` direct reports; and, for
    a share ``porsi_pengguna_layanan`` of ratees, by ``k_pengguna_layanan``
    external raters ``PL-…``. Every rater rates all 7 BerAKHLAK aspects.

    Latent model (docs/praktik.md §A5 (1)), rater r, ratee i, aspect j::

        T_ij = G_i + D_ij
        Y*   = T_ij + L_r + P_role + H_ir + E_ijr
        Y**  = μ_r + c_r (Y* − μ_r),  μ_r = L_r + P_role   (central tendency)
        Y**  clipped to μ_r ± w_r                           (range restriction)
        X    = 1 + #{k : κ_k + s_wilayah(r) < Y**}          (thresholds)

    The MFRM alternative uses η = skala_mfrm · (Y** − s_wilayah − E) / sd_total,
    thresholds ω_r F_k with ω_r = 1/c_r, and Rasch noise instead of E.

    Examples
    --------
    >>> import pandas as pd
    >>> peg = pd.DataFrame({"nip": ["1", "2", "3", "4"], "kode_instansi": "A",
    ...                     "unit_kerja": "U", "nip_atasan": [None, "1", "1", "1"]})
    >>> sim = rate_organisation(peg, Scenario(porsi_pengguna_layanan=0), seed=3)
    >>> sim.ratings.groupby("peran_penilai").size().to_dict()
    {'atasan': 21, 'bawahan': 21, 'diri': 28, 'rekan': 42}
    """
    s = scenario or Scenario()
    if not isinstance(s, Scenario):
        raise ParameterError("scenario harus objek Scenario (kinerja_calib.simulate.Scenario).")
    rng = as_rng(seed)
    periods = (periode,) if isinstance(periode, str) else tuple(periode)
    if not periods:
        raise ParameterError("periode tidak boleh kosong, misalnya ('2026-S1',).")
    missing = [c for c in ("nip", "kode_instansi", "unit_kerja", "nip_atasan") if c not in pegawai]
    if missing:
        raise ParameterError(f"Tabel pegawai kekurangan kolom: {', '.join(missing)}.")
    peg = pegawai.reset_index(drop=True)
    nip = peg["nip"].astype("string").to_numpy(dtype=object)
    n = len(nip)
    if n == 0:
        raise ParameterError("Tabel pegawai kosong.")
    nip_index = pd.Index(nip)
    if not nip_index.is_unique:
        raise ParameterError("Kolom nip pada tabel pegawai harus unik.")
    inst_code = pd.factorize(peg["kode_instansi"].astype("string"))[0].astype(np.int64)
    unit_code = pd.factorize(
        peg["kode_instansi"].astype("string") + "\x1f" + peg["unit_kerja"].astype("string")
    )[0].astype(np.int64)
    atasan = nip_index.get_indexer(peg["nip_atasan"].astype("string").to_numpy(dtype=object))
    atasan = np.where(peg["nip_atasan"].isna().to_numpy(), -1, atasan).astype(np.int64)

    # wilayah per employee
    if "wilayah" in peg:
        wil_emp = peg["wilayah"].astype("string").fillna("(tanpa wilayah)").to_numpy(dtype=object)
    elif instansi is not None and "wilayah" in instansi:
        m = instansi.drop_duplicates("kode_instansi").set_index(
            instansi.drop_duplicates("kode_instansi")["kode_instansi"].astype("string")
        )["wilayah"]
        wil_emp = (
            peg["kode_instansi"].astype("string").map(m).astype("string").fillna("(tanpa wilayah)")
        ).to_numpy(dtype=object)
    else:
        wil_emp = np.full(n, "(semua)", dtype=object)

    # --- truth
    if "skor_sebenarnya" in peg and peg["skor_sebenarnya"].notna().all():
        g = peg["skor_sebenarnya"].to_numpy(dtype=np.float64)
    else:
        g = rng.normal(0.0, s.sd_umum, n)
        if "skor_sebenarnya" in peg:
            given = peg["skor_sebenarnya"].notna().to_numpy()
            g[given] = peg["skor_sebenarnya"].to_numpy(dtype=np.float64, na_value=np.nan)[given]
    n_asp = len(ASPEK)
    t_aspek = (g[:, None] + rng.normal(0.0, s.sd_aspek, (n, n_asp))).astype(np.float32)
    rho = s.korelasi_hasil_kerja
    hasil = rho * g / max(s.sd_umum, 1e-12) + np.sqrt(1 - rho**2) * rng.normal(0.0, 1.0, n)

    # --- design
    ratee, rater, role, n_ext = build_pairs(inst_code, unit_code, atasan, s, rng)
    n_pairs = len(ratee)
    n_rater = n + n_ext
    width = max(6, len(str(n_ext)))
    if n_ext:
        ext_ids = np.char.add("PL-", np.char.zfill(np.arange(1, n_ext + 1).astype(str), width))
        rater_ids = np.concatenate([nip.astype(str), ext_ids])
    else:
        rater_ids = nip.astype(str)
    wil_rater = np.empty(n_rater, dtype=object)
    wil_rater[:n] = wil_emp
    if n_ext:
        ext_rows = rater >= n
        wil_rater[rater[ext_rows]] = wil_emp[ratee[ext_rows]]

    # --- rater parameters
    sdt = s.sd_skala
    lenient = rng.normal(0.0, s.sd_keparahan, n_rater)
    active_other = np.bincount(rater[role != R_DIRI], minlength=n_rater) > 0
    planted = np.full(n_rater, "", dtype=object)
    cand = np.flatnonzero(active_other)
    n_lunak = int(round(s.porsi_penilai_lunak * len(cand)))
    n_keras = int(round(s.porsi_penilai_keras * len(cand)))
    n_sentral = int(round(s.porsi_penilai_sentral * len(cand)))
    n_halo = int(round(s.porsi_penilai_halo * len(cand)))
    ends = np.cumsum([n_lunak, n_keras, n_sentral, n_halo])
    pick = rng.permutation(cand)[: ends[-1]] if ends[-1] else np.empty(0, np.int64)
    groups = np.split(pick, ends[:-1])  # lunak, keras, sentral, halo: disjoint
    lenient[groups[0]] += s.besar_penilai_lunak * sdt
    lenient[groups[1]] -= s.besar_penilai_keras * sdt
    for label, idx in zip(("lunak", "keras", "sentral", "halo"), groups, strict=True):
        planted[idx] = label
    lenient -= lenient.mean()  # keparahan has mean 0 over raters
    halo_r = s.sd_halo * np.sqrt(rng.gamma(s.keragaman_halo, 1.0 / s.keragaman_halo, n_rater))
    central = np.clip(rng.normal(s.sentral, s.sd_sentral, n_rater), 0.05, 3.0)
    central[groups[2]] = s.besar_penilai_sentral
    halo_r[groups[3]] = s.besar_penilai_halo * sdt
    rentang_r = np.full(n_rater, np.inf)
    restricted = rng.random(n_rater) < s.porsi_rentang_sempit
    rentang_r[restricted] = s.rentang * sdt
    shifts = _wilayah_shifts(wil_emp, s, rng)
    shift_rater = shifts.reindex(pd.Index(wil_rater.astype(str))).to_numpy(dtype=np.float64)
    shift_rater = np.nan_to_num(shift_rater)

    # --- pair-level quantities
    role_off = np.array([s.geser_peran.get(p, 0.0) for p in PERAN]) * sdt
    centre = (lenient[rater] + role_off[role]).astype(np.float32)
    halo_pair = (halo_r[rater] * rng.standard_normal(n_pairs)).astype(np.float32)
    c_pair = central[rater].astype(np.float32)
    w_pair = rentang_r[rater].astype(np.float32)
    s_pair = shift_rater[rater].astype(np.float32)
    kappa = s.ambang().astype(np.float32)

    n_rows_p = n_pairs * n_asp
    nilai = np.empty(len(periods) * n_rows_p, dtype=np.int8)
    laten = np.empty(len(periods) * n_rows_p, dtype=np.float32) if simpan_laten else None
    for p_i in range(len(periods)):  # a few periods, not a loop over ratings
        # deviation from the rater's centre: T + H + E
        dev = t_aspek[ratee] + halo_pair[:, None]
        if s.model == "laten":
            dev += rng.normal(0.0, s.sd_galat, (n_pairs, n_asp)).astype(np.float32)
        dev *= c_pair[:, None]
        np.clip(dev, -w_pair[:, None], w_pair[:, None], out=dev)
        dev += centre[:, None]
        dev -= s_pair[:, None]  # region reading: κ + s  ⇔  Y − s
        flat = dev.reshape(-1)
        sl = slice(p_i * n_rows_p, (p_i + 1) * n_rows_p)
        if laten is not None:
            laten[sl] = flat
        if s.model == "laten":
            base = p_i * n_rows_p
            for a in range(0, n_rows_p, _CHUNK):  # chunks keep the int64 index small
                b = min(a + _CHUNK, n_rows_p)
                nilai[base + a : base + b] = np.searchsorted(kappa, flat[a:b], side="left")
        else:
            f = (
                np.asarray(s.ambang_mfrm, dtype=np.float32)
                if s.ambang_mfrm is not None
                else (s.skala_mfrm * kappa / sdt).astype(np.float32)
            )
            eta = flat * np.float32(s.skala_mfrm / sdt)
            omega = np.repeat(1.0 / c_pair, n_asp).astype(np.float32)
            # thresholds scaled around their mean so centrality does not move location
            f_mean = np.float32(f.mean())
            nilai[sl] = mfrm_sample(eta - f_mean, f - f_mean, omega, rng)
        del dev, flat
    nilai += 1

    # --- assemble the long table
    n_per = len(periods)
    ratee_codes = np.tile(np.repeat(ratee, n_asp), n_per)
    rater_codes = np.tile(np.repeat(rater, n_asp), n_per)
    ratings = pd.DataFrame(
        {
            "periode": pd.Categorical.from_codes(
                np.repeat(np.arange(n_per, dtype=np.int8), n_rows_p), categories=list(periods)
            ),
            "nip": pd.Categorical.from_codes(ratee_codes, categories=pd.Index(nip.astype(str))),
            "nip_penilai": pd.Categorical.from_codes(rater_codes, categories=pd.Index(rater_ids)),
            "peran_penilai": pd.Categorical.from_codes(
                np.tile(np.repeat(role, n_asp), n_per), categories=list(PERAN)
            ),
            "aspek": pd.Categorical.from_codes(
                np.tile(np.arange(n_asp, dtype=np.int8), n_pairs * n_per), categories=list(ASPEK)
            ),
            "nilai": nilai.astype(np.float64),
        }
    )
    del ratee_codes, rater_codes, nilai
    if not s.kompak:
        for col in ("periode", "nip", "nip_penilai", "peran_penilai", "aspek"):
            ratings[col] = ratings[col].astype("string")

    # --- truth and raters tables
    truth = pd.DataFrame(
        {"skor_sebenarnya": g},
        index=pd.Index(pd.array(nip.astype(str), dtype="string"), name="nip"),
    )
    for j, a in enumerate(ASPEK):
        truth[f"sebenarnya_{a}"] = t_aspek[:, j].astype(np.float64)
    truth["hasil_kerja_sebenarnya"] = hasil
    counts = np.zeros((n_rater, len(PERAN)), dtype=np.int64)
    np.add.at(counts, (rater, role), 1)
    others = counts.copy()
    others[:, R_DIRI] = 0
    main_role = np.where(others.sum(axis=1) > 0, others.argmax(axis=1), R_DIRI)
    raters = pd.DataFrame(
        {
            "keparahan": -lenient,
            "halo": halo_r,
            "sentral": central,
            "rentang": rentang_r,
            "peran_utama": pd.array(np.asarray(PERAN)[main_role], dtype="string"),
            "wilayah": pd.array(wil_rater.astype(str), dtype="string"),
            "penilai_ekstrem": pd.array(np.where(planted == "", None, planted), dtype="string"),
        },
        index=pd.Index(pd.array(rater_ids, dtype="string"), name="nip_penilai"),
    )
    seed_out = seed if not isinstance(seed, np.random.Generator) else None
    return Simulation(
        ratings=ratings,
        truth=truth,
        raters=raters,
        pegawai=pegawai,
        instansi=instansi,
        wilayah=shifts,
        scenario=s,
        seed=seed_out,
        laten=laten,
    )


def simulate_ratings(
    scenario: Scenario | None = None, seed: SeedLike = None, simpan_laten: bool = False
) -> Simulation:
    """Generate a synthetic organisation and simulate its 360 ratings.

    Parameters
    ----------
    scenario : Scenario, optional
        Organisation size and shape (``n_pegawai``, ``n_instansi``, ``wilayah``,
        ``ukuran_unit``, ``rentang_kendali``), rater design and bias parameters.
    seed : int, numpy.random.Generator or None
        Same seed → identical output.
    simpan_laten : bool
        Keep the latent value of every rating (see :func:`rate_organisation`).

    Returns
    -------
    Simulation
        ``.pegawai`` and ``.instansi`` follow docs/skema-data.md §2 (valid 18-digit NIPs,
        ``nip_atasan`` NA for each instansi head).

    Examples
    --------
    >>> sim = simulate_ratings(Scenario(n_pegawai=300, n_instansi=3), seed=7)
    >>> sim.pegawai["nip"].str.len().eq(18).all(), sim.pegawai["nip"].is_unique
    (np.True_, True)
    """
    s = scenario or Scenario()
    rng = as_rng(seed)
    pegawai, instansi = generate_organisation(s, rng)
    sim = rate_organisation(
        pegawai, s, seed=rng, instansi=instansi, periode=s.periode, simpan_laten=simpan_laten
    )
    sim.seed = seed if not isinstance(seed, np.random.Generator) else None
    return sim
