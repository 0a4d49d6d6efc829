"""Figures for calibration (notebook 05 and its panels), labelled in Bahasa Indonesia.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot. Rater
identities never appear on a figure (raters are shown by rank only).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .._angka import desimal, persen
from .._display import DataKurang, terima_kurang
from .._escape import escape_mathtext
from ..labels import NAMA_PERAN, PREDIKAT
from ._style import WARNA_PERAN, WARNA_PREDIKAT, Gambar, gaya

__all__ = [
    "bobot_ahp",
    "bobot_efektif",
    "bobot_sumber",
    "keparahan_penilai",
    "kurva_reliabilitas",
    "porsi_predikat_bobot",
    "sebelum_sesudah",
    "usulan_distribusi",
]

_WARNA_DIAG = {"lunak": "#2166ac", "keras": "#b2182b", "lain": "#999999"}


def _fig(width: float = 7.5, height: float = 4.2, ncols: int = 1) -> tuple[Figure, Any]:
    fig = Gambar(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols) if ncols > 1 else fig.add_subplot()
    return fig, axes


@terima_kurang
def sebelum_sesudah(effects: Any, kebenaran: pd.Series | None = None) -> Figure | DataKurang:
    """Raw mean vs calibrated score per pegawai (and, with the truth, both against it).

    Parameters
    ----------
    effects : RaterEffects
        Output of :func:`kinerja_calib.calibrate.rater_effects`.
    kebenaran : Series, optional
        True score per nip (simulated data); adds a panel with both scores against it.
    """
    if "kurang" in getattr(effects, "info", {}):
        return DataKurang(effects.info["kurang"])
    r = effects.ratees
    with gaya():
        fig, axes = _fig(
            11 if kebenaran is not None else 6.5, 4.4, 2 if kebenaran is not None else 1
        )
        ax = axes[0] if kebenaran is not None else axes
        sc = ax.scatter(
            r["skor_mentah"],
            r["skor_terkalibrasi"],
            c=r["koreksi"],
            cmap="RdBu",
            s=10,
            alpha=0.7,
            vmin=-1,
            vmax=1,
        )
        lo = float(np.nanmin(r[["skor_mentah", "skor_terkalibrasi"]].to_numpy()))
        hi = float(np.nanmax(r[["skor_mentah", "skor_terkalibrasi"]].to_numpy()))
        ax.plot([lo, hi], [lo, hi], color="#444", lw=1, ls="--", label="tanpa koreksi")
        ax.set_xlabel("Skor mentah (rata-rata penilai, tanpa diri)")
        ax.set_ylabel("Skor terkalibrasi")
        ax.set_title("Sebelum dan sesudah kalibrasi")
        ax.legend(loc="upper left")
        fig.colorbar(sc, ax=ax, label="koreksi (+ = dinaikkan: penilainya keras)")
        if kebenaran is not None:
            t = pd.Series(kebenaran)
            t.index = t.index.astype(str)
            d = r.join(t.rename("_t"), how="inner")
            ax2 = axes[1]
            for col, warna, nama in (
                ("skor_mentah", "#999999", "mentah"),
                ("skor_terkalibrasi", "#2166ac", "terkalibrasi"),
            ):
                rr = np.corrcoef(d["_t"], d[col])[0, 1]
                ax2.scatter(
                    d["_t"],
                    d[col],
                    s=8,
                    alpha=0.45,
                    color=warna,
                    label=f"{nama} (r = {desimal(rr, 2)})",
                )
            ax2.set_xlabel("Kinerja sebenarnya (data simulasi)")
            ax2.set_ylabel("Skor")
            ax2.set_title("Mana yang lebih dekat ke kebenaran?")
            ax2.legend(loc="upper left")
    return fig


@terima_kurang
def keparahan_penilai(
    effects: Any, kebenaran: pd.DataFrame | pd.Series | None = None, n_min: int = 20, bins: int = 10
) -> Figure | DataKurang:
    """Distribution of rater severity, stacked by diagnosis — never one dot per rater.

    A caterpillar plot (one point per rater, even without an id) would list individual
    raters' values; the report and the course copies show only how many raters sit at each
    level of severity.

    Parameters
    ----------
    effects : RaterEffects
    kebenaran : Series or DataFrame, optional
        True severity per ``nip_penilai`` (``keparahan``; the synthetic sample's answer key):
        adds a panel with the mean estimated severity per decile of true severity.
    n_min : int
        Raters with fewer ratings are left out.
    bins : int
        Number of groups of true severity in the second panel.
    """
    if "kurang" in getattr(effects, "info", {}):
        return DataKurang(effects.info["kurang"])
    q = effects.raters[effects.raters["n"] >= n_min]
    if q.empty:
        return DataKurang(
            f"Belum ada penilai dengan sedikitnya {n_min} nilai, sehingga sebaran keparahan "
            "penilai belum dapat digambarkan."
        )
    diag = q["diagnosis"].astype(str)
    jenis = np.where(
        diag.str.contains("lunak"), "lunak", np.where(diag.str.contains("keras"), "keras", "lain")
    )
    with gaya():
        two = kebenaran is not None
        fig, axes = _fig(12 if two else 7.5, 4.6, 2 if two else 1)
        ax = axes[0] if two else axes
        edges = np.histogram_bin_edges(q["keparahan"].to_numpy(dtype=float), bins=30)
        labels_ = {
            "lain": "lainnya",
            "lunak": "didiagnosis terlalu lunak",
            "keras": "didiagnosis terlalu keras",
        }
        ax.hist(
            [q["keparahan"].to_numpy(dtype=float)[jenis == k] for k in labels_],
            bins=edges,
            stacked=True,
            color=[_WARNA_DIAG[k] for k in labels_],
            label=list(labels_.values()),
            edgecolor="white",
        )
        ax.axvline(0, color="#444", lw=1)
        ax.set_xlabel("Keparahan (+ = keras, − = lunak)")
        ax.set_ylabel(f"Jumlah penilai (minimal {n_min} nilai)")
        ax.set_title("Sebaran keparahan penilai")
        ax.legend(loc="upper left")
        if two:
            kb = (
                kebenaran
                if isinstance(kebenaran, pd.DataFrame)
                else kebenaran.rename("keparahan").to_frame()
            )
            kb = kb.copy()
            kb.index = kb.index.astype(str)
            d = q.join(kb["keparahan"].rename("_benar"), how="inner")
            ax2 = axes[1]
            if len(d) >= 2:
                grup = pd.qcut(d["_benar"].rank(method="first"), min(bins, len(d)), labels=False)
                m = d.groupby(grup).agg(
                    benar=("_benar", "mean"), est=("keparahan", "mean"), sd=("keparahan", "std")
                )
                ax2.errorbar(m["benar"], m["est"], yerr=m["sd"].fillna(0), fmt="o", color="#444")
                rr = np.corrcoef(d["_benar"], d["keparahan"])[0, 1]
                ax2.set_title(f"Ditemukan kembali? r = {desimal(rr, 2)}")
            ax2.set_xlabel("Keparahan sebenarnya (kunci jawaban, rata-rata per kelompok)")
            ax2.set_ylabel("Keparahan hasil estimasi (rata-rata ± simpangan baku)")
    return fig


@terima_kurang
def porsi_predikat_bobot(perbandingan: Any) -> Figure | DataKurang:
    """Predikat shares under each 360 weighting (stacked bars), with how many change."""
    rk = perbandingan.ringkasan
    with gaya():
        fig, ax = _fig(8.5, 0.6 * len(rk) + 1.8)
        left = np.zeros(len(rk))
        y = np.arange(len(rk))
        for p in PREDIKAT:
            v = rk[f"porsi_{p}"].to_numpy()
            ax.barh(y, v, left=left, color=WARNA_PREDIKAT[p], label=p, edgecolor="white")
            left += v
        ax.set_yticks(
            y, [f"{s}\n({n} berubah)" for s, n in zip(rk["skema"], rk["n_berubah"], strict=True)]
        )
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(lambda v, _: persen(v, 0))
        ax.set_xlabel(f"Porsi pegawai; 'berubah' dibanding skema acuan: {perbandingan.acuan}")
        ax.set_title("Predikat menurut pilihan bobot sumber 360", pad=26)
        ax.legend(ncols=5, loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8)
    return fig


@terima_kurang
def kurva_reliabilitas(
    curve: pd.DataFrame, bobot: pd.DataFrame | None = None
) -> Figure | DataKurang:
    """Reliability of a mean of k raters per role (Spearman–Brown), marking the data's k."""
    with gaya():
        fig, ax = _fig(7, 4.2)
        for role, g in curve.groupby("peran_penilai", sort=False):
            warna = WARNA_PERAN.get(role, "#333")
            ax.plot(
                g["k"],
                g["reliabilitas"],
                marker="o",
                ms=3,
                color=warna,
                label=NAMA_PERAN.get(role, role),
            )
            kd = float(g["k_data"].iloc[0])
            ax.scatter(
                [kd],
                [np.interp(kd, g["k"], g["reliabilitas"])],
                s=60,
                color=warna,
                edgecolor="k",
                zorder=3,
            )
        ax.axhline(0.7, color="#444", ls=":", lw=1)
        ax.text(curve["k"].max(), 0.71, "0,70", ha="right", va="bottom", fontsize=8)
        ax.set_xlabel("Jumlah penilai dari peran ini (k)")
        ax.set_ylabel("Reliabilitas rata-rata k penilai")
        ax.set_ylim(0, 1)
        title = "Reliabilitas per sumber (titik besar = k di data)"
        if bobot is not None and "nilai_kriteria" in bobot.attrs:
            title += f"\nkomposit berbobot: {desimal(bobot.attrs['nilai_kriteria'], 2)}"
        ax.set_title(title)
        ax.legend(loc="lower right")
    return fig


@terima_kurang
def bobot_sumber(sw: pd.DataFrame) -> Figure | DataKurang:
    """Source weights with bootstrap intervals and policy bounds."""
    with gaya():
        fig, ax = _fig(6.5, 3.8)
        x = np.arange(len(sw))
        warna = [WARNA_PERAN.get(p, "#333") for p in sw["peran_penilai"]]
        ax.bar(x, sw["bobot"], color=warna)
        err = np.vstack([sw["bobot"] - sw["ci_low"], sw["ci_high"] - sw["bobot"]])
        if np.isfinite(err).all():
            ax.errorbar(
                x, sw["bobot"], yerr=np.clip(err, 0, None), fmt="none", ecolor="k", capsize=4
            )
        for i, (lo, hi) in enumerate(zip(sw["batas_bawah"], sw["batas_atas"], strict=True)):
            if lo > 0 or hi < 1:
                ax.hlines([lo, hi], i - 0.4, i + 0.4, colors="#b2182b", linestyles="--", lw=1)
        ax.set_xticks(x, [NAMA_PERAN.get(p, p) for p in sw["peran_penilai"]])
        ax.set_ylabel("Bobot (jumlah = 1)")
        krit = sw.attrs.get("kriteria", "")
        ax.set_title(f"Bobot sumber 360 (kriteria: {krit}; garis merah = batas kebijakan)")
    return fig


@terima_kurang
def usulan_distribusi(
    proposal: Any, kelompok: Any = None, by: str = "kode_instansi"
) -> Figure | DataKurang:
    """Predikat counts of one group before and after the proposal.

    Without ``kelompok``: the group with the most proposed moves. A note when the proposal
    holds no group (no pegawai with a predikat).
    """
    if kelompok is None:
        rk = proposal.ringkasan
        if not len(rk):
            return DataKurang(
                "Bagian ini memerlukan pegawai berpredikat; instansi ini belum memilikinya "
                "pada periode ini, sehingga tidak ada usulan kalibrasi distribusi."
            )
        kelompok = rk.sort_values("n_pindah", kind="stable").iloc[-1][by]
    p = proposal.predikat[proposal.predikat[by] == kelompok]
    awal = p["predikat_awal"].value_counts().reindex(PREDIKAT, fill_value=0)
    usul = p["predikat_usulan"].value_counts().reindex(PREDIKAT, fill_value=0)
    row = proposal.ringkasan.set_index(by).loc[kelompok]
    with gaya():
        fig, ax = _fig(7.5, 3.8)
        x = np.arange(len(PREDIKAT))
        ax.bar(x - 0.2, awal, 0.4, color="#bbbbbb", label="predikat awal")
        ax.bar(
            x + 0.2,
            usul,
            0.4,
            color=[WARNA_PREDIKAT[k] for k in PREDIKAT],
            edgecolor="k",
            label="usulan",
        )
        ax.set_xticks(x, [k.replace("/", "/\n") for k in PREDIKAT])
        ax.set_ylabel("Jumlah pegawai")
        ax.set_title(
            f"{kelompok} (predikat organisasi {row['predikat_organisasi']}): "
            f"{row['n_pindah']} usulan pindah — {row['status']}"
        )
        ax.legend()
        fig.text(
            0.01,
            -0.02,
            "Usulan untuk rapat kalibrasi, bukan keputusan.",
            fontsize=8,
            style="italic",
        )
    return fig


def bobot_ahp(hasil: Any) -> Figure | DataKurang:
    """AHP weights as bars with the consistency ratio in the title."""
    w = hasil.bobot.sort_values(ascending=False)
    with gaya():
        fig, ax = _fig(6.5, 3.6)
        warna = "#2166ac" if hasil.konsisten else "#b2182b"
        ax.bar(range(len(w)), w.to_numpy(), color=warna)
        ax.set_xticks(range(len(w)), [escape_mathtext(i) for i in w.index], rotation=20, ha="right")
        ax.set_ylabel("Bobot (jumlah = 1)")
        status = "konsisten" if hasil.konsisten else "TIDAK konsisten"
        ax.set_title(f"Bobot AHP — CR = {desimal(hasil.cr, 3)} ({status})")
    return fig


def bobot_efektif(
    eff: pd.DataFrame, kode_instansi: str | None = None, jabatan: str | None = None
) -> Figure | DataKurang:
    """Nominal vs effective vs suggested weight of one jabatan's indicators.

    Without ``kode_instansi``/``jabatan``: the jabatan of the indicator whose effective weight
    is farthest from its nominal one. A :class:`~kinerja_calib._display.DataKurang` note when
    no effective weight could be computed (too few pegawai per jabatan).
    """
    if kode_instansi is None or jabatan is None:
        selisih = eff["selisih"].abs() if "selisih" in eff.columns else pd.Series(dtype=float)
        if not selisih.notna().any():
            return DataKurang(
                "Bagian ini memerlukan jabatan dengan cukup pegawai untuk menghitung bobot "
                "efektif; instansi ini belum memilikinya."
            )
        terjauh = eff.loc[selisih.idxmax()]
        kode_instansi, jabatan = terjauh["kode_instansi"], terjauh["jabatan"]
    d = eff[(eff["kode_instansi"] == kode_instansi) & (eff["jabatan"] == jabatan)]
    with gaya():
        fig, ax = _fig(7.5, 3.8)
        x = np.arange(len(d))
        ax.bar(x - 0.27, d["bobot_nominal"], 0.27, color="#bbbbbb", label="nominal")
        ax.bar(x, d["bobot_efektif"], 0.27, color="#b2182b", label="efektif (porsi varians)")
        ax.bar(x + 0.27, d["bobot_usulan"].fillna(0), 0.27, color="#2166ac", label="usulan")
        ax.set_xticks(
            x,
            d["kode_indikator"].astype(str).map(escape_mathtext).tolist(),
            rotation=20,
            ha="right",
        )
        ax.set_ylabel("Bobot (%)")
        ax.set_title(f"Bobot nominal vs efektif: {escape_mathtext(jabatan)}")
        ax.legend()
    return fig
