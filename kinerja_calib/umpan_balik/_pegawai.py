"""The content of one pegawai's feedback sheet: a context of ready-to-show strings.

Every number is formatted here by :mod:`kinerja_calib._angka`; the template only places the
strings (Jinja2 autoescape makes the data text inert). Nothing here names another pegawai:
the atasan appears only by role, and no rater is named or numbered.
"""

from __future__ import annotations

import math
from typing import Any

from .. import labels
from .._angka import bilangan, desimal, persen
from ._prepare import Prepared
from ._svg import bars, paired_bars

__all__ = ["context_pegawai"]

ARTI_RATING = {
    "Di atas ekspektasi": "melampaui yang diharapkan",
    "Sesuai ekspektasi": "memenuhi yang diharapkan",
    "Di bawah ekspektasi": "belum memenuhi yang diharapkan",
}
PERAN_360 = ("atasan", "rekan", "bawahan", "pengguna_layanan")


def _f(v: Any) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _s(v: Any) -> str | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _indikator(rows: list[dict], rules_6_2022) -> dict[str, Any]:
    lo = float(rules_6_2022.get_path("ambang.capaian.batas_bawah"))
    hi = float(rules_6_2022.get_path("ambang.capaian.batas_atas"))
    items = []
    for r in sorted(rows, key=lambda r: str(r["kode_indikator"])):
        c = _f(r["capaian"])
        target = _f(r["target"])
        if target is None and _f(r.get("target_min")) is not None:
            target_teks = f"{desimal(r['target_min'], 2)}–{desimal(r['target_max'], 2)}"
        else:
            target_teks = desimal(target, 2) if target is not None else "–"
        items.append(
            {
                "nama": str(r["nama_indikator"]),
                "satuan": _s(r["satuan"]) or "",
                "jenis": str(r["jenis"]),
                "target": target_teks.replace(",00", ""),
                "realisasi": desimal(r["realisasi"], 2).replace(",00", ""),
                "capaian": persen(c, 1, dari_seratus=True),
                "capaian_f": c,
                "rating": _s(r["rating"]) or "Belum ada realisasi",
                "arti": ARTI_RATING.get(_s(r["rating"]) or "", "belum dapat dinilai"),
                "arah": "makin tinggi makin baik"
                if r["arah"] == "naik"
                else "makin rendah makin baik",
            }
        )
    grafik = None
    if items:
        grafik = bars(
            [(i["nama"], i["capaian_f"], i["capaian"]) for i in items],
            0.0,
            130.0,
            garis=[(lo, persen(lo, 0, dari_seratus=True)), (hi, persen(hi, 0, dari_seratus=True))],
            judul="Capaian per indikator",
        )
    return {
        "items": items,
        "grafik": grafik,
        "batas_bawah": persen(lo, 0, dari_seratus=True),
        "batas_atas": persen(hi, 0, dari_seratus=True),
    }


def _perlu(n: int, s: float) -> int:
    """Smallest count that is more than share ``s`` of ``n`` items."""
    return int(math.floor(s * n + 1e-9)) + 1


def _penggerak(skor: dict, rules_6_2022) -> dict[str, Any]:
    """What the two ratings rest on and what would move them (per-item counts)."""
    s = float(rules_6_2022.get_path("rating_per_butir.sebagian_besar"))
    n = int(skor["n_indikator"] or 0)
    atas, bawah = int(skor["n_indikator_di_atas"]), int(skor["n_indikator_di_bawah"])
    teks_hk: list[str] = []
    if bool(skor["kepala_unit"]) and _f(skor["capaian_dasar_rating"]) != _f(skor["capaian"]):
        teks_hk.append(
            "Sebagai kepala unit, rating hasil kerja Anda mengikuti capaian rata-rata unit Anda "
            f"({persen(skor['capaian_dasar_rating'], 1, dari_seratus=True)})."
        )
    elif n:
        teks_hk.append(
            f"Dari {bilangan(n)} indikator, {bilangan(atas)} di atas ekspektasi dan "
            f"{bilangan(bawah)} di bawah ekspektasi."
        )
        perlu = _perlu(n, s)
        if skor["rating_hasil_kerja"] != "Di atas ekspektasi":
            teks_hk.append(
                f"Untuk di atas ekspektasi: sedikitnya {bilangan(perlu)} indikator di atas "
                "ekspektasi dan tidak ada hasil kerja utama di bawah ekspektasi."
            )
        if bawah and skor["rating_hasil_kerja"] != "Di bawah ekspektasi":
            teks_hk.append(
                f"Bila {bilangan(perlu)} indikator atau lebih di bawah ekspektasi, rating "
                "turun menjadi di bawah ekspektasi."
            )
    na, nb = int(skor["n_aspek_di_atas"]), int(skor["n_aspek_di_bawah"])
    siapa = (
        "atasan"
        if skor["penentu_perilaku"] == "atasan"
        else "gabungan umpan balik 360 (tanpa penilaian atasan)"
    )
    teks_pk = [
        f"Rating perilaku ditetapkan dari penilaian {siapa} atas 7 aspek BerAKHLAK: "
        f"{bilangan(na)} aspek di atas ekspektasi, {bilangan(nb)} di bawah ekspektasi."
    ]
    if skor["rating_perilaku"] != "Di atas ekspektasi":
        teks_pk.append(
            f"Untuk di atas ekspektasi: sedikitnya {bilangan(_perlu(7, s))} aspek di atas "
            "ekspektasi."
        )
    if _s(skor["rating_360_lain"]) and bool(skor["selisih_360"]):
        teks_pk.append(
            f"Penilai lain (rekan, bawahan, pengguna layanan) memberi gambaran berbeda "
            f"({skor['rating_360_lain']}): bahan yang baik untuk dialog kinerja dengan atasan."
        )
    return {"hasil_kerja": teks_hk, "perilaku": teks_pk}


def _matriks(skor: dict, rules_6_2022) -> list[list[dict[str, Any]]]:
    m = rules_6_2022.get_path("matriks.predikat")
    rows = []
    for i in reversed(range(3)):
        rows.append(
            [
                {
                    "teks": m[i][j],
                    "anda": skor["rating_hasil_kerja"] == labels.RATING[i]
                    and skor["rating_perilaku"] == labels.RATING[j],
                }
                for j in range(3)
            ]
        )
    return rows


def _aspek(rows: list[dict], peran: list[dict], p: Prepared) -> dict[str, Any]:
    nama = labels.ASPEK_BERAKHLAK
    by = {str(r["aspek"]): r for r in rows}
    items = []
    for key, label in nama.items():
        r = by.get(key, {})
        diri, lain, atasan = _f(r.get("diri")), _f(r.get("lain")), _f(r.get("atasan"))
        gap = None if diri is None or lain is None else diri - lain
        items.append(
            {
                "nama": label,
                "atasan": desimal(atasan, 2),
                "lain": desimal(lain, 2),
                "diri": desimal(diri, 2),
                "selisih": desimal(gap, 2, tanda=True) if gap is not None else "–",
                "gap": gap,
                "lain_f": lain,
                "diri_f": diri,
            }
        )
    n_by = {str(r["peran_penilai"]): int(r["n_penilai"]) for r in peran}
    sumber = []
    for role in PERAN_360:
        vals = [_f(by.get(k, {}).get(role)) for k in nama]
        vals = [v for v in vals if v is not None]
        if vals:
            teks = f"{desimal(sum(vals) / len(vals), 2)} dari {bilangan(n_by.get(role, 0))} penilai"
            if role == "atasan":
                teks = desimal(sum(vals) / len(vals), 2)
        elif role == "atasan":
            teks = "Tidak ada penilaian atasan pada periode ini."
        else:
            teks = (
                "Tidak ditampilkan: tidak ada penilaian, atau penilainya kurang dari "
                f"{bilangan(p.ambang)} orang (aturan anonimitas)."
            )
        sumber.append({"peran": labels.NAMA_PERAN[role], "teks": teks, "ada": bool(vals)})
    ada_diri = any(i["diri_f"] is not None for i in items)
    ada_lain = any(i["lain_f"] is not None for i in items)
    gaps = sorted((i for i in items if i["gap"] is not None), key=lambda i: -abs(i["gap"]))
    besar = [i for i in gaps[:2] if abs(i["gap"]) >= 0.5]
    grafik = None
    if ada_lain or ada_diri:
        grafik = paired_bars(
            [(i["nama"], i["lain_f"], i["lain"], i["diri_f"], i["diri"]) for i in items],
            1.0,
            5.0,
            ("Penilai lain", "Diri sendiri"),
            judul="Penilaian diri dan penilai lain per aspek",
        )
    urut = sorted((i for i in items if i["lain_f"] is not None), key=lambda i: -i["lain_f"])
    return {
        "items": items,
        "sumber": sumber,
        "ada_360": ada_lain,
        "ada_diri": ada_diri,
        "selisih_besar": besar,
        "grafik": grafik,
        "kuat": urut[:2],
        "kembang": [i for i in urut[-2:][::-1] if i not in urut[:2]],
    }


def _kompetensi(rows: list[dict], p: Prepared) -> dict[str, Any]:
    bentuk = {b["kode"]: b for b in p.ref["bentuk"]}
    saran = p.ref["saran"]
    jenis = {"M": "manajerial", "SK": "sosial kultural"}
    items = []
    for r in sorted(rows, key=lambda r: (_f(r["kesenjangan"]) or 0.0, str(r["kompetensi"]))):
        gap = _f(r["kesenjangan"])
        if gap is None or gap >= 0:
            continue
        kode = saran["besar"] if gap <= -2 else saran["kecil"]
        nama = str(r["kompetensi"])
        if nama in _MANAJERIAL:
            kode = [*kode, *saran["manajerial"]]
        items.append(
            {
                "nama": nama,
                "standar": bilangan(r["level_standar"]),
                "aktual": bilangan(r["level_aktual"]),
                "selisih": desimal(gap, 0),
                "saran": [bentuk[k] for k in dict.fromkeys(kode) if k in bentuk],
            }
        )
    memenuhi = sum(1 for r in rows if (_f(r["kesenjangan"]) or -1) >= 0)
    dipakai = {b["kode"] for i in items for b in i["saran"]}
    return {
        "ada": bool(rows),
        "items": items,
        "memenuhi": bilangan(memenuhi),
        "jenis": jenis,
        "bentuk": [b for b in p.ref["bentuk"] if b["kode"] in dipakai],
    }


#: Competencies of PermenPANRB 38/2017 that are managerial or socio-cultural (mentoring fits).
_MANAJERIAL = {
    "Integritas",
    "Kerjasama",
    "Komunikasi",
    "Orientasi pada Hasil",
    "Pelayanan Publik",
    "Pengembangan Diri dan Orang Lain",
    "Mengelola Perubahan",
    "Pengambilan Keputusan",
    "Perekat Bangsa",
}


def _tren(rows: list[dict]) -> list[dict[str, str]]:
    return [
        {
            "periode": str(r["periode"]),
            "capaian": persen(r["capaian"], 1, dari_seratus=True),
            "perilaku": desimal(r["skor_perilaku"], 2),
            "hasil_kerja": _s(r["rating_hasil_kerja"]) or "–",
            "rating_perilaku": _s(r["rating_perilaku"]) or "–",
            "predikat": _s(r["predikat"]) or "–",
        }
        for r in rows
    ]


def _langkah(ind: dict, asp: dict, komp: dict) -> list[str]:
    out = []
    bawah = [i for i in ind["items"] if i["rating"] == "Di bawah ekspektasi"]
    if bawah:
        i = min(bawah, key=lambda i: i["capaian_f"] or 0.0)
        out.append(
            f"Susun bersama atasan rencana untuk indikator “{i['nama']}” (capaian "
            f"{i['capaian']}, target {i['target']} {i['satuan']}): apa hambatannya dan bantuan "
            "apa yang diperlukan."
        )
    if asp["selisih_besar"]:
        a = asp["selisih_besar"][0]
        if a["gap"] > 0:
            out.append(
                f"Anda menilai diri lebih tinggi daripada penilai lain pada aspek {a['nama']} "
                f"({a['selisih']}). Minta atasan atau rekan memberi contoh perilaku konkret "
                "yang mereka harapkan."
            )
        else:
            out.append(
                f"Penilai lain menilai Anda lebih tinggi daripada Anda sendiri pada aspek "
                f"{a['nama']}. Tanyakan apa yang mereka lihat, dan pakai itu sebagai kekuatan."
            )
    if komp["items"]:
        k = komp["items"][0]
        cara = " atau ".join(s["nama"].lower() for s in k["saran"][:2])
        out.append(
            f"Usulkan {cara} untuk kompetensi {k['nama']} (level {k['aktual']} dari standar "
            f"{k['standar']}) dalam rencana pengembangan kompetensi tahun depan."
        )
    if len(out) < 2 and asp["kembang"]:
        out.append(
            f"Pilih satu perilaku dari aspek {asp['kembang'][0]['nama']} untuk dilatih "
            "bulan ini, lalu minta umpan balik rekan di akhir bulan."
        )
    if len(out) < 2:
        out.append(
            "Jadwalkan dialog kinerja dengan atasan untuk menetapkan target periode berikutnya."
        )
    return out[:3]


def context_pegawai(p: Prepared, nip: str) -> dict[str, Any] | None:
    """The template context of one pegawai's sheet, or ``None`` when ``nip`` is unknown."""
    peg = p.pegawai.rows(nip)
    if not peg:
        return None
    peg = peg[0]
    sampai = set(p.periode_semua[: p.periode_semua.index(p.periode) + 1])
    tren_rows = [r for r in p.skor.rows(nip) if str(r["periode"]) in sampai]  # never a later one
    skor = next((r for r in tren_rows if r["periode"] == p.periode), None)
    ind = _indikator(p.indikator.rows(nip), p.aturan)
    asp = _aspek(p.aspek.rows(nip), p.peran.rows(nip), p)
    komp = _kompetensi(p.kompetensi.rows(nip), p)
    tren = _tren([r for r in tren_rows if _f(r["capaian"]) is not None or _s(r["predikat"])])
    kurang = []
    if not ind["items"]:
        kurang.append("realisasi indikator kinerja")
    if not asp["ada_360"]:
        kurang.append("umpan balik 360 yang dapat ditampilkan")
    if not komp["ada"]:
        kurang.append("data kompetensi")
    if len(tren) < 2:
        kurang.append("periode sebelumnya (tren belum dapat ditampilkan)")
    inst = p.instansi.get(str(peg["kode_instansi"]), {})
    hasil = {
        "nip": str(peg["nip"]),
        "nama": str(peg["nama"]),
        "jabatan": str(peg["jabatan"]),
        "unit": str(peg["unit_kerja"]),
        "instansi": str(inst.get("nama_instansi", peg["kode_instansi"])),
        "periode": p.periode,
        "indikator": ind,
        "aspek": asp,
        "kompetensi": komp,
        "tren": tren,
        "kurang": kurang,
        "ambang": bilangan(p.ambang),
        "perilaku_bawah": desimal(p.aturan.get_path("ambang.perilaku.batas_bawah"), 1),
        "perilaku_atas": desimal(p.aturan.get_path("ambang.perilaku.batas_atas"), 1),
        "skor": None,
    }
    if skor is not None and _s(skor["predikat"]):
        hasil["skor"] = {
            "capaian": persen(skor["capaian"], 1, dari_seratus=True),
            "hasil_kerja": str(skor["rating_hasil_kerja"]),
            "perilaku": str(skor["rating_perilaku"]),
            "predikat": str(skor["predikat"]),
            "arti_hk": ARTI_RATING.get(str(skor["rating_hasil_kerja"]), ""),
            "arti_pk": ARTI_RATING.get(str(skor["rating_perilaku"]), ""),
            "penggerak": _penggerak(skor, p.aturan),
            "matriks": _matriks(skor, p.aturan),
        }
    hasil["langkah"] = _langkah(ind, asp, komp)
    return hasil
