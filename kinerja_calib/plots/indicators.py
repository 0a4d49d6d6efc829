"""Figures of indicators: weight sensitivity, SMART findings, capaian distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import labels
from .._angka import ringkas
from .._display import DataKurang
from .._escape import escape_mathtext
from ..errors import ParameterError
from ._style import WARNA_PREDIKAT, Gambar, gaya

__all__ = [
    "distribusi_capaian",
    "ringkasan_smart",
    "sensitivitas_bobot",
    "weight_sensitivity",
]

_KRITERIA = {
    "S": "Spesifik",
    "M": "Terukur",
    "A": "Dapat dicapai",
    "R": "Relevan",
    "T": "Berbatas waktu",
}


def weight_sensitivity(hasil: pd.DataFrame, judul: str | None = None) -> Figure | DataKurang:
    """Stacked areas of predikat shares as one indicator's weight moves.

    A :class:`~kinerja_calib._display.DataKurang` note when no pegawai has a predikat.

    Parameters
    ----------
    hasil : DataFrame
        Output of :func:`kinerja_calib.indicators.sensitivitas_bobot`.
    """
    if not {"bobot", "predikat", "proporsi"} <= set(hasil.columns):
        raise ParameterError("Pakai keluaran kc.indicators.sensitivitas_bobot().")
    if "jumlah" in hasil.columns and not hasil["jumlah"].sum():
        return DataKurang(
            "Bagian ini memerlukan pegawai berpredikat pada jabatan ini; belum ada (predikat "
            "memerlukan realisasi dan penilaian 360 selain diri sendiri)."
        )
    wide = (
        hasil.pivot_table(index="bobot", columns="predikat", values="proporsi", observed=False)
        .reindex(columns=list(labels.PREDIKAT))
        .fillna(0.0)
    )
    x = wide.index.to_numpy(float)
    with gaya():
        fig = Gambar(figsize=(7.8, 4.2), layout="constrained")
        ax = fig.add_subplot()
        ax.stackplot(
            x,
            wide.to_numpy().T,
            labels=list(labels.PREDIKAT),
            colors=[WARNA_PREDIKAT[p] for p in labels.PREDIKAT],
            alpha=0.9,
        )
        asli = hasil.attrs.get("bobot_asli")
        if asli is not None:
            ax.axvline(asli, color="black", linestyle="--", linewidth=1)
            ax.text(
                asli,
                0.5,
                f" bobot sekarang {ringkas(asli, 2)} % ",
                rotation=90,
                ha="right",
                va="center",
                fontsize=8,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
            )
        ax.set_xlim(x.min(), x.max())
        ax.set_ylim(0, 1)
        ax.set_xlabel("Bobot indikator yang diuji (%); indikator lain disesuaikan ke total 100 %")
        ax.set_ylabel("Proporsi pegawai")
        name = escape_mathtext(hasil.attrs.get("nama_indikator", ""))
        jab = escape_mathtext(hasil.attrs.get("jabatan", ""))
        ax.set_title(judul or f"Sensitivitas predikat terhadap bobot\n{name} ({jab})", fontsize=10)
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), title="Predikat")
        ax.grid(False)
    return fig


def ringkasan_smart(temuan: pd.DataFrame, judul: str | None = None) -> Figure:
    """Bar chart of SMART findings per criterion and severity (output of
    :func:`kinerja_calib.indicators.check_smart`)."""
    ct = pd.crosstab(
        pd.Categorical(temuan["kriteria"], categories=list(_KRITERIA)),
        pd.Categorical(temuan["tingkat"], categories=["galat", "peringatan"]),
        dropna=False,
    ).reindex(index=list(_KRITERIA), columns=["galat", "peringatan"], fill_value=0)
    with gaya():
        fig = Gambar(figsize=(7.0, 3.6), layout="constrained")
        ax = fig.add_subplot()
        y = np.arange(len(_KRITERIA))
        ax.barh(y, ct["galat"], color="#b2182b", label="galat (wajib diperbaiki)")
        ax.barh(
            y, ct["peringatan"], left=ct["galat"], color="#fdae61", label="peringatan (periksa)"
        )
        ax.set_yticks(y, [f"{k} — {v}" for k, v in _KRITERIA.items()])
        ax.invert_yaxis()
        ax.set_xlabel("Jumlah temuan")
        ax.legend(loc="lower right")
        ax.set_title(judul or "Temuan pemeriksaan SMART katalog indikator")
    return fig


def distribusi_capaian(skor: pd.DataFrame, rules=None, judul: str | None = None) -> Figure:
    """Histogram of weighted capaian per pegawai with the rating thresholds of the rules."""
    from .. import rules as _rules

    r = _rules.resolve(rules)
    a = r.get_path("ambang.capaian")
    x = skor["capaian"].dropna().to_numpy(float)
    with gaya():
        fig = Gambar(figsize=(7.5, 3.8), layout="constrained")
        ax = fig.add_subplot()
        ax.hist(x, bins=40, color="#67a9cf", edgecolor="white")
        top = ax.get_ylim()[1] * 0.95
        for v, name, ha in (
            (a["batas_bawah"], "batas bawah", "right"),
            (a["batas_atas"], "batas atas", "left"),
        ):
            ax.axvline(v, color="#b2182b", linestyle="--")
            ax.text(
                v,
                top,
                f" {name} {ringkas(v, 2)} % ",
                color="#b2182b",
                fontsize=8,
                va="top",
                ha=ha,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none"},
            )
        ax.set_xlim(
            min(x.min() if len(x) else 0, a["batas_bawah"]) - 5,
            max(x.max() if len(x) else 0, a["batas_atas"]) + 15,
        )
        ax.set_xlabel("Capaian tertimbang per pegawai (%)")
        ax.set_ylabel("Jumlah pegawai")
        ax.set_title(judul or "Sebaran capaian dan ambang rating hasil kerja")
    return fig


# alias kept for one release (issue 14): the figure had the name of the table it draws
sensitivitas_bobot = weight_sensitivity
