"""Widget panel of the rater-bias simulator (notebook 03).

A thin ipywidgets app: sliders set the bias sizes of a
:class:`kinerja_calib.simulate.Scenario`; each change re-rates the same
organisation (same true performance, same random numbers) and redraws the rating
distribution per role and the predikat confusion table. For 1,000 ratees a
redraw takes a few tenths of a second.
"""

from __future__ import annotations

import io
import time
from typing import Any

import ipywidgets as widgets
import numpy as np
from IPython.display import Image, display

from .. import simulate as _sim
from .._angka import bilangan, desimal, persen
from ..plots import simulate as _gambar

__all__ = ["SLIDER", "panel_bias"]

#: Slider name → (Indonesian label, min, max, step, Scenario field).
SLIDER = {
    "keparahan": ("Sebaran kelunakan/keparahan", 0.0, 2.0, 0.05, "sd_keparahan"),
    "halo": ("Efek halo", 0.0, 2.0, 0.05, "sd_halo"),
    "sentral": ("Kecenderungan sentral (1 = tidak ada)", 0.3, 1.5, 0.05, "sentral"),
    "rentang": ("Porsi penilai rentang sempit", 0.0, 1.0, 0.05, "porsi_rentang_sempit"),
    "galat": ("Galat acak", 0.0, 2.0, 0.05, "sd_galat"),
    "diri": ("Penilaian diri lebih tinggi (d)", 0.0, 1.0, 0.05, "diri"),
    "wilayah": ("Beda tafsir skala antarwilayah", 0.0, 1.0, 0.05, "sd_wilayah"),
}


def _value(s: _sim.Scenario, field: str) -> float:
    if field == "diri":
        return float(s.geser_peran.get("diri", 0.0))
    return float(getattr(s, field))


def _scenario(base: _sim.Scenario, values: dict[str, float]) -> _sim.Scenario:
    changes: dict[str, Any] = {}
    for name, v in values.items():
        field = SLIDER[name][4]
        if field == "diri":
            changes["geser_peran"] = {**base.geser_peran, "diri": float(v)}
        else:
            changes[field] = float(v)
    return base.replace(**changes)


def _bacaan(slider: widgets.FloatSlider) -> widgets.Label:
    """A readout beside ``slider`` in Indonesian format ("0,50"), kept up to date."""
    label = widgets.Label(desimal(slider.value, 2))

    def ikut(change: Any) -> None:
        label.value = desimal(change["new"], 2)

    slider.observe(ikut, names="value")
    return label


def panel_bias(
    n_pegawai: int = 1000,
    seed: int = 2026,
    scenario: _sim.Scenario | None = None,
    rules: Any = None,
    dpi: int = 80,
) -> widgets.VBox:
    """Sliders for each rater bias, redrawing rating distributions and predikat confusion.

    Parameters
    ----------
    n_pegawai : int
        Size of the simulated organisation (generated once).
    seed : int
        Seed of the organisation and of every redraw (so only the sliders change
        the picture).
    scenario : Scenario, optional
        Starting values (default ``Scenario()``); ``n_pegawai`` overrides its size.
    rules : optional
        Rules for the predikat (default ``"permenpanrb-6-2022"``).
    dpi : int
        Resolution of the redrawn figure.

    Returns
    -------
    ipywidgets.VBox
        The panel. ``panel.perbarui()`` redraws; ``panel.sliders`` maps slider
        names to widgets; ``panel.waktu_terakhir`` holds the last redraw time (s);
        ``panel.simulasi`` the last :class:`~kinerja_calib.simulate.Simulation`.
    """
    base = (scenario or _sim.Scenario()).replace(n_pegawai=int(n_pegawai))
    pegawai, instansi = _sim.generate_organisation(base, np.random.default_rng(seed))
    style = {"description_width": "260px"}
    layout = widgets.Layout(width="560px")
    sliders = {
        name: widgets.FloatSlider(
            value=_value(base, field),
            min=lo,
            max=hi,
            step=step,
            description=label,
            continuous_update=False,
            readout=False,  # the browser's readout has a decimal point: ours is Indonesian
            style=style,
            layout=layout,
        )
        for name, (label, lo, hi, step, field) in SLIDER.items()
    }
    bacaan = {name: _bacaan(w) for name, w in sliders.items()}
    tombol_nol = widgets.Button(description="Tanpa bias")
    tombol_bawaan = widgets.Button(description="Nilai bawaan")
    status = widgets.HTML()
    out = widgets.Output()
    panel = widgets.VBox(
        [
            widgets.HTML("<b>Atur besar tiap bias penilai lalu lihat dampaknya pada predikat</b>"),
            *(widgets.HBox([w, bacaan[k]]) for k, w in sliders.items()),
            widgets.HBox([tombol_nol, tombol_bawaan]),
            status,
            out,
        ]
    )
    state = {"busy": False}

    def perbarui(change: Any = None) -> None:
        if state["busy"]:
            return
        t0 = time.perf_counter()
        s = _scenario(base, {k: w.value for k, w in sliders.items()})
        sim = _sim.rate_organisation(
            pegawai, s, seed=seed, instansi=instansi, periode=base.periode[:1]
        )
        tabel = _sim.bandingkan_predikat(sim, rules=rules)
        fig = _gambar.distribution_and_confusion(sim, tabel)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        with out:
            out.clear_output(wait=True)
            display(Image(data=buf.getvalue(), format="png"))
        dt = time.perf_counter() - t0
        salah = tabel["salah"].mean()
        status.value = (
            f"Predikat keliru: <b>{persen(salah, 1)}</b> dari {bilangan(len(tabel))} pegawai · "
            f"digambar ulang dalam {desimal(dt, 2)} detik"
        )
        panel.waktu_terakhir = dt
        panel.simulasi = sim

    def set_all(values: dict[str, float]) -> None:
        state["busy"] = True
        try:
            for k, v in values.items():
                sliders[k].value = v
        finally:
            state["busy"] = False
        perbarui()

    def nol(_: Any) -> None:
        neutral = _sim.Scenario.tanpa_bias()
        set_all(
            {
                k: (_value(neutral, f) if k != "galat" else sliders[k].value)
                for k, (_, _, _, _, f) in SLIDER.items()
            }
        )

    def bawaan(_: Any) -> None:
        set_all({k: _value(base, f) for k, (_, _, _, _, f) in SLIDER.items()})

    for w in sliders.values():
        w.observe(perbarui, names="value")
    tombol_nol.on_click(nol)
    tombol_bawaan.on_click(bawaan)
    panel.sliders = sliders
    panel.bacaan = bacaan
    panel.perbarui = perbarui
    panel.waktu_terakhir = float("nan")
    panel.simulasi = None
    perbarui()
    return panel
