"""Figures of rater agreement: heat-maps, interval plots, the rater-count decision curve."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps as mpl_colormaps
from matplotlib.colors import BoundaryNorm, ListedColormap, Normalize
from matplotlib.figure import Figure

from .. import labels
from .._angka import desimal, ringkas
from .._display import DataKurang
from .._escape import escape_mathtext
from ..errors import ParameterError
from ._style import WARNA_PERAN, Gambar, gaya

__all__ = ["interval_kesepakatan", "kurva_jumlah_penilai", "peta_kesepakatan", "sebaran_rwg"]

#: Display names of the agreement_table statistics.
NAMA_STATISTIK = {
    "icc1": "ICC(1) satu penilai",
    "icc1k": "ICC(1,k) rata-rata penilai",
    "alpha": "Alpha Krippendorff",
    "rwg": "r_wg rata-rata",
    "ac1": "Gwet AC1",
    "fleiss": "Kappa Fleiss",
    "rata_nilai": "Rata-rata nilai",
}

# Koo & Li (2016) bands: buruk < .5 ≤ sedang < .75 ≤ baik < .9 ≤ sangat baik
_BATAS_ICC = [(0.0, 0.5, "#f4a582"), (0.5, 0.75, "#fddbc7"), (0.75, 0.9, "#d1e5f0"),
              (0.9, 1.0, "#92c5de")]  # fmt: skip


#: No group with enough ratings to draw (a small instansi, or no 360 ratings).
_KURANG = DataKurang(
    "Bagian ini memerlukan kelompok dengan sedikitnya 5 pegawai yang masing-masing dinilai "
    "oleh 2 penilai atau lebih dari sumber yang sama; instansi ini belum memilikinya."
)


def _pretty(value: object) -> str:
    text = str(value)
    return escape_mathtext(labels.NAMA_PERAN.get(text, labels.ASPEK_BERAKHLAK.get(text, text)))


def peta_kesepakatan(
    tabel: pd.DataFrame,
    baris: str,
    kolom: str,
    statistik: str = "icc1",
    judul: str | None = None,
) -> Figure | DataKurang:
    """Heat-map of one agreement statistic over two grouping columns.

    Parameters
    ----------
    tabel : DataFrame
        Output of :func:`kinerja_calib.agreement.agreement_table` grouped by at least
        ``baris`` and ``kolom``.
    baris, kolom : str
        Grouping columns for rows and columns (e.g. ``"wilayah"``, ``"peran_penilai"``).
    statistik : str, default "icc1"
        Column to colour; cells without enough data are grey with "–".
    """
    for col in (baris, kolom, statistik):
        if col not in tabel.columns:
            raise ParameterError(f"Kolom '{col}' tidak ada; pakai keluaran agreement_table().")
    grid = tabel.pivot_table(index=baris, columns=kolom, values=statistik, aggfunc="first")
    vals = grid.to_numpy(dtype=float)
    if not np.isfinite(vals).any():
        return _KURANG
    with gaya():
        fig = Gambar(figsize=(1.6 + 1.45 * grid.shape[1], 1.2 + 0.55 * grid.shape[0]),
                     layout="constrained")  # fmt: skip
        ax = fig.add_subplot()
        masked = np.ma.masked_invalid(vals)
        finite = vals[np.isfinite(vals)]
        coefficient = finite.size == 0 or (finite.min() >= -1 and finite.max() <= 1)
        if coefficient:  # agreement coefficients: fixed bands, comparable between figures
            cmap = ListedColormap(
                ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"]
            )
            norm = BoundaryNorm([-1, 0, 0.25, 0.5, 0.667, 0.8, 1.0], cmap.N)
        else:  # e.g. rata_nilai on the 1-5 scale: continuous over the observed range
            cmap = mpl_colormaps["YlOrBr"].copy()
            norm = Normalize(finite.min(), finite.max())
        cmap = cmap.with_extremes(bad="#e0e0e0")
        im = ax.imshow(masked, cmap=cmap, norm=norm, aspect="auto")
        for (i, j), v in np.ndenumerate(vals):
            txt = desimal(v, 2)
            if coefficient:
                dark = not np.isnan(v) and (v < 0.25 or v >= 0.8)
            else:
                dark = not np.isnan(v) and norm(v) > 0.6
            ax.text(j, i, txt, ha="center", va="center", fontsize=9,
                    color="white" if dark else "black")  # fmt: skip
        ax.set_xticks(range(grid.shape[1]), [_pretty(c) for c in grid.columns], rotation=30,
                      ha="right")  # fmt: skip
        ax.set_yticks(range(grid.shape[0]), [_pretty(r) for r in grid.index])
        ax.grid(False)
        ax.set_xlabel(_pretty(kolom).replace("_", " "))
        ax.set_ylabel(_pretty(baris).replace("_", " "))
        cb = fig.colorbar(im, ax=ax, shrink=0.9)
        cb.set_label(NAMA_STATISTIK.get(statistik, statistik))
        ax.set_title(judul or f"{NAMA_STATISTIK.get(statistik, statistik)} per kelompok")
    return fig


def interval_kesepakatan(
    tabel: pd.DataFrame,
    label: str | list[str],
    statistik: str = "icc1",
    judul: str | None = None,
) -> Figure | DataKurang:
    """Point estimates with 95 % intervals per group, over the Koo & Li (2016) bands.

    Parameters
    ----------
    tabel : DataFrame
        Output of ``agreement_table`` with ``icc1``, ``icc1_ci_low``, ``icc1_ci_high``.
    label : str or list of str
        Column(s) naming each row (joined with " · ").
    statistik : str, default "icc1"
        Statistic to plot; intervals are drawn when ``<statistik>_ci_low``/``_ci_high`` exist.
    """
    cols = [label] if isinstance(label, str) else list(label)
    data = tabel.dropna(subset=[statistik]).reset_index(drop=True)
    if data.empty:
        return _KURANG
    names = data[cols].astype(str).apply(lambda r: " · ".join(_pretty(v) for v in r), axis=1)
    y = np.arange(len(data))[::-1]
    with gaya():
        fig = Gambar(figsize=(7.5, 1.2 + 0.38 * len(data)), layout="constrained")
        ax = fig.add_subplot()
        for lo, hi, colour in _BATAS_ICC:
            ax.axvspan(lo, hi, color=colour, alpha=0.35, linewidth=0)
        for lo, name in zip((0.0, 0.5, 0.75, 0.9), ("buruk", "sedang", "baik", "sangat baik"),
                            strict=True):  # fmt: skip
            ax.text(lo + 0.005, 0.005, name, fontsize=7, va="bottom", color="#555555",
                    transform=ax.get_xaxis_transform())  # fmt: skip
        colours = [WARNA_PERAN.get(str(p), "#333333") for p in data.get("peran_penilai", [])]
        colours = colours or ["#333333"] * len(data)
        lo_col, hi_col = f"{statistik}_ci_low", f"{statistik}_ci_high"
        if lo_col in data and hi_col in data:
            err = np.vstack([data[statistik] - data[lo_col], data[hi_col] - data[statistik]])
            for yi, x, e0, e1, c in zip(y, data[statistik], err[0], err[1], colours, strict=True):
                ax.errorbar(x, yi, xerr=[[e0], [e1]], fmt="o", color=c, capsize=3)
        else:
            ax.scatter(data[statistik], y, color=colours, zorder=3)
        ax.set_yticks(y, names)
        ax.set_xlim(min(-0.05, float(data.get(lo_col, data[statistik]).min()) - 0.05), 1.0)
        ax.set_xlabel(f"{NAMA_STATISTIK.get(statistik, statistik)} (garis = selang 95 %)")
        ax.set_title(judul or f"{NAMA_STATISTIK.get(statistik, statistik)} dan ketidakpastiannya")
    return fig


def kurva_jumlah_penilai(kurva: pd.DataFrame, judul: str | None = None) -> Figure | DataKurang:
    """The "berapa penilai yang dibutuhkan?" plot from ``agreement.reliability_curve``.

    Spearman–Brown prediction (line), resampling check with 95 % band (points), the target
    line and the smallest sufficient number of raters.
    """
    need = {"k", "reliabilitas_prediksi", "reliabilitas_resampling", "ci_low", "ci_high"}
    if not need <= set(kurva.columns):
        raise ParameterError("Pakai keluaran kc.agreement.reliability_curve().")
    target = kurva.attrs.get("target", 0.8)
    k_need = kurva.attrs.get("k_dibutuhkan")
    with gaya():
        fig = Gambar(figsize=(7.5, 4.2), layout="constrained")
        ax = fig.add_subplot()
        ax.plot(kurva["k"], kurva["reliabilitas_prediksi"], "-", color="#2166ac",
                label="Prediksi Spearman–Brown dari ICC(1) data")  # fmt: skip
        ok = kurva.dropna(subset=["reliabilitas_resampling"])
        if not ok.empty:
            err = np.vstack([ok["reliabilitas_resampling"] - ok["ci_low"],
                             ok["ci_high"] - ok["reliabilitas_resampling"]])  # fmt: skip
            ax.errorbar(ok["k"], ok["reliabilitas_resampling"], yerr=np.clip(err, 0, None),
                        fmt="o", color="#d95f02", capsize=3,
                        label="Cek resampling (data nyata, selang 95 %)")  # fmt: skip
        ax.axhline(target, color="black", linestyle="--", linewidth=1)
        ax.text(
            kurva["k"].min(), target + 0.01, f"target {ringkas(target, 3)}", fontsize=8, va="bottom"
        )
        if k_need is not None and np.isfinite(k_need) and k_need <= kurva["k"].max():
            ax.axvline(k_need, color="#1b9e77", linestyle=":", linewidth=1.5)
            ax.text(k_need, 0.03, f" {int(k_need)} penilai", color="#1b9e77", fontsize=9)
        elif k_need is not None:
            pesan = (
                f"target tercapai pada k = {int(k_need)} (di luar grafik)"
                if np.isfinite(k_need)
                else "target tidak tercapai berapa pun jumlah penilainya"
            )
            ax.text(0.02, 0.92, pesan, transform=ax.transAxes, color="#1b9e77", fontsize=9)
        ax.set_ylim(0, 1)
        ax.set_xlabel("Jumlah penilai yang dirata-ratakan (k)")
        ax.set_ylabel("Reliabilitas skor rata-rata")
        ax.set_xticks(kurva["k"])
        ax.legend(loc="lower right")
        ax.set_title(judul or "Berapa penilai yang dibutuhkan?")
    return fig


def sebaran_rwg(
    nilai: pd.Series | pd.DataFrame, kelompok: str | None = None, judul: str | None = None
) -> Figure | DataKurang:
    """Histogram of r_wg (or r_wg(J)) values, optionally one panel per group.

    ``nilai`` is the Series from ``agreement.rwg`` or the DataFrame from ``agreement.rwg_j``
    (column ``rwg_j``; ``kelompok`` names an index level or column to split by).
    """
    if isinstance(nilai, pd.DataFrame):
        frame = nilai.reset_index()
        col = "rwg_j" if "rwg_j" in frame else "rwg"
    else:
        frame = nilai.rename("rwg").reset_index()
        col = "rwg"
    if not frame[col].notna().any():
        return _KURANG
    groups = [(None, frame)] if kelompok is None else list(frame.groupby(kelompok, sort=True))
    bins = np.linspace(0, 1, 21)
    with gaya():
        fig = Gambar(figsize=(7.5, 1.0 + 1.6 * len(groups)), layout="constrained")
        axes = fig.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0]
        for ax, (name, part) in zip(axes, groups, strict=True):
            colour = WARNA_PERAN.get(str(name), "#2166ac")
            ax.hist(part[col].dropna(), bins=bins, color=colour, alpha=0.85)
            for cut in (0.3, 0.5, 0.7, 0.9):
                ax.axvline(cut, color="#777777", linewidth=0.8, linestyle=":")
            ax.set_ylabel("Jumlah")
            if name is not None:
                ax.set_title(_pretty(name), fontsize=10, loc="left")
        axes[-1].set_xlabel(
            "r_wg (0–0,3 tidak sepakat · 0,5 lemah · 0,7 sedang · 0,9 kuat · > 0,9 sangat kuat)"
        )
        fig.suptitle(judul or "Sebaran kesepakatan dalam kelompok (r_wg)", fontweight="bold")
    return fig
