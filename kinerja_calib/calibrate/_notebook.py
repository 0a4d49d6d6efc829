"""Parameter check and loading for notebook 05 (kalibrasi 360)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from ..privacy import AMBANG_BAWAAN

__all__ = ["check_planted", "prepare"]


def prepare(
    data: str = "../data/samples",
    kode_instansi: str = "",
    periode: str = "",
    aturan: str = "permenpanrb-6-2022",
    batas_atasan: float = 0.4,
    n_boot: int = 100,
    seed: int = 2026,
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> SimpleNamespace:
    """Validate the parameters of notebook 05 and load what it needs.

    Parameters
    ----------
    data, kode_instansi, periode : str
        Checked by :func:`kinerja_calib.params.validate` ("" = whole province / latest
        period of the 360 table).
    aturan : str
        Rules name or path.
    batas_atasan : float
        Policy floor of the atasan weight (0–1) in the source-weight optimisation.
    n_boot : int
        Bootstrap resamples for the weight intervals (0 = none).
    seed : int
        Seed of the bootstrap.
    ambang_anonimitas : int
        Anonymity threshold (>= 1): anonymous 360 groups with fewer distinct raters are
        dropped before anything is computed (:func:`kinerja_calib.params.validate`), so the
        calibration, ``skor`` and every per-pegawai output use only kept groups.

    Returns
    -------
    types.SimpleNamespace
        ``aturan`` (Rules), ``wb`` (Workbook, filtered to the instansi), ``ratings`` (the 360
        rows of the period, kept groups only), ``periode``, ``ambang``, ``skor``
        (``kc.score_workbook`` rows of the period), ``batas_atasan``, ``n_boot``, ``seed``, and — when a ``kebenaran/`` folder sits beside
        the data — ``kebenaran_pegawai`` (Series ``skor_sebenarnya`` by nip) and
        ``kebenaran_penilai`` (DataFrame by ``nip_penilai``: ``keparahan``, ``ditanam``), else
        ``None``.

    Raises
    ------
    ParameterError
        All parameter problems at once, in Indonesian, each saying what to fix.
    """
    from .. import scoring
    from ..params import ProblemCollector, validate

    cek = ProblemCollector()
    cek.angka("seed", seed, bulat=True)
    cek.angka("n_boot", n_boot, 0, bulat=True)
    cek.angka("batas_atasan", batas_atasan, 0, 1)
    ctx = validate(
        data, kode_instansi, periode, aturan, pemeriksa=cek, ambang_anonimitas=ambang_anonimitas
    )
    rl, wb = ctx.aturan, ctx.wb
    periode, ratings = ctx.penilaian_periode(periode)
    skor = scoring.score_workbook(wb, rules=rl, ambang_anonimitas=ctx.ambang)
    skor = skor[skor["periode"] == periode].reset_index(drop=True)
    folder = ctx.kebenaran
    keb_peg = keb_pen = None
    if folder is not None and (folder / "pegawai.csv").exists():
        keb_peg = pd.read_csv(folder / "pegawai.csv", dtype={"nip": str}).set_index("nip")
        keb_peg = keb_peg["skor_sebenarnya"].reindex(skor["nip"].unique()).dropna()
    if folder is not None and (folder / "penilai.csv").exists():
        keb_pen = pd.read_csv(folder / "penilai.csv", dtype={"nip_penilai": str})
        keb_pen = keb_pen.set_index("nip_penilai")[["keparahan", "ditanam"]]
    return SimpleNamespace(
        aturan=rl,
        wb=wb,
        ratings=ratings,
        periode=periode,
        ambang=ctx.ambang,
        skor=skor,
        batas_atasan=float(batas_atasan),
        n_boot=int(n_boot),
        seed=int(seed),
        kebenaran_pegawai=keb_peg,
        kebenaran_penilai=keb_pen,
    )


def check_planted(
    effects, kebenaran_penilai: pd.DataFrame, ambang: int = AMBANG_BAWAAN
) -> pd.DataFrame:
    """How well the rater model found the planted raters — aggregated, never one row per rater.

    Parameters
    ----------
    effects : RaterEffects
        ``kc.calibrate.rater_effects(...)`` (``.raters`` indexed by ``nip_penilai``).
    kebenaran_penilai : DataFrame
        The sample's documented truth by ``nip_penilai``: ``keparahan`` and ``ditanam``
        (``lunak`` / ``keras``, empty for ordinary raters).
    ambang : int, default 3
        Kinds with fewer raters are left out (their means would describe one or two
        raters).

    Returns
    -------
    DataFrame
        One row per planted kind: ``ditanam, jumlah_penilai, keparahan_benar_rata_rata,
        keparahan_rata_rata`` (estimated), ``peringkat_median`` (0 = most lenient, 1 = most
        severe among all raters), ``didiagnosis_sesuai`` (raters whose diagnosis names the
        planted direction).
    """
    est = effects.raters[["keparahan", "diagnosis"]].assign(
        peringkat=effects.raters["keparahan"].rank(pct=True)
    )
    benar = kebenaran_penilai[["keparahan", "ditanam"]].rename(
        columns={"keparahan": "keparahan_benar"}
    )
    d = est.join(benar, how="inner")
    d = d.loc[d["ditanam"].notna()].astype({"ditanam": str})
    diag = d["diagnosis"].astype(str)
    sesuai = (diag.str.contains("terlalu lunak") & (d["ditanam"] == "lunak")) | (
        diag.str.contains("terlalu keras") & (d["ditanam"] == "keras")
    )
    d = d.assign(sesuai=sesuai)
    g = d.groupby("ditanam", sort=True)
    out = pd.DataFrame(
        {
            "jumlah_penilai": g.size(),
            "keparahan_benar_rata_rata": g["keparahan_benar"].mean(),
            "keparahan_rata_rata": g["keparahan"].mean(),
            "peringkat_median": g["peringkat"].median(),
            "didiagnosis_sesuai": g["sesuai"].sum().astype("int64"),
        }
    )
    return out.loc[out["jumlah_penilai"] >= ambang].reset_index()
