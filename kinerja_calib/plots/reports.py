"""Static figures of the per-instansi report (labels in Bahasa Indonesia).

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot (no
global figure registry, nothing shown twice by the inline backend); the report embeds
them as PNG so the HTML opens offline.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .._angka import desimal
from .._escape import escape_mathtext
from ..labels import NAMA_PERAN, PREDIKAT
from ._style import WARNA_PREDIKAT, Gambar, gaya

__all__ = [
    "gambar_360_peran",
    "gambar_9box",
    "gambar_capaian_jabatan",
    "gambar_ikm",
    "gambar_kurva",
    "gambar_tren",
]


def _fig(height: float = 4.2, width: float = 7.5) -> tuple[Figure, object]:
    fig = Gambar(figsize=(width, height))
    return fig, fig.add_subplot()


def _bungkus(teks: str, lebar: int = 26, baris: int = 3) -> str:
    """``teks`` on lines of ``lebar`` characters, wider where it would take more than
    ``baris`` lines; never shortened."""
    while len(lines := textwrap.wrap(teks, lebar)) > baris:  # a few widths, one label
        lebar += 2
    return "\n".join(lines)


def gambar_capaian_jabatan(tab: pd.DataFrame, maks: int = 15) -> Figure:
    """Horizontal bars of mean capaian per jabatan (``jabatan``, ``capaian_rata_rata``).

    With more than ``maks`` jabatan only the ``maks`` lowest are drawn (the table beside the
    figure lists them all): those are where attention is needed.
    """
    with gaya():
        t = tab.sort_values("capaian_rata_rata", kind="stable")
        terpotong = len(t) > maks
        t = t.head(maks).iloc[::-1]  # the lowest at the top, with or without cut
        # long jabatan names wrapped (26 characters a line, wider rather than past 3 lines;
        # never cut: two names may differ only at the end), so the bars keep most of the
        # width also on a narrow page
        label = t["jabatan"].astype(str).map(lambda s: _bungkus(escape_mathtext(s)))
        baris = int(label.str.count("\n").max()) + 1 if len(label) else 1
        # evenly spaced bars: the row height is set by the longest label
        fig, ax = _fig(height=max(2.5, (0.14 * baris + 0.08) * len(t) + 1.2))
        y = np.arange(len(t))
        ax.barh(y, t["capaian_rata_rata"], color="#67a9cf")
        ax.set_yticks(y, label.tolist())
        ax.grid(False, axis="y")
        ax.axvline(100, color="#444", lw=1, ls="--")
        # named at its top instead of in a legend that would cover a bar
        ax.text(
            100,
            1.0,
            "target 100 %",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=9,
            color="#444",
        )
        ax.set_xlabel("Capaian rata-rata (%)")
        ax.set_title(
            f"{maks} jabatan dengan capaian terendah"
            if terpotong
            else "Capaian indikator per jabatan",
            pad=16,  # room for the target's name below it
        )
    return fig


def gambar_kurva(porsi: pd.Series, constraints: pd.DataFrame | None = None) -> Figure:
    """Predikat shares (bars) with the kurva distribusi limits of single predikat (markers)."""
    with gaya():
        fig, ax = _fig()
        x = np.arange(len(PREDIKAT))
        vals = [100 * float(porsi.get(p, 0.0)) for p in PREDIKAT]
        ax.bar(x, vals, color=[WARNA_PREDIKAT[p] for p in PREDIKAT], edgecolor="#555")
        seen = set()
        if constraints is not None and len(constraints):
            for row in constraints.itertuples(index=False):
                preds = row.predikat if isinstance(row.predikat, tuple | list) else (row.predikat,)
                prop = getattr(row, "proporsi", np.nan)
                if len(preds) != 1 or preds[0] not in PREDIKAT or not np.isfinite(prop):
                    continue
                i = PREDIKAT.index(preds[0])
                maks = row.jenis == "maks"
                label = "batas maksimum" if maks else "batas minimum"
                ax.plot(
                    [i - 0.4, i + 0.4],
                    [100 * prop] * 2,
                    color="#b2182b" if maks else "#1b7837",
                    lw=2.5,
                    label=None if label in seen else label,
                )
                seen.add(label)
        ax.set_xticks(x, [p.replace("/", "/\n") for p in PREDIKAT])
        ax.set_ylabel("Porsi pegawai (%)")
        ax.set_title("Sebaran predikat dan kurva distribusi")
        if seen:
            ax.legend()
    return fig


def gambar_360_peran(aspek: pd.DataFrame) -> Figure:
    """Heat-map of the mean 360 score per BerAKHLAK aspect (rows) and rater source (columns,
    display names); the self rating sits in the last column, apart from the others."""
    with gaya():
        names = {v: k for k, v in NAMA_PERAN.items()}
        cols = [c for c in aspek.columns if names.get(c) != "diri"]
        cols += [c for c in aspek.columns if names.get(c) == "diri"]
        data = aspek[cols].to_numpy(dtype=float)
        fig, ax = _fig(height=0.45 * len(aspek) + 1.6, width=7.5)
        im = ax.imshow(data, cmap="RdYlGn", vmin=1, vmax=5, aspect="auto")
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                v = data[i, j]
                if np.isfinite(v):
                    ax.text(j, i, desimal(v, 2), ha="center", va="center", fontsize=9)
        ax.set_xticks(range(len(cols)), [str(c).replace(" ", "\n", 1) for c in cols])
        ax.set_yticks(range(len(aspek)), [escape_mathtext(i) for i in aspek.index])
        if any(names.get(c) == "diri" for c in cols):
            ax.axvline(len(cols) - 1.5, color="black", lw=2)
        ax.grid(False)
        ax.set_title("Nilai 360 per aspek dan sumber (diri sendiri di kolom terakhir)")
        fig.colorbar(im, ax=ax, shrink=0.8, label="Nilai rata-rata (1–5)")
    return fig


def gambar_ikm(tab: pd.DataFrame) -> Figure:
    """IKM per service unit (``unit_layanan``, ``ikm``) with the mutu boundaries."""
    with gaya():
        t = tab.sort_values("ikm", kind="stable")
        fig, ax = _fig(height=max(2.5, 0.32 * len(t) + 1.2))
        ax.barh(t["unit_layanan"].astype(str).map(escape_mathtext), t["ikm"], color="#2166ac")
        ax.set_xlim(25, 100)  # IKM = mean unsur score (1–4) × 25
        ax.set_xlabel("IKM (skala 25–100)")
        ax.set_title("Indeks Kepuasan Masyarakat per unit layanan")
    return fig


def gambar_9box(box: pd.DataFrame) -> Figure:
    """The 9-box grid with counts (``kotak, potensi, kinerja, jumlah``)."""
    from ..labels import POTENSI, RATING

    with gaya():
        fig, ax = _fig(height=4.6, width=6.2)
        grid = np.zeros((len(POTENSI), len(RATING)))
        nums = np.zeros_like(grid, dtype=int)
        for row in box.itertuples(index=False):
            i, j = POTENSI.index(str(row.potensi)), RATING.index(str(row.kinerja))
            grid[i, j] = row.jumlah
            nums[i, j] = row.kotak
        ax.imshow(grid, origin="lower", cmap="Blues", aspect="auto")
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                ax.text(
                    j,
                    i,
                    f"Kotak {nums[i, j]}\n{int(grid[i, j])} orang",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white" if grid[i, j] > grid.max() * 0.6 else "black",
                )
        ax.set_xticks(range(len(RATING)), [r.replace(" ", "\n", 1) for r in RATING])
        ax.set_yticks(range(len(POTENSI)), [p.capitalize() for p in POTENSI])
        ax.set_xlabel("Kinerja")
        ax.set_ylabel("Potensi")
        ax.set_title("Peta talenta 9 kotak")
        ax.grid(False)
    return fig


def gambar_tren(shares: pd.DataFrame) -> Figure:
    """Stacked predikat shares per periode (rows = periode, columns = predikat, 0–1)."""
    with gaya():
        fig, ax = _fig()
        bottom = np.zeros(len(shares))
        x = np.arange(len(shares))
        for p in PREDIKAT:
            v = 100 * shares[p].to_numpy(dtype=float) if p in shares else np.zeros(len(shares))
            ax.bar(x, v, bottom=bottom, color=WARNA_PREDIKAT[p], label=p, edgecolor="#555")
            bottom += v
        ax.set_xticks(x, [escape_mathtext(i) for i in shares.index])
        ax.set_ylabel("Porsi pegawai (%)")
        ax.set_title("Tren sebaran predikat antarperiode")
        ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    return fig
