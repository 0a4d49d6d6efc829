"""Figures for SKM/IKM, competency gaps (JPM) and the 9-box talent map.

Labels in Bahasa Indonesia. Every function returns a :class:`matplotlib.figure.Figure`
built without pyplot (nothing shown twice by the inline backend), or a
:class:`~kinerja_calib._display.DataKurang` sentence when there is nothing to draw. Import this module
explicitly: ``from kinerja_calib.plots import talent`` (the old name ``plots.talenta`` is an
alias module kept for one release, issue 14).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from .. import competency as _competency
from .. import talent as _talent
from .._angka import bilangan, desimal, persen, ringkas
from .._display import DataKurang
from .._escape import escape_mathtext
from .._rules_access import ambil, load
from ..labels import POTENSI, RATING
from ._style import Gambar, gaya

__all__ = ["distribusi_jpm", "heatmap_kesenjangan", "ikm_per_unit", "peta_sembilan_kotak"]

#: Background colour per mutu pelayanan, D (red) -> A (blue), matching the predikat palette.
WARNA_MUTU = {"D": "#f4a582", "C": "#fddbc7", "B": "#d1e5f0", "A": "#92c5de"}


_KURANG_SKM = DataKurang(
    "Bagian ini memerlukan hasil survei kepuasan masyarakat (SKM); instansi ini tidak "
    "memilikinya untuk periode ini."
)
_KURANG_KOMPETENSI = DataKurang(
    "Bagian ini memerlukan data kompetensi pegawai; instansi ini tidak memilikinya."
)


def _fig(width: float = 7.5, height: float = 4.2) -> tuple[Figure, Any]:
    fig = Gambar(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def ikm_per_unit(
    hasil: pd.DataFrame,
    label: str | list[str] = "unit_layanan",
    rules: Any = None,
    judul: str = "Indeks Kepuasan Masyarakat per unit layanan",
) -> Figure | DataKurang:
    """Horizontal bars of IKM per service unit over the mutu bands A-D.

    Parameters
    ----------
    hasil : pandas.DataFrame
        Output of :func:`kinerja_calib.survey.ikm` with ``by=[...]`` (columns ``ikm``,
        ``mutu``, ``n_responden`` and the label column(s)).
    label : str or list of str
        Column(s) naming each bar (joined with " · ").
    rules : str, path or mapping, optional
        SKM rules (for the band limits; default ``"skm-14-2017"``).
    judul : str
        Figure title.
    """
    if not hasil["ikm"].notna().any():
        return _KURANG_SKM
    r = load(rules, "skm-14-2017")
    cols = [label] if isinstance(label, str) else list(label)
    t = hasil.sort_values("ikm", kind="stable", na_position="first")
    names = t[cols].astype(str).agg(" · ".join, axis=1).map(escape_mathtext)
    bawah = list(ambil(r, "interval", "batas_bawah_nik"))
    mutu = list(ambil(r, "interval", "mutu"))
    kinerja = list(ambil(r, "interval", "kinerja"))
    with gaya():
        longest = int(names.str.len().max()) if len(t) else 10
        fig, ax = _fig(width=min(13.0, 6.5 + 0.07 * longest), height=max(2.8, 0.3 * len(t) + 1.5))
        lo = max(0.0, min(bawah[1] - 10, np.nanmin(t["ikm"]) - 5 if len(t) else 50))
        edges = [*bawah[1:], 100.0]
        starts = [lo, *bawah[1:]]
        for m, k, a, b in zip(mutu, kinerja, starts, edges, strict=True):
            if b > lo:
                ax.axvspan(max(a, lo), b, color=WARNA_MUTU.get(m, "#eee"), alpha=0.6, lw=0)
                ax.text((max(a, lo) + b) / 2, 1.0, f"{m}\n{k}", transform=ax.get_xaxis_transform(),
                        ha="center", va="bottom", fontsize=8, color="#333")  # fmt: skip
        y = np.arange(len(t))
        ax.barh(y, t["ikm"], color="#2166ac", height=0.6)
        for yi, (v, m, n) in enumerate(zip(t["ikm"], t["mutu"], t["n_responden"], strict=True)):
            if np.isfinite(v):
                ax.text(
                    v + 0.3, yi, f"{desimal(v, 2)} ({m}, n={bilangan(n)})", va="center", fontsize=8
                )
        ax.set_yticks(y, names)
        ax.set_xlim(lo, 100)
        ax.set_xlabel("IKM (skala 25-100)")
        ax.set_title(judul, pad=28)
        ax.grid(axis="y", visible=False)
    return fig


def heatmap_kesenjangan(
    matriks: pd.DataFrame,
    judul: str = "Kesenjangan kompetensi (level aktual − level standar)",
    anotasi: bool = True,
) -> Figure | DataKurang:
    """Heat-map of mean competency gaps (rows = groups, columns = competencies).

    Parameters
    ----------
    matriks : pandas.DataFrame
        Output of :func:`kinerja_calib.competency.matriks_kesenjangan`.
    judul : str
        Figure title.
    anotasi : bool
        Write the value in each cell.
    """
    m = matriks.astype(float)
    if not np.isfinite(m.to_numpy()).any():
        return _KURANG_KOMPETENSI
    with gaya():
        fig, ax = _fig(
            width=max(6.0, 0.85 * m.shape[1] + 3), height=max(2.8, 0.38 * m.shape[0] + 2.2)
        )
        finite = m.to_numpy()[np.isfinite(m.to_numpy())]
        span = max(0.5, float(np.abs(finite).max())) if finite.size else 1.0
        im = ax.imshow(m.to_numpy(), cmap="RdBu", norm=TwoSlopeNorm(0.0, -span, span),
                       aspect="auto")  # fmt: skip
        ax.set_xticks(np.arange(m.shape[1]), [escape_mathtext(c) for c in m.columns], rotation=35,
                      ha="right")  # fmt: skip
        ax.set_yticks(np.arange(m.shape[0]), [escape_mathtext(i) for i in m.index])
        ax.grid(False)
        if anotasi and m.size <= 400:
            for (i, j), v in np.ndenumerate(m.to_numpy()):
                if np.isfinite(v):
                    ax.text(j, i, desimal(v, 1, tanda=True), ha="center", va="center", fontsize=7,
                            color="white" if abs(v) > 0.6 * span else "#222")  # fmt: skip
        cb = fig.colorbar(im, ax=ax, shrink=0.8)
        cb.set_label("negatif = di bawah standar")
        ax.set_title(judul)
    return fig


def distribusi_jpm(tabel_jpm: pd.DataFrame, rules: Any = None) -> Figure | DataKurang:
    """Histogram of JPM per pegawai with the category thresholds (default 78 % and 90 %).

    Parameters
    ----------
    tabel_jpm : pandas.DataFrame
        Output of :func:`kinerja_calib.competency.jpm_table` (column ``jpm``).
    rules : str, path or mapping, optional
        Competency rules (default ``"kompetensi-38-2017"``).
    """
    r = load(rules, "kompetensi-38-2017")
    names = list(ambil(r, "jpm", "kategori", "nama"))
    bawah = list(ambil(r, "jpm", "kategori", "batas_bawah"))
    x = tabel_jpm["jpm"].dropna().to_numpy()
    if not x.size:
        return _KURANG_KOMPETENSI
    with gaya():
        fig, ax = _fig()
        ax.hist(x, bins=30, color="#67a9cf", edgecolor="white")
        for b in bawah[1:]:
            ax.axvline(b, color="#b2182b", ls="--", lw=1)
        counts = _competency.kategori_jpm(tabel_jpm["jpm"], rules=r).value_counts()
        teks = "; ".join(f"{n}: {int(counts.get(n, 0))}" for n in names)
        ax.set_title("Sebaran Job Person Match (JPM)")
        ax.set_xlabel(f"JPM (%) — batas kategori {'; '.join(ringkas(b, 2) for b in bawah[1:])} %")
        ax.set_ylabel("Jumlah pegawai")
        ax.text(0.99, 0.98, teks, transform=ax.transAxes, va="top", ha="right", fontsize=8,
                bbox={"facecolor": "white", "alpha": 0.85, "lw": 0})  # fmt: skip
    return fig


def peta_sembilan_kotak(
    peta: pd.DataFrame,
    rules: Any = None,
    judul: str = "Peta talenta (9 kotak)",
) -> Figure | DataKurang:
    """The 9-box grid (kinerja on x, potensi on y) with the count of pegawai per box.

    Parameters
    ----------
    peta : pandas.DataFrame
        Output of :func:`kinerja_calib.talent.peta_talenta` (column ``kotak``).
    rules : str, path or mapping, optional
        Talent rules (default ``"talenta-3-2020"``).
    judul : str
        Figure title.
    """
    r = load(rules, "talenta-3-2020")
    grid = _talent.matriks_kotak(r).iloc[::-1]  # rows potensi low -> high (y up)
    ring = _talent.ringkasan_kotak(peta, rules=r).set_index("kotak")
    suksesi = {int(x) for x in ambil(r, "kelompok_suksesi")}
    if not ring["jumlah"].sum():
        return DataKurang(
            "Bagian ini memerlukan pegawai yang memiliki predikat dan data potensi; instansi ini "
            "belum memilikinya."
        )
    with gaya():
        fig, ax = _fig(width=6.8, height=5.4)
        vmax = max(1, int(ring["jumlah"].max()))
        for i, _pot in enumerate(POTENSI):
            for j, _kin in enumerate(RATING):
                k = int(grid.iloc[i, j])
                n = int(ring.loc[k, "jumlah"])
                pct = float(ring.loc[k, "persen"])
                shade = 0.15 + 0.75 * n / vmax
                color = (0.13, 0.4, 0.67, shade) if k in suksesi else (0.55, 0.55, 0.55, shade)
                ax.add_patch(_rect(j, i, color, edge="#b2182b" if k in suksesi else "white"))
                ax.text(j + 0.06, i + 0.9, f"Kotak {k}", fontsize=9, va="top", weight="bold")
                ax.text(j + 0.5, i + 0.45, bilangan(n), fontsize=16, ha="center", va="center")
                ax.text(
                    j + 0.5,
                    i + 0.2,
                    persen(pct, 1, dari_seratus=True),
                    fontsize=8,
                    ha="center",
                    va="center",
                )
        ax.set_xlim(0, 3)
        ax.set_ylim(0, 3)
        ax.set_xticks(np.arange(3) + 0.5, list(RATING))
        ax.set_yticks(np.arange(3) + 0.5, [p.capitalize() for p in POTENSI])
        ax.set_xlabel("Kinerja")
        ax.set_ylabel("Potensi")
        ax.grid(False)
        ax.set_aspect("equal")
        ax.set_title(f"{judul} — garis merah: kelompok suksesi (kotak 7-9)", fontsize=10)
    return fig


def _rect(x: float, y: float, color: Any, edge: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x + 0.02, y + 0.02), 0.96, 0.96, facecolor=color, edgecolor=edge, lw=2)
