"""Parameter check and loading for notebook 05 (kalibrasi 360)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

__all__ = ["siapkan"]


def siapkan(
    data: str = "../data/samples",
    kode_instansi: str = "",
    periode: str = "",
    aturan: str = "permenpanrb-6-2022",
    batas_atasan: float = 0.4,
    n_boot: int = 100,
    seed: int = 2026,
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

    Returns
    -------
    types.SimpleNamespace
        ``aturan`` (Rules), ``wb`` (Workbook, filtered to the instansi), ``ratings`` (the 360
        rows of the period), ``periode``, ``skor`` (``kc.score_workbook`` rows of the period),
        ``batas_atasan``, ``n_boot``, ``seed``, and — when a ``kebenaran/`` folder sits beside
        the data — ``kebenaran_pegawai`` (Series ``skor_sebenarnya`` by nip) and
        ``kebenaran_penilai`` (DataFrame by ``nip_penilai``: ``keparahan``, ``ditanam``), else
        ``None``.

    Raises
    ------
    ParameterError
        All parameter problems at once, in Indonesian, each saying what to fix.
    """
    from .. import scoring
    from ..params import Pemeriksa, validate

    periode_diminta = isinstance(periode, str) and bool(periode)
    cek = Pemeriksa()
    cek.angka("seed", seed, bulat=True)
    cek.angka("n_boot", n_boot, 0, bulat=True)
    cek.angka("batas_atasan", batas_atasan, 0, 1)
    ctx = validate(data, kode_instansi, periode, aturan, pemeriksa=cek)
    # an instansi without 360 ratings still runs: every section then says it needs them
    rl, wb, periode = ctx.aturan, ctx.wb, ctx.periode
    per = wb.penilaian_360["periode"].astype("string")
    if not periode_diminta and per.notna().any():
        periode = str(per.dropna().max())  # the latest periode of the 360 ratings
    ratings = wb.penilaian_360[per == periode].reset_index(drop=True)
    skor = scoring.score_workbook(wb, rules=rl)
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
        skor=skor,
        batas_atasan=float(batas_atasan),
        n_boot=int(n_boot),
        seed=int(seed),
        kebenaran_pegawai=keb_peg,
        kebenaran_penilai=keb_pen,
    )
