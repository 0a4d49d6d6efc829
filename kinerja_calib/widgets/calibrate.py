"""Widget panels of notebook 05: 360 source weights and AHP pairwise comparisons.

Thin ipywidgets apps: they call :mod:`kinerja_calib.calibrate` and
:mod:`kinerja_calib.plots.calibrate`, redraw into an ``Output`` (PNG, so the inline backend
never shows a figure twice) and keep the last result on the panel for inspection.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import Image, display

from .. import calibrate as _cal
from .._angka import bilangan, desimal, persen
from .._display import DataKurang, angka
from .._escape import escape_text
from ..labels import NAMA_PERAN, PERAN_PENILAI, PREDIKAT, RATING
from ..plots import calibrate as _gambar

__all__ = ["SKALA_SAATY", "panel_ahp", "panel_bobot_360"]


def _show(out: widgets.Output, fig: Any, dpi: int = 90) -> None:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    with out:
        out.clear_output(wait=True)
        display(Image(data=buf.getvalue(), format="png"))


def _urutan_peran(roles: Sequence[str]) -> list[str]:
    """Roles in the regulation's order (atasan, rekan, bawahan, pengguna layanan), others last.

    Examples
    --------
    >>> _urutan_peran(["bawahan", "pengguna_layanan", "atasan", "rekan"])
    ['atasan', 'rekan', 'bawahan', 'pengguna_layanan']
    """
    known = [r for r in PERAN_PENILAI if r in roles]
    return known + sorted(r for r in roles if r not in PERAN_PENILAI)


def _bobot_aturan(rules: Any, roles: Sequence[str]) -> dict[str, float]:
    """The rules file's ``bobot_peran`` for ``roles`` (0 for a role it does not weigh)."""
    from .. import rules as _rules

    bobot = _rules.resolve(rules).get("bobot_peran", {}) or {}
    return {r: float(bobot.get(r, 0.0) or 0.0) for r in roles}


def _keterangan_predikat(hasil_kerja: pd.Series | str | None, index: pd.Index, rules: Any) -> str:
    """One sentence saying what the predikat bars show (and why some predikat cannot appear)."""
    from .. import scoring

    if hasil_kerja is None or isinstance(hasil_kerja, str):
        label = RATING[1] if hasil_kerja is None else hasil_kerja
        mungkin = scoring.predikat(pd.Series([label] * len(RATING)), pd.Series(RATING), rules)
        nama = list(dict.fromkeys(str(p) for p in mungkin))
        daftar = ", ".join(nama[:-1]) + f" dan {nama[-1]}" if len(nama) > 1 else nama[0]
        return (
            f"Batang menunjukkan predikat bila hasil kerja semua pegawai dianggap "
            f"“{escape_text(label)}”: yang digeser bobot hanya rating perilaku, sehingga "
            f"predikat yang mungkin hanya {escape_text(daftar)}."
        )
    hk = pd.Series(hasil_kerja).reindex(index)
    kosong = int(hk.isna().sum())
    teks = (
        "Batang menunjukkan predikat lengkap: rating hasil kerja tiap pegawai dari datanya, "
        "rating perilaku dari skor 360 dengan bobot di atas."
    )
    if kosong:
        teks += (
            f" {angka(kosong, 0)} pegawai tanpa rating hasil kerja dihitung sebagai "
            f"“{escape_text(RATING[1])}”."
        )
    return teks


def panel_bobot_360(
    ratings: pd.DataFrame,
    hasil_kerja: pd.Series | str | None = None,
    rules: Any = None,
    effects: Any = None,
    periode: str | None = None,
    bobot_awal: dict[str, float] | None = None,
    dpi: int = 90,
) -> widgets.Widget | DataKurang:
    """Sliders for the 360 source weights with live predikat shares and reliability.

    The sliders are in the regulation's order (atasan first, then rekan, bawahan, pengguna
    layanan) and start at the rules file's ``bobot_peran`` (percent points; the weights are
    renormalised over the sliders, as the rules do over the roles present).

    Parameters
    ----------
    ratings : DataFrame
        Long ``penilaian_360`` table.
    hasil_kerja : Series or str, optional
        Rating hasil kerja per nip for the predikat matrix (default "Sesuai ekspektasi" for
        everyone; then only the predikat that rating allows can appear, and the panel says
        so in one sentence under the chart).
    rules : Rules or str, optional
        Thresholds, matrix and starting weights (default ``permenpanrb-6-2022``).
    effects : RaterEffects, optional
        Use severity-corrected ratings.
    periode : str, optional
        Period (default latest).
    bobot_awal : dict, optional
        Starting weights as shares, e.g. ``{"atasan": 0.4, ...}`` (default: the rules'
        ``bobot_peran``).

    Returns
    -------
    ipywidgets.VBox
        With ``.sliders`` (integer percent points per role), ``.perbarui()`` and ``.hasil``
        (last weights as shares, composite, predikat and reliability).
    """
    rc = _cal.role_composite(ratings, periode, effects)
    if isinstance(rc, DataKurang):
        return rc
    roles = _urutan_peran(rc.roles)  # the sliders' order; weights go to rc in rc.roles order
    m = rc.means
    base = _cal.composite_scores(ratings, "gabungan", periode, effects)
    base_pred = _cal.predikat_from_score(base, hasil_kerja, rules).astype(object)
    start = bobot_awal if bobot_awal is not None else _bobot_aturan(rules, roles)
    sliders = {
        r: widgets.IntSlider(
            value=int(np.clip(round(100 * float(start.get(r, 0.0))), 0, 100)),
            min=0,
            max=100,
            step=5,
            description=NAMA_PERAN.get(r, r),
            continuous_update=False,
            style={"description_width": "140px"},
            layout=widgets.Layout(width="420px"),
        )
        for r in roles
    }
    status = widgets.HTML()
    out = widgets.Output()
    keterangan = widgets.HTML(f"<i>{_keterangan_predikat(hasil_kerja, m.index, rules)}</i>")
    panel = widgets.VBox(
        [
            widgets.HTML(
                "<b>Geser bobot tiap sumber umpan balik (persen; dinormalkan otomatis). "
                "Posisi awal: bobot berkas aturan.</b>"
            ),
            *sliders.values(),
            status,
            out,
            keterangan,
        ]
    )

    def perbarui(change: Any = None) -> None:
        w = np.array([sliders[r].value for r in roles], dtype=float)
        if w.sum() <= 0:
            status.value = "<span style='color:#b2182b'>Semua bobot 0: naikkan salah satu.</span>"
            return
        w = w / w.sum()
        w_rc = np.array([w[roles.index(r)] for r in rc.roles])  # rc's own role order
        skor = rc.score(w_rc)
        pred = _cal.predikat_from_score(skor, hasil_kerja, rules)
        rel = rc.reliability(w_rc)
        berubah = int((pred.astype(object) != base_pred.reindex(pred.index)).sum())
        shares = pred.value_counts(normalize=True).reindex(PREDIKAT, fill_value=0.0)
        fake = _cal.PerbandinganBobot(
            pd.DataFrame(
                [
                    {
                        "skema": "pilihan Anda",
                        "n_berubah": berubah,
                        **{f"porsi_{p}": shares[p] for p in PREDIKAT},
                    }
                ]
            ),
            skor.to_frame(),
            pred.to_frame(),
            "gabungan (rata-rata semua penilai)",
        )
        _show(out, _gambar.porsi_predikat_bobot(fake), dpi)
        teks = ", ".join(
            f"{escape_text(NAMA_PERAN.get(r, r))} {persen(v, 0)}"
            for r, v in zip(roles, w, strict=True)
        )
        status.value = (
            f"Bobot: {teks} · reliabilitas komposit <b>{desimal(rel, 2)}</b> · "
            f"{bilangan(berubah)} pegawai berubah predikat dibanding rata-rata semua penilai"
        )
        panel.hasil = {
            "bobot": dict(zip(roles, w, strict=True)),
            "skor": skor,
            "predikat": pred,
            "reliabilitas": rel,
            "n_berubah": berubah,
        }

    for s in sliders.values():
        s.observe(perbarui, names="value")
    panel.sliders = sliders
    panel.perbarui = perbarui
    panel.hasil = None
    perbarui()
    return panel


#: Saaty's 1–9 scale as slider options: label → value of a[i, j].
SKALA_SAATY: dict[str, float] = {
    **{f"kiri {v}×": float(v) for v in (9, 7, 5, 3, 2)},
    "sama penting": 1.0,
    **{f"kanan {v}×": 1.0 / v for v in (2, 3, 5, 7, 9)},
}


def panel_ahp(
    items: Sequence[str],
    nilai_awal: dict[tuple[str, str], float] | None = None,
    dpi: int = 90,
) -> widgets.Widget:
    """Pairwise-comparison widget for indicator weights (Saaty's AHP).

    One slider per pair of items ("kiri 3×" = the left item is moderately more important);
    weights, λmax and CR are recomputed on every change and CR > 0.10 is flagged.

    Parameters
    ----------
    items : sequence of str
        The indicators (or criteria) to weigh, 2–15 of them.
    nilai_awal : dict, optional
        ``{(kiri, kanan): a}`` starting judgements (default all "sama penting").

    Returns
    -------
    ipywidgets.VBox
        With ``.sliders``, ``.matriks()`` and ``.hasil`` (the last :class:`AHPResult`).
    """
    items = [str(x) for x in items]
    if not 2 <= len(items) <= 15:
        from ..errors import ParameterError

        raise ParameterError("AHP membutuhkan 2 sampai 15 item untuk dibandingkan.")
    labels = list(SKALA_SAATY)
    values = np.array(list(SKALA_SAATY.values()))
    sliders = {}
    for a, b in itertools.combinations(items, 2):
        v0 = (nilai_awal or {}).get((a, b), 1.0)
        lab0 = labels[int(np.argmin(np.abs(np.log(values) - np.log(v0))))]
        sliders[(a, b)] = widgets.SelectionSlider(
            options=labels,
            value=lab0,
            description=f"{a} vs {b}",
            continuous_update=False,
            style={"description_width": "220px"},
            layout=widgets.Layout(width="560px"),
        )
    status = widgets.HTML()
    out = widgets.Output()
    panel = widgets.VBox(
        [
            widgets.HTML(
                "<b>Bandingkan tiap pasangan: seberapa lebih penting item kiri atau kanan?</b>"
            ),
            *sliders.values(),
            status,
            out,
        ]
    )

    def matriks() -> pd.DataFrame:
        n = len(items)
        A = np.ones((n, n))
        for (a, b), s in sliders.items():
            i, j = items.index(a), items.index(b)
            A[i, j] = SKALA_SAATY[s.value]
            A[j, i] = 1.0 / A[i, j]
        return pd.DataFrame(A, index=items, columns=items)

    def perbarui(change: Any = None) -> None:
        hasil = _cal.ahp_weights(matriks())
        _show(out, _gambar.bobot_ahp(hasil), dpi)
        warna = "#2166ac" if hasil.konsisten else "#b2182b"
        status.value = f"<span style='color:{warna}'>{escape_text(hasil.pesan)}</span>"
        panel.hasil = hasil

    for s in sliders.values():
        s.observe(perbarui, names="value")
    panel.sliders = sliders
    panel.matriks = matriks
    panel.perbarui = perbarui
    panel.hasil = None
    perbarui()
    return panel
