"""Indicator builder with live SMART findings, and a weight-sensitivity panel.

Thin ipywidgets apps: they call :mod:`kinerja_calib.indicators` and
:mod:`kinerja_calib.plots.indicators`. Nothing blocks; every app returns a widget.
"""

from __future__ import annotations

import html
import io
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
from IPython.display import HTML, Image, display

from .. import labels
from .._angka import bilangan, persen, ringkas
from .._display import DataKurang
from ..indicators import KOLOM_TEMUAN, capaian, check_smart, sensitivitas_bobot
from ..privacy import AMBANG_BAWAAN

__all__ = ["pembangun_indikator", "panel_sensitivitas", "tabel_temuan_html"]

_WARNA = {"galat": "#b2182b", "peringatan": "#b35806"}


def tabel_temuan_html(temuan: pd.DataFrame, kosong: str = "✓ Tidak ada temuan.") -> str:
    """Findings of :func:`check_smart` as a small HTML table (for widgets and reports)."""
    if temuan.empty:
        return f"<p style='color:#1a9850'><b>{html.escape(kosong)}</b></p>"
    rows = []
    for r in temuan.itertuples(index=False):
        colour = _WARNA.get(r.tingkat, "black")
        rows.append(
            "<tr>"
            f"<td>{html.escape(str(r.kode_indikator))}</td>"
            f"<td><b>{html.escape(str(r.kriteria))}</b></td>"
            f"<td style='color:{colour}'>{html.escape(str(r.tingkat))}</td>"
            f"<td>{html.escape(str(r.temuan))}</td>"
            f"<td>{html.escape(str(r.saran))}</td>"
            "</tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in ("Indikator", "Kriteria", "Tingkat", "Temuan", "Saran"))
    return (
        "<table style='border-collapse:collapse;font-size:90%'>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def pembangun_indikator(
    kode_instansi: str = "CONTOH",
    jabatan: str = "Perawat Ahli Pertama",
    awal: pd.DataFrame | None = None,
) -> widgets.Widget:
    """An indicator builder: type an indicator, see the SMART findings update live.

    Parameters
    ----------
    kode_instansi, jabatan : str
        Defaults for the new indicators.
    awal : DataFrame, optional
        Indicators already in the draft (``indikator`` columns).

    Returns
    -------
    ipywidgets.VBox
        The app; ``app.draf()`` returns the current draft as an ``indikator`` DataFrame
        (the current form included).
    """
    style = {"description_width": "120px"}
    lay = widgets.Layout(width="460px")
    nama = widgets.Text(
        description="Nama indikator", value="Jumlah pasien yang dilayani", style=style, layout=lay
    )
    satuan = widgets.Text(description="Satuan", value="pasien", style=style, layout=lay)
    rentang = widgets.Checkbox(description="Target rentang", value=False)
    target = widgets.FloatText(description="Target", value=1200.0, style=style)
    tmin = widgets.FloatText(description="Target min", value=80.0, style=style)
    tmax = widgets.FloatText(description="Target maks", value=90.0, style=style)
    arah = widgets.Dropdown(
        description="Arah", options=list(labels.ARAH), value="naik", style=style
    )
    bobot = widgets.BoundedFloatText(
        description="Bobot (%)", value=100.0, min=0.0, max=100.0, style=style
    )
    aspek = widgets.Dropdown(
        description="Aspek", options=list(labels.ASPEK_INDIKATOR), value="kuantitas", style=style
    )
    contoh = widgets.FloatText(description="Coba realisasi", value=1100.0, style=style)
    tambah = widgets.Button(description="Tambahkan ke draf")
    hapus = widgets.Button(description="Kosongkan draf")
    out = widgets.Output()
    draft: list[dict[str, Any]] = [] if awal is None else awal.to_dict("records")

    def form_row() -> dict[str, Any]:
        return {
            "kode_indikator": f"BARU-{len(draft) + 1:02d}",
            "kode_instansi": kode_instansi,
            "jabatan": jabatan,
            "nama_indikator": nama.value,
            "satuan": satuan.value,
            "target": np.nan if rentang.value else target.value,
            "target_min": tmin.value if rentang.value else np.nan,
            "target_max": tmax.value if rentang.value else np.nan,
            "arah": arah.value,
            "bobot": bobot.value,
            "aspek": aspek.value,
            "sumber_data": "laporan",
        }

    def draf() -> pd.DataFrame:
        return pd.DataFrame([*draft, form_row()])

    def perbarui(_: Any = None) -> None:
        tmin.layout.display = tmax.layout.display = None if rentang.value else "none"
        target.layout.display = "none" if rentang.value else None
        df = draf()
        temuan = check_smart(df)
        row = df.iloc[-1]
        cap = capaian(
            contoh.value,
            row["target_min"] if rentang.value else row["target"],
            row["arah"],
            row["target_max"],
        )
        with out:
            out.clear_output(wait=True)
            text = persen(cap, 1, dari_seratus=True)
            display(
                HTML(
                    f"<p>Capaian untuk realisasi {ringkas(contoh.value, 6)}: <b>{text}</b> "
                    f"(rumus {'kondisi khusus' if arah.value == 'turun' else 'normal'})</p>"
                )
            )
            display(
                HTML(
                    f"<p>Draf: {bilangan(len(df))} indikator, total bobot "
                    f"{ringkas(df['bobot'].sum(), 2)} %</p>"
                )
            )
            display(HTML(tabel_temuan_html(temuan[KOLOM_TEMUAN])))

    def on_tambah(_: Any) -> None:
        draft.append(form_row())
        perbarui()

    def on_hapus(_: Any) -> None:
        draft.clear()
        perbarui()

    for w in (nama, satuan, rentang, target, tmin, tmax, arah, bobot, aspek, contoh):
        w.observe(perbarui, names="value")
    tambah.on_click(on_tambah)
    hapus.on_click(on_hapus)
    perbarui()
    form = widgets.VBox(
        [
            nama,
            satuan,
            rentang,
            target,
            tmin,
            tmax,
            arah,
            bobot,
            aspek,
            contoh,
            widgets.HBox([tambah, hapus]),
        ]
    )
    app = widgets.VBox(
        [widgets.HTML("<h4>Pembangun indikator kinerja (cek SMART langsung)</h4>"), form, out]
    )
    app.draf = draf  # type: ignore[attr-defined]
    return app


def panel_sensitivitas(
    wb,
    kode_indikator: str | None = None,
    rules=None,
    periode: str = "",
    kode_instansi: str | None = None,
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> widgets.Widget:
    """Pick an indicator and see how the predikat shares move with its weight.

    ``kode_instansi`` limits the list to one instansi (default: the instansi of
    ``kode_indikator``, or all); ``ambang_anonimitas`` is the notebook's anonymity threshold
    (:func:`kinerja_calib.indicators.sensitivitas_bobot`).
    """
    from ..plots.indicators import weight_sensitivity as gambar

    ind = wb.indikator
    if kode_instansi is None and kode_indikator is not None:
        hit = ind.loc[ind["kode_indikator"] == kode_indikator, "kode_instansi"]
        kode_instansi = hit.iloc[0] if len(hit) else None
    if kode_instansi:
        ind = ind[ind["kode_instansi"] == kode_instansi]
    options = [
        (f"{k} — {n} ({j})", k)
        for k, n, j in zip(
            ind["kode_indikator"], ind["nama_indikator"], ind["jabatan"], strict=True
        )
    ]
    pilih = widgets.Dropdown(
        options=options,
        value=kode_indikator or options[0][1],
        description="Indikator",
        layout=widgets.Layout(width="720px"),
    )
    out = widgets.Output()

    def perbarui(_: Any = None) -> None:
        fig = gambar(
            sensitivitas_bobot(
                wb, pilih.value, rules=rules, periode=periode, ambang_anonimitas=ambang_anonimitas
            )
        )
        with out:
            out.clear_output(wait=True)
            if isinstance(fig, DataKurang):  # a "not enough data" note
                display(fig)
                return
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
            display(Image(data=buf.getvalue(), format="png"))

    pilih.observe(perbarui, names="value")
    perbarui()
    return widgets.VBox([pilih, out])
