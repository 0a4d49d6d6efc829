"""The content of one rater's tendency sheet: leniency, range and halo against peers.

Peers are the other raters of the same instansi with a sheet of their own; they appear only
as a median and a share ("lebih lunak daripada 70 % penilai lain"), and only when there are
at least as many of them as the anonymity threshold. No pegawai rated is named or numbered:
the sheet shows the count of pegawai rated and aggregates of the rater's own scores.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import labels
from .._angka import bilangan, desimal, persen
from ._prepare import Prepared
from ._svg import bars, diverging_bars

__all__ = ["context_penilai"]

EFEK = {
    "lunak": (
        "Pegawai yang Anda nilai mendapat skor lebih tinggi daripada bila dinilai penilai lain. "
        "Predikat mereka bisa naik tanpa kinerja yang lebih baik, dan pegawai yang sungguh "
        "menonjol tidak terlihat berbeda.",
        "Sebelum memberi 5, tuliskan satu contoh perilaku nyata yang melampaui harapan. "
        "Tanpa contoh, mulailah dari 3 (sesuai ekspektasi).",
    ),
    "keras": (
        "Pegawai yang Anda nilai mendapat skor lebih rendah daripada bila dinilai penilai lain. "
        "Rating perilaku di bawah ekspektasi menentukan predikat, jadi kekerasan ini bisa "
        "menurunkan predikat mereka.",
        "Baca kembali jangkar skala: 3 berarti sesuai harapan, bukan 'biasa saja'. Berikan 4 "
        "bila Anda dapat menyebut contoh perilaku di atas harapan.",
    ),
    "sempit": (
        "Hampir semua pegawai Anda mendapat skor yang mirip (kecenderungan sentral). Yang "
        "berprestasi dan yang perlu dibantu tidak terbedakan, sehingga umpan balik kehilangan "
        "arah.",
        "Sebelum menilai, urutkan pegawai Anda dari yang paling kuat ke yang paling perlu "
        "dibantu pada satu aspek; pakai seluruh skala 1–5 bila memang berbeda.",
    ),
    "halo": (
        "Satu pegawai cenderung mendapat skor yang sama pada semua aspek (efek halo). Kesan "
        "umum menutupi kekuatan dan kelemahan yang sebenarnya berbeda antaraspek.",
        "Nilai satu aspek untuk semua pegawai sekaligus, lalu pindah ke aspek berikutnya, "
        "dengan contoh perilaku dari panduan BerAKHLAK untuk setiap aspek.",
    ),
}


def _f(v: Any) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _posisi(nilai: float, lain: np.ndarray) -> str:
    """Share of peers below ``nilai``, as shown."""
    lain = lain[np.isfinite(lain)]
    return persen(float(np.mean(lain < nilai)) if len(lain) else None, 0)


def context_penilai(p: Prepared, nip: str) -> dict[str, Any] | None:
    """The template context of one rater's sheet, or ``None`` without a sheet."""
    rows = p.penilai.rows(nip)
    peg = p.pegawai.rows(nip)
    if not rows or not peg:
        return None
    r, peg = rows[0], peg[0]
    cfg = p.ref["penilai"]
    kode = str(r["kode_instansi"])
    sebaran = p.sebaran.get(kode, {})
    lain = sebaran.get("nip", np.array([], dtype=object)) != nip
    n_lain = int(lain.sum())
    banding = n_lain >= p.ambang
    lunak, rentang, halo = _f(r["lunak"]), _f(r["rentang"]), _f(r["halo"])

    def median(col: str) -> float | None:
        if not banding:
            return None
        v = sebaran[col][lain]
        v = v[np.isfinite(v)]
        return float(np.median(v)) if len(v) else None

    m_lunak, m_rentang, m_halo = median("lunak"), median("rentang"), median("halo")
    temuan = []
    batas = float(cfg["batas_lunak"])
    if lunak is not None and lunak >= batas:
        temuan.append("lunak")
    elif lunak is not None and lunak <= -batas:
        temuan.append("keras")
    if (
        rentang is not None
        and m_rentang
        and rentang < float(cfg["rasio_rentang_sempit"]) * m_rentang
    ):
        temuan.append("sempit")
    if halo is not None and halo < float(cfg["batas_halo"]):
        temuan.append("halo")
    ukuran = [
        {
            "nama": "Kelunakan",
            "arti": "rata-rata selisih skor Anda terhadap penilai lain atas pegawai dan aspek yang "
            "sama (positif = lebih murah hati)",
            "anda": desimal(lunak, 2, tanda=True),
            "median": desimal(m_lunak, 2, tanda=True) if banding else "–",
            "posisi": _posisi(lunak, sebaran["lunak"][lain])
            if banding and lunak is not None
            else "–",
        },
        {
            "nama": "Rentang",
            "arti": "simpangan baku semua skor yang Anda berikan (kecil = skor mirip semua)",
            "anda": desimal(rentang, 2),
            "median": desimal(m_rentang, 2) if banding else "–",
            "posisi": _posisi(rentang, sebaran["rentang"][lain])
            if banding and rentang is not None
            else "–",
        },
        {
            "nama": "Pembedaan antaraspek",
            "arti": "rata-rata simpangan baku skor satu pegawai antaraspek (kecil = tanda efek "
            "halo)",
            "anda": desimal(halo, 2),
            "median": desimal(m_halo, 2) if banding else "–",
            "posisi": _posisi(halo, sebaran["halo"][lain]) if banding and halo is not None else "–",
        },
    ]
    per_aspek = {str(a["aspek"]): a for a in p.penilai_aspek.rows(nip)}
    wide = sebaran.get("aspek")
    aspek = []
    for key, nama in labels.ASPEK_BERAKHLAK.items():
        a = per_aspek.get(key, {})
        anda = _f(a.get("lunak"))
        med = None
        if banding and wide is not None and key in wide.columns:
            v = wide.loc[wide.index != nip, key].to_numpy(float)
            v = v[np.isfinite(v)]
            med = float(np.median(v)) if len(v) else None
        aspek.append(
            {
                "nama": nama,
                "rata": desimal(a.get("rata"), 2),
                "anda": desimal(anda, 2, tanda=True),
                "anda_f": anda,
                "median": desimal(med, 2, tanda=True),
                "median_f": med,
            }
        )
    grafik = diverging_bars(
        [(a["nama"], a["anda_f"], a["anda"], a["median_f"], a["median"]) for a in aspek],
        1.0,
        ("Anda", "Median penilai lain"),
        judul="Kelunakan per aspek: kanan = lebih murah hati, kiri = lebih keras",
    )
    nilai = {int(x["nilai"]): int(x["n"]) for x in p.penilai_nilai.rows(nip)}
    total = sum(nilai.values()) or 1
    sebar = bars(
        [
            (f"Skor {k}", 100.0 * nilai.get(k, 0) / total, persen(nilai.get(k, 0) / total, 0))
            for k in range(1, 6)
        ],
        0.0,
        100.0,
        judul="Sebaran skor yang Anda berikan",
    )
    inst = p.instansi.get(kode, {})
    return {
        "nip": str(peg["nip"]),
        "nama": str(peg["nama"]),
        "jabatan": str(peg["jabatan"]),
        "unit": str(peg["unit_kerja"]),
        "instansi": str(inst.get("nama_instansi", kode)),
        "periode": p.periode,
        "n_dinilai": bilangan(r["n_dinilai"]),
        "rata": desimal(r["rata"], 2),
        "banding": banding,
        "n_lain": bilangan(n_lain),
        "ambang": bilangan(p.ambang),
        "ukuran": ukuran,
        "aspek": aspek,
        "grafik": grafik,
        "sebar": sebar,
        "temuan": [{"kode": t, "efek": EFEK[t][0], "tip": EFEK[t][1]} for t in temuan],
        "batas_lunak": desimal(batas, 1),
    }
