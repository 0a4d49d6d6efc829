"""Parameter checking and data loading for notebooks 04a and 04b (and the per-instansi reports)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from ..labels import PERAN_PENILAI
from ..privacy import AMBANG_BAWAAN

__all__ = ["load_truth", "prepare"]


def prepare(
    data: str = "../data/samples",
    kode_instansi: str = "",
    periode: str = "",
    peran: str = "rekan",
    target: float = 0.8,
    k_maks: int = 12,
    seed: int = 2026,
    aturan: str | None = None,
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> SimpleNamespace:
    """Validate the parameters of notebooks 04a and 04b and load the 360 ratings it needs.

    Parameters
    ----------
    data, kode_instansi, periode : str
        Checked by :func:`kinerja_calib.params.validate` ("" = whole province / latest
        period of the 360 table; an instansi without 360 ratings gets the latest period of
        its other tables and empty ``ratings``, and every section says it needs them).
    peran : str
        Rater role for the "how many raters?" analysis (``labels.PERAN_PENILAI``).
    target : float
        Reliability goal (0–1) for the mean rating.
    k_maks : int
        Largest number of raters on the decision curve.
    seed : int
        Seed of the resampling checks.
    aturan : str, optional
        Rules name or path shared by all notebooks; only checked here (agreement statistics
        use no regulation numbers), so a typo fails early with the list of valid names.
    ambang_anonimitas : int
        Anonymity threshold (>= 1): anonymous 360 groups with fewer distinct raters are
        dropped before anything is computed (:func:`kinerja_calib.params.validate`).

    Returns
    -------
    types.SimpleNamespace
        ``wb`` (Workbook, filtered to the instansi), ``ratings`` (360 rows of the period,
        kept groups only), ``periode``, ``ambang``, ``peran``, ``target``, ``k_maks``, ``seed``, ``kebenaran`` (folder of the
        documented ground truth beside the data, or ``None``).

    Raises
    ------
    ParameterError
        All parameter problems at once, in Indonesian, each saying what to fix.
    """
    from ..params import ProblemCollector, validate

    cek = ProblemCollector()
    cek.angka("seed", seed, bulat=True)
    cek.pilihan("peran", peran, PERAN_PENILAI)
    cek.angka("target", target, 0, 1, buka=True, contoh="0.8")
    cek.angka("k_maks", k_maks, 2, 50, bulat=True)
    ctx = validate(
        data,
        kode_instansi,
        periode,
        aturan,
        pemeriksa=cek,
        ambang_anonimitas=ambang_anonimitas,
    )
    wb = ctx.wb
    periode, ratings = ctx.penilaian_periode(periode)
    return SimpleNamespace(
        wb=wb,
        ratings=ratings,
        periode=periode,
        ambang=ctx.ambang,
        peran=peran,
        target=float(target),
        k_maks=int(k_maks),
        seed=int(seed),
        kebenaran=ctx.kebenaran,
    )


def load_truth(p: SimpleNamespace, nama: str) -> pd.DataFrame | None:
    """Read ``kebenaran/<nama>.csv`` beside the data (the sample's documented truth)."""
    if p.kebenaran is None or not (p.kebenaran / f"{nama}.csv").exists():
        return None
    return pd.read_csv(p.kebenaran / f"{nama}.csv")
