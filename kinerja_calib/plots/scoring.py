"""Figures of scoring: the predikat matrix, kurva distribusi per instansi, regimes compared.

Every function returns a :class:`matplotlib.figure.Figure`, labelled in Bahasa Indonesia.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from .. import labels
from .. import rules as _rules
from .._angka import bilangan, persen
from .._escape import escape_mathtext
from ..errors import ParameterError
from ._style import WARNA_PREDIKAT, Gambar, gaya

__all__ = ["kurva_distribusi", "matriks_predikat", "perbandingan_rezim"]

_SINGKAT = {
    "Sangat Kurang": "SK",
    "Kurang/Misconduct": "K/M",
    "Butuh Perbaikan": "BP",
    "Baik": "B",
    "Sangat Baik": "SB",
}


def _text_colour(hex_colour: str) -> str:
    r, g, b = to_rgb(hex_colour)
    return "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else "black"


def matriks_predikat(
    skor: pd.DataFrame | None = None, rules: Any = None, judul: str | None = None
) -> Figure:
    """Heat-map of the 6/2022 kuadran kinerja: hasil kerja (y) × perilaku (x) → predikat.

    Parameters
    ----------
    skor : DataFrame, optional
        Output of :func:`kinerja_calib.score_workbook` (``rating_hasil_kerja``,
        ``rating_perilaku``); each cell then shows how many pegawai fall in it (and %).
    rules : Rules or str, optional
        6/2022 rules (default).
    judul : str, optional
    """
    r = _rules.resolve(rules)
    m = r["matriks"]["predikat"]
    counts = None
    if skor is not None:
        ct = pd.crosstab(
            pd.Categorical(skor["rating_hasil_kerja"], categories=list(labels.RATING)),
            pd.Categorical(skor["rating_perilaku"], categories=list(labels.RATING)),
            dropna=False,
        )
        counts = ct.reindex(index=list(labels.RATING), columns=list(labels.RATING), fill_value=0)
        total = counts.to_numpy().sum()
    with gaya():
        fig = Gambar(figsize=(8.0, 5.6), layout="constrained")
        ax = fig.add_subplot()
        ax.grid(False)
        for i, row in enumerate(m):  # i = hasil kerja, low → high (bottom → top)
            for j, lab in enumerate(row):
                colour = WARNA_PREDIKAT[lab]
                ax.add_patch(_rect(j, i, colour))
                text = lab
                if counts is not None:
                    n = int(counts.iloc[i, j])
                    pct = 100 * n / total if total else 0
                    text += f"\nn = {bilangan(n)} ({persen(pct, 1, dari_seratus=True)})"
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    text,
                    ha="center",
                    va="center",
                    fontsize=8.5,
                    color=_text_colour(colour),
                    fontweight="bold",
                )
        ax.set_xlim(0, 3)
        ax.set_ylim(0, 3)
        ax.set_xticks([0.5, 1.5, 2.5], labels.RATING)
        ax.set_yticks([0.5, 1.5, 2.5], labels.RATING)
        xlabel = "Rating perilaku kerja"
        if not r.info("matriks.predikat")["terkonfirmasi"]:
            xlabel += "\n⚠ Isi matriks belum terkonfirmasi terhadap gambar Lampiran."
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Rating hasil kerja")
        ax.set_aspect("equal")
        ax.set_title(judul or "Kuadran kinerja pegawai (PermenPANRB 6/2022)")
    return fig


def _rect(x, y, colour):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, facecolor=colour, edgecolor="white", linewidth=2)


def kurva_distribusi(
    skor: pd.DataFrame,
    kode_instansi: str | list[str] | None = None,
    rules: Any = None,
    kolom: int = 3,
    maks_panel: int = 18,
) -> Figure:
    """Observed predikat shares per instansi against the allowed kurva bands.

    Parameters
    ----------
    skor : DataFrame
        Output of :func:`kinerja_calib.score_workbook` for one period (columns
        ``kode_instansi``, ``predikat``, ``predikat_organisasi``).
    kode_instansi : str or list, optional
        Instansi to draw (default: all, at most ``maks_panel``).
    rules : Rules or str, optional
        6/2022 rules (default).
    kolom : int
        Panels per row.

    Notes
    -----
    Bars = share of pegawai per predikat; a red ▼ line marks a maximum share, a green ▲
    line a minimum share (spanning every predikat the constraint counts together). A
    constraint that is violated is labelled with the number of pegawai that would have to
    move.
    """
    from ..scoring import check_kurva

    if "periode" in skor.columns and skor["periode"].nunique() > 1:
        raise ParameterError(
            "Tabel skor memuat lebih dari satu periode; pilih satu periode dulu, "
            "mis. skor[skor['periode'] == '2026-S2']."
        )
    r = _rules.resolve(rules)
    codes = sorted(skor["kode_instansi"].dropna().unique())
    if kode_instansi is not None:
        wanted = [kode_instansi] if isinstance(kode_instansi, str) else list(kode_instansi)
        unknown = [k for k in wanted if k not in codes]
        if unknown:
            raise ParameterError(f"Instansi {unknown} tidak ada di tabel skor.")
        codes = wanted
    codes = codes[:maks_panel]
    data = skor[skor["kode_instansi"].isin(codes)]
    cons = check_kurva(data, "predikat_organisasi", rules=r, by="kode_instansi", semua=True)
    n = len(codes)
    ncol = min(kolom, n)
    nrow = math.ceil(n / ncol)
    x = np.arange(len(labels.PREDIKAT))
    with gaya():
        fig = Gambar(figsize=(3.6 * ncol, 2.9 * nrow + 0.6), layout="constrained")
        axes = fig.subplots(nrow, ncol, squeeze=False, sharey=True)
        for k, ax in enumerate(axes.ravel()):
            if k >= n:
                ax.set_visible(False)
                continue
            kode = codes[k]
            sub = data[data["kode_instansi"] == kode]
            share = (
                pd.Categorical(sub["predikat"].dropna(), categories=list(labels.PREDIKAT))
                .value_counts()
                .to_numpy()
            )
            tot = share.sum()
            share = share / tot if tot else share.astype(float)
            ax.bar(
                x,
                share,
                color=[WARNA_PREDIKAT[p] for p in labels.PREDIKAT],
                edgecolor="#444444",
                linewidth=0.5,
            )
            org = sub["predikat_organisasi"].iloc[0] if len(sub) else "?"
            for c in cons[cons["kode_instansi"] == kode].itertuples():
                idx = [labels.PREDIKAT.index(p) for p in c.predikat]
                lo, hi = min(idx) - 0.45, max(idx) + 0.45
                level = c.batas / c.n_pegawai if c.n_pegawai else np.nan
                if np.isnan(level):
                    continue
                colour = "#b2182b" if c.jenis == "maks" else "#1a9850"
                ax.hlines(
                    level,
                    lo,
                    hi,
                    colors=colour,
                    linewidth=2,
                    linestyles="-" if c.terpenuhi else "--",
                )
                mark = "▼" if c.jenis == "maks" else "▲"
                txt = mark if c.terpenuhi else f"{mark} pindah {c.harus_pindah}"
                ax.text(
                    hi,
                    level + 0.01,
                    txt,
                    color=colour,
                    fontsize=7,
                    va="bottom",
                    ha="right",
                    bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 0.5},
                )
            ax.set_xticks(x, [_SINGKAT[p] for p in labels.PREDIKAT])
            ax.set_ylim(0, 1.05)
            ax.set_title(f"{escape_mathtext(kode)}\n(organisasi: {org}, n = {tot})", fontsize=9)
            if k % ncol == 0:
                ax.set_ylabel("Proporsi pegawai")
        fig.suptitle("Kurva distribusi predikat pegawai vs batas SE MenPANRB 3/2023")
        fig.supxlabel(
            "SK = Sangat Kurang, K/M = Kurang/Misconduct, BP = Butuh Perbaikan, B = Baik, "
            "SB = Sangat Baik. ▼ batas maksimum, ▲ batas minimum; garis putus = dilanggar.\n"
            "Persentase SE MenPANRB 3/2023 belum terkonfirmasi terhadap teks resmi.",
            fontsize=7,
            color="#555555",
        )
    return fig


def perbandingan_rezim(banding: pd.DataFrame, judul: str | None = None) -> Figure:
    """Stacked shares of each regime's categories (output of
    :func:`kinerja_calib.compare_regimes`)."""
    cols = [
        ("predikat_6_2022", "PermenPANRB 6/2022"),
        ("predikat_pp30", "PP 30/2019"),
        ("sebutan_pp46", "PP 46/2011"),
    ]
    missing = [c for c, _ in cols if c not in banding.columns]
    if missing:
        raise ParameterError(f"Kolom {missing} tidak ada; pakai keluaran kc.compare_regimes().")
    ramp = ["#b2182b", "#ef8a62", "#fddbc7", "#67a9cf", "#2166ac"]
    with gaya():
        fig = Gambar(figsize=(8.5, 3.8), layout="constrained")
        ax = fig.add_subplot()
        for i, (c, _name) in enumerate(cols):
            s = banding[c]
            cats = list(s.cat.categories) if hasattr(s, "cat") else sorted(s.dropna().unique())
            share = s.value_counts(normalize=True).reindex(cats, fill_value=0.0)
            left = 0.0
            for j, (lab, v) in enumerate(share.items()):
                colour = ramp[min(j, len(ramp) - 1)] if len(cats) == 5 else None
                ax.barh(i, v, left=left, color=colour, edgecolor="white")
                if v >= 0.06:
                    ax.text(
                        left + v / 2,
                        i,
                        f"{lab}\n{persen(v, 0)}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color=_text_colour(colour or "#888888"),
                    )
                left += v
        ax.set_yticks(range(len(cols)), [n for _, n in cols])
        ax.set_xlim(0, 1)
        ax.set_xlabel("Proporsi pegawai (kategori dari terendah ke tertinggi)")
        ax.grid(False)
        ax.set_title(judul or "Pegawai yang sama di bawah tiga rezim penilaian")
    return fig
