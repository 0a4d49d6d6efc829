"""Figures for the rater-bias simulator (notebook 03 and its widget panel).

Labels in Bahasa Indonesia. Every function returns a :class:`matplotlib.figure.Figure`
built without pyplot, so the inline backend never shows a figure twice. Import it
explicitly: ``from kinerja_calib.plots import simulate as gambar``.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import simulate as _sim
from .._angka import bilangan, desimal, persen
from ..errors import ParameterError
from ..labels import NAMA_PERAN, PERAN_PENILAI, PREDIKAT
from ._style import WARNA_PERAN, WARNA_PREDIKAT, Gambar, gaya

__all__ = [
    "batang_monte_carlo",
    "distribusi_nilai",
    "distribution_and_confusion",
    "matriks_konfusi",
    "panel_bias",
    "skor_vs_sebenarnya",
]

_PALET = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666")
_SINGKAT = {
    "Sangat Kurang": "Sangat\nKurang",
    "Kurang/Misconduct": "Kurang/\nMisconduct",
    "Butuh Perbaikan": "Butuh\nPerbaikan",
    "Baik": "Baik",
    "Sangat Baik": "Sangat\nBaik",
}


def _fig(
    width: float = 7.5, height: float = 4.2, ncols: int = 1, layout: str | None = "constrained"
) -> tuple[Figure, Any]:
    fig = Gambar(figsize=(width, height), layout=layout)
    axes = fig.subplots(1, ncols) if ncols > 1 else fig.add_subplot()
    return fig, axes


def _group_column(sim: _sim.Simulation, menurut: str) -> tuple[pd.Series, list[str], dict]:
    r = sim.ratings
    if menurut == "peran_penilai":
        g = r["peran_penilai"].astype("string")
        order = [p for p in PERAN_PENILAI if (g == p).any()]
        return g, order, {p: NAMA_PERAN[p] for p in order}
    if menurut == "wilayah":
        g = sim.raters["wilayah"].reindex(r["nip_penilai"].astype("string")).astype("string")
        g.index = r.index
        order = sorted(g.dropna().unique())
        return g, order, {w: w for w in order}
    if menurut == "aspek":
        from ..labels import ASPEK_BERAKHLAK

        g = r["aspek"].astype("string")
        order = [a for a in ASPEK_BERAKHLAK if (g == a).any()]
        return g, order, dict(ASPEK_BERAKHLAK)
    raise ParameterError("menurut harus 'peran_penilai', 'wilayah' atau 'aspek'.")


def _draw_distribution(ax: Axes, sim: _sim.Simulation, menurut: str) -> None:
    g, order, names = _group_column(sim, menurut)
    k = sim.scenario.n_kategori
    cats = np.arange(1, k + 1)
    nilai = sim.ratings["nilai"].to_numpy()
    codes = pd.Categorical(g, categories=order).codes
    ok = codes >= 0
    counts = np.bincount(
        codes[ok] * k + (nilai[ok].astype(int) - 1), minlength=len(order) * k
    ).reshape(len(order), k)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    width = 0.8 / max(len(order), 1)
    for i, grp in enumerate(order):
        colour = WARNA_PERAN.get(grp, _PALET[i % len(_PALET)])
        mean = (share[i] * cats).sum()
        ax.bar(
            cats - 0.4 + width * (i + 0.5),
            share[i] * 100,
            width=width,
            color=colour,
            label=f"{names[grp]} (rerata {desimal(mean, 2)})",
        )
    ax.set_ylim(0, max(share.max() * 100 * 1.4, 10))
    ax.set_xticks(cats)
    ax.set_xlabel("Nilai (1 = sangat di bawah ekspektasi, 5 = sangat di atas)")
    ax.set_ylabel("Porsi penilaian (%)")
    ax.legend(fontsize=8, loc="upper left")


def distribusi_nilai(
    sim: _sim.Simulation, menurut: str = "peran_penilai", judul: str | None = None
) -> Figure:
    """Share of each rating category (1–5) per rater role, wilayah or aspect.

    Parameters
    ----------
    sim : Simulation
    menurut : {"peran_penilai", "wilayah", "aspek"}
        Grouping of the bars (wilayah = the rater's region).
    judul : str, optional
        Title (a sensible Indonesian default).
    """
    default = {
        "peran_penilai": "Sebaran nilai 360 menurut peran penilai",
        "wilayah": "Sebaran nilai 360 menurut wilayah penilai",
        "aspek": "Sebaran nilai 360 menurut aspek BerAKHLAK",
    }
    with gaya():
        fig, ax = _fig()
        _draw_distribution(ax, sim, menurut)
        ax.set_title(judul or default.get(menurut, "Sebaran nilai 360"))
    return fig


def _draw_confusion(ax: Axes, conf: pd.DataFrame, normalisasi: bool) -> None:
    counts = conf.reindex(index=list(PREDIKAT), columns=list(PREDIKAT)).fillna(0).to_numpy(float)
    total = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, total, out=np.zeros_like(counts), where=total > 0)
    shown = share if normalisasi else counts
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(len(PREDIKAT)):
        for j in range(len(PREDIKAT)):
            if counts[i, j] == 0:
                continue
            text = persen(shown[i, j], 0) if normalisasi else bilangan(counts[i, j])
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if share[i, j] > 0.6 else "#222",
                fontweight="bold" if i == j else "normal",
            )
    labels = [_SINGKAT[p] for p in PREDIKAT]
    ax.set_xticks(range(len(PREDIKAT)), labels, fontsize=8)
    ax.set_yticks(range(len(PREDIKAT)), labels, fontsize=8)
    ax.set_xlabel("Predikat hasil penilaian (teramati)")
    ax.set_ylabel("Predikat sebenarnya")
    ax.grid(False)
    n = counts.sum()
    wrong = 1 - np.trace(counts) / n if n else np.nan
    ax.set_title(f"Predikat keliru: {persen(wrong, 1)} dari {bilangan(n)} pegawai")


def matriks_konfusi(
    data: _sim.Simulation | pd.DataFrame,
    normalisasi: bool = True,
    rules: Any = None,
    periode: str | None = None,
    judul: str | None = None,
) -> Figure:
    """Heat-map of true × observed predikat.

    Parameters
    ----------
    data : Simulation or DataFrame
        A simulation, the output of :func:`kinerja_calib.simulate.bandingkan_predikat`,
        or a confusion table of :func:`kinerja_calib.simulate.confusion_predikat`.
    normalisasi : bool
        Annotate row shares (default) instead of counts; colours are always row shares.
    rules, periode
        Passed on when ``data`` is a simulation.
    """
    if isinstance(data, pd.DataFrame) and data.index.name == "predikat_sebenarnya":
        conf = data
    else:
        conf = _sim.confusion_predikat(data, rules=rules, periode=periode)
    with gaya():
        fig, ax = _fig(6.0, 5.0)
        _draw_confusion(ax, conf, normalisasi)
        if judul:
            fig.suptitle(judul, fontweight="bold")
    return fig


def skor_vs_sebenarnya(tabel: pd.DataFrame, rules: Any = None, judul: str | None = None) -> Figure:
    """Observed perilaku score against the true score, coloured by observed predikat.

    Parameters
    ----------
    tabel : DataFrame
        Output of :func:`kinerja_calib.simulate.bandingkan_predikat`.
    rules : optional
        Rules for the rating thresholds drawn as lines.
    """
    from .. import rules as _rules

    rl = _rules.resolve(rules)
    lo = float(rl["ambang"]["perilaku"]["batas_bawah"])
    hi = float(rl["ambang"]["perilaku"]["batas_atas"])
    with gaya():
        fig, ax = _fig(6.5, 5.0)
        for p in PREDIKAT:
            m = tabel["predikat"] == p
            if m.any():
                ax.scatter(
                    tabel.loc[m, "skor_perilaku_sebenarnya"],
                    tabel.loc[m, "skor_perilaku"],
                    s=9,
                    alpha=0.7,
                    color=WARNA_PREDIKAT[p],
                    edgecolor="#555" if p in ("Butuh Perbaikan",) else "none",
                    linewidth=0.3,
                    label=p,
                )
        for v in (lo, hi):
            ax.axhline(v, color="#444", lw=0.8, ls="--")
            ax.axvline(v, color="#444", lw=0.8, ls=":")
        lim = [1, 5]
        ax.plot(lim, lim, color="#999", lw=0.8)
        ax.set_xlim(lim)
        ax.set_ylim(lim)
        ax.set_xlabel("Skor perilaku sebenarnya (panel tanpa bias)")
        ax.set_ylabel("Skor perilaku teramati (rata-rata 360)")
        ax.set_title(judul or "Skor teramati vs sebenarnya")
        ax.legend(title="Predikat teramati", fontsize=8, title_fontsize=8, loc="upper left")
    return fig


def batang_monte_carlo(
    hasil: pd.DataFrame, metrik: str | list[str] = "predikat_salah", judul: str | None = None
) -> Figure:
    """Bars with percentile intervals of a Monte-Carlo study, one bar per bias.

    Parameters
    ----------
    hasil : DataFrame
        Output of :func:`kinerja_calib.simulate.monte_carlo`.
    metrik : str or list of str
        Metric(s) of :data:`kinerja_calib.simulate.METRIK` (one panel each).
    """
    metrics = [metrik] if isinstance(metrik, str) else list(metrik)
    with gaya():
        fig, axes = _fig(7.5 * min(len(metrics), 2) / (1.3 if len(metrics) > 1 else 1), 4.2,
                         ncols=len(metrics))  # fmt: skip
        axes = np.atleast_1d(axes)
        for ax, m in zip(axes, metrics, strict=True):
            t = hasil[hasil["metrik"] == m]
            order = [b for b in _sim.BIAS if b in set(t["bias"])]
            t = t.set_index("bias").loc[order]
            y = np.arange(len(t))
            colours = [
                "#999999" if b == "tanpa_bias" else "#b2182b" if b == "semua" else "#2166ac"
                for b in order
            ]
            err = np.vstack(
                [
                    (t["rerata"] - t["bawah"]).clip(lower=0),
                    (t["atas"] - t["rerata"]).clip(lower=0),
                ]
            )
            ax.barh(y, t["rerata"] * 100, xerr=err * 100, color=colours, height=0.6,
                    error_kw={"ecolor": "#333", "capsize": 3, "lw": 1})  # fmt: skip
            for yi, v in enumerate(t["rerata"]):
                ax.text(v * 100, yi + 0.32, f" {persen(v, 1)}", va="center", fontsize=8)
            ax.set_yticks(y, t["nama_bias"] if ax is axes[0] else [""] * len(t))
            ax.invert_yaxis()
            ax.set_xlabel("%")
            ax.grid(axis="y", visible=False)
            ax.set_title(textwrap.fill(_sim.METRIK.get(m, m), 38), fontsize=10)
        n = int(hasil["n_rep"].iloc[0]) if len(hasil) else 0
        fig.suptitle(
            judul or f"Dampak tiap bias penilai ({n} ulangan, interval persentil 95 %)",
            fontweight="bold",
        )
    return fig


def distribution_and_confusion(sim: _sim.Simulation, tabel: pd.DataFrame | None = None) -> Figure:
    """Two panels for :func:`kinerja_calib.widgets.simulate.panel_bias`: rating distribution by
    role, and predikat confusion."""
    tabel = _sim.bandingkan_predikat(sim) if tabel is None else tabel
    with gaya():
        # fixed margins instead of a layout engine: the widget redraws in well under 1 s
        fig, (a1, a2) = _fig(12.0, 4.6, ncols=2, layout=None)
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.17, top=0.92, wspace=0.25)
        _draw_distribution(a1, sim, "peran_penilai")
        a1.set_title("Sebaran nilai menurut peran")
        _draw_confusion(a2, _sim.confusion_predikat(tabel), True)
    return fig


# alias kept for one release (issue 14): the figure had the name of the widget that shows it
panel_bias = distribution_and_confusion
