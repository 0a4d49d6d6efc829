"""Parameter check and loading for notebook 05 (kalibrasi 360)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..errors import ParameterError

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
    data : str
        Workbook folder or .xlsx (the sample province by default).
    kode_instansi : str
        "" = whole province; otherwise one instansi of ``data``.
    periode : str
        "" = the latest period of the 360 table.
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
    from .. import rules as _rules
    from .. import scoring
    from ..data import load_workbook

    problems = []
    if not isinstance(seed, int | np.integer) or isinstance(seed, bool):
        problems.append(f"seed harus bilangan bulat, bukan {seed!r}.")
    if not isinstance(n_boot, int | np.integer) or isinstance(n_boot, bool) or n_boot < 0:
        problems.append(f"n_boot harus bilangan bulat ≥ 0, bukan {n_boot!r}.")
    if not isinstance(batas_atasan, int | float) or not 0 <= batas_atasan <= 1:
        problems.append(f"batas_atasan harus angka 0–1, bukan {batas_atasan!r}.")
    if problems:
        raise ParameterError("Parameter notebook tidak valid:\n  - " + "\n  - ".join(problems))
    rl = _rules.load(aturan)
    wb = load_workbook(data)
    if kode_instansi:
        wb = wb.untuk_instansi(kode_instansi)
    if wb.penilaian_360 is None or len(wb.penilaian_360) == 0:
        raise ParameterError(
            "Data tidak memuat penilaian 360 (tabel penilaian_360); kalibrasi penilai "
            "membutuhkannya."
        )
    per = wb.penilaian_360["periode"].astype("string")
    available = sorted(per.dropna().unique())
    if periode:
        if periode not in available:
            raise ParameterError(
                f"Periode {periode!r} tidak ada pada penilaian 360. Pilih salah satu dari: "
                f'{", ".join(available)}, atau kosongkan ("").'
            )
    else:
        periode = available[-1]
    ratings = wb.penilaian_360[per == periode].reset_index(drop=True)
    skor = scoring.score_workbook(wb, rules=rl)
    skor = skor[skor["periode"] == periode].reset_index(drop=True)
    folder = Path(data) / "kebenaran" if Path(data).is_dir() else None
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
