"""The report's rules appendix in plain Indonesian: which numbers are unconfirmed, what the
instansi may decide.

A leader's report shows no configuration key and no code (those live in the README and the
course, see :func:`kinerja_calib.rules.catatan_belum_terkonfirmasi`). Each rules file is
described by *topics*: a topic covers some key prefixes of one regime and words the values
in use as one sentence, read from the rules (so a value the instansi set itself is quoted as
it is). A topic is shown when one of its keys is an unconfirmed default still in use;
unconfirmed keys no topic covers are counted in one closing sentence; values the instansi set
itself are named by topic.

This module sits low: it reads :class:`~kinerja_calib.rules.Rules` objects and formats
numbers with :func:`kinerja_calib._display.angka`; it computes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ._display import angka
from ._escape import escape_text as _e

__all__ = ["kalimat_aturan"]


# --------------------------------------------------------------------------- numbers


def _bil(x: Any) -> str:
    """A rule number with the decimals it has, at most three: "120", "3,5", "0,11"."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(v):
        return "–"
    nd = next((d for d in range(3) if round(v, d) == round(v, 9)), 3)
    return angka(v, nd)


def _pct(x: Any) -> str:
    """A share 0–1 as a percentage ("40 %")."""
    try:
        return _bil(100 * float(x)) + " %"
    except (TypeError, ValueError):
        return str(x)


def _skala(x: Any) -> str:
    """A value on the 1–5 rating scale, always with one decimal ("3,0")."""
    try:
        return angka(float(x), 1)
    except (TypeError, ValueError):
        return str(x)


def _daftar(items: Sequence[str]) -> str:
    """ "a", "a dan b", "a, b dan c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " dan " + items[-1]


# --------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class _Topik:
    rezim: str
    nama: str  # what the instansi would call it ("bobot sumber 360")
    awalan: tuple[str, ...]  # key prefixes covered
    kalimat: Callable[[Any, dict], str]


def _get(r, path: str, default: Any = None) -> Any:
    return r.get_path(path, default)


def _k_kurva(r, konteks: dict) -> str:
    org = konteks.get("predikat_organisasi", "")
    ket = [_e(k) for k in konteks.get("ketentuan_kurva", [])]
    batas = f" ({'; '.join(ket)})" if ket else ""
    teks = (
        f"**Kurva distribusi.** Batas sebaran predikat pegawai untuk predikat organisasi "
        f"{_e(org)}{batas} baru bersumber dari satu ringkasan sekunder Surat Edaran "
        "MenPANRB 3/2023; teks resmi surat edaran belum diperiksa."
    )
    info = r.info("kurva.pembulatan") if _get(r, "kurva.pembulatan") is not None else None
    if info and not info["terkonfirmasi"] and not info["ditetapkan_instansi"]:
        mode = str(info["nilai"])
        cara = {
            "ke_bawah_untuk_maks_ke_atas_untuk_min": (
                "membulatkan batas 'paling banyak' ke bawah dan batas 'paling sedikit' ke atas"
            ),
            "terdekat": "membulatkan jumlah orang ke bilangan bulat terdekat",
        }.get(mode, "memakai cara pembulatan bawaan")
        teks += (
            f" Cara membulatkan jumlah orang di unit kecil juga tidak diatur; laporan ini {cara}."
        )
    return teks + (
        " Instansi dapat menetapkan batas dan cara pembulatannya sendiri; usulan perpindahan "
        "predikat bergantung pada angka ini."
    )


def _k_ambang(r, konteks: dict) -> str:
    c = _get(r, "ambang.capaian", {}) or {}
    p = _get(r, "ambang.perilaku", {}) or {}
    return (
        "**Batas rating hasil kerja dan perilaku.** Peraturan tidak memberi angka untuk "
        "mengubah capaian dan nilai perilaku menjadi rating. Laporan ini memakai: capaian di "
        f"bawah {_bil(c.get('batas_bawah'))} % berarti di bawah ekspektasi dan mulai "
        f"{_bil(c.get('batas_atas'))} % di atas ekspektasi; nilai perilaku rata-rata di bawah "
        f"{_skala(p.get('batas_bawah'))} berarti di bawah ekspektasi dan mulai "
        f"{_skala(p.get('batas_atas'))} di atas ekspektasi. Instansi dapat menetapkan "
        "batasnya sendiri."
    )


def _k_matriks(r, konteks: dict) -> str:
    return (
        "**Tabel predikat.** Tabel yang menggabungkan rating hasil kerja dan rating perilaku "
        "menjadi predikat diambil dari beberapa penerapan publik yang saling sesuai; gambar "
        "tabel pada Lampiran PermenPANRB 6/2022 belum dicocokkan."
    )


_NAMA_PERAN = {
    "atasan": "atasan",
    "rekan": "rekan kerja",
    "bawahan": "bawahan",
    "pengguna_layanan": "pengguna layanan",
}


def _k_bobot(r, konteks: dict) -> str:
    b = _get(r, "bobot_peran", {}) or {}
    bagian = [f"{nama} {_pct(b[k])}" for k, nama in _NAMA_PERAN.items() if k in b]
    return (
        "**Bobot sumber penilaian 360.** Tidak ada bobot resmi; laporan ini memakai "
        f"{_daftar(bagian)}, dan penilaian diri sendiri tidak dihitung. Instansi dapat "
        "menetapkan bobotnya sendiri."
    )


def _k_skala(r, konteks: dict) -> str:
    return (
        f"**Skala nilai perilaku** {_bil(_get(r, 'skala_360.minimum'))}–"
        f"{_bil(_get(r, 'skala_360.maksimum'))} adalah kebiasaan instansi dan aplikasi, bukan "
        "ketentuan peraturan."
    )


def _k_capaian(r, konteks: dict) -> str:
    return (
        "**Capaian indikator.** Capaian satu indikator dibatasi paling tinggi "
        f"{_bil(_get(r, 'capaian.maksimum_per_indikator'))} % dan paling rendah "
        f"{_bil(_get(r, 'capaian.minimum'))} %, dan realisasi di dalam rentang target "
        f"dihitung {_bil(_get(r, 'capaian.dalam_rentang'))} %. PermenPANRB 6/2022 tidak "
        "mengatur hal ini; batasnya dipinjam dari aturan sebelumnya."
    )


def _k_kepala(r, konteks: dict) -> str:
    if str(_get(r, "kepala_unit.metode")) == "individu":
        return "**Kepala unit** dinilai dari indikatornya sendiri."
    return (
        "**Kepala unit** dinilai dari rata-rata capaian pegawai unitnya, sebagai pengganti "
        "capaian organisasi unit yang tidak ada dalam data. Instansi dapat memilih agar "
        "kepala unit dinilai dari indikatornya sendiri."
    )


def _k_perilaku(r, konteks: dict) -> str:
    penentu = str(_get(r, "perilaku.penentu"))
    if penentu == "atasan":
        return (
            "**Rating perilaku** mengikuti penilaian atasan (pejabat penilai kinerja); "
            "penilaian 360 lainnya menjadi bahan pertimbangan."
        )
    if penentu == "komposit_360":
        return (
            "**Rating perilaku** dihitung dari gabungan seluruh penilaian 360 yang lolos "
            "ambang anonimitas. Peraturan menyerahkan keputusan ini kepada atasan sebagai "
            "pejabat penilai kinerja; instansi dapat memilih agar rating perilaku mengikuti "
            "penilaian atasan."
        )
    return "**Rating perilaku** ditentukan dengan cara bawaan yang belum terkonfirmasi."


def _k_butir(r, konteks: dict) -> str:
    return (
        "**Rating per butir.** Bila rating ditetapkan per butir, 'sebagian besar' butir "
        f"dibaca sebagai lebih dari {_pct(_get(r, 'rating_per_butir.sebagian_besar'))} butir."
    )


def _k_tahunan(r, konteks: dict) -> str:
    if str(_get(r, "predikat_tahunan.metode")) == "median":
        cara = "nilai tengah predikat semua periode tahun itu (bila dua, yang lebih rendah)"
    else:
        cara = "predikat periode terakhir tahun itu, yang merangkap evaluasi tahunan"
    return (
        f"**Predikat tahunan** diambil dari {cara}. Peraturan tidak menyebut cara "
        "menurunkannya dari predikat periodik; instansi menetapkannya sendiri."
    )


def _k_smart(r, konteks: dict) -> str:
    return (
        "**Pemeriksaan SMART indikator** memberi peringatan bila satu indikator memikul lebih "
        f"dari {_pct(_get(r, 'cek_smart.bobot_timpang'))} bobot jabatannya (jabatan dengan "
        f"sekurang-kurangnya {_bil(_get(r, 'cek_smart.minimal_indikator'))} indikator), dan "
        "membandingkan target dengan realisasi terdahulu hanya bila ada sekurang-kurangnya "
        f"{_bil(_get(r, 'cek_smart.minimal_realisasi'))} nilai dari "
        f"{_bil(_get(r, 'cek_smart.minimal_pemegang'))} pegawai. Angka-angka ini pilihan alat "
        "ini, bukan peraturan; peringatannya bahan diskusi, bukan keputusan."
    )


def _k_banding(r, konteks: dict) -> str:
    return (
        "**Keterbandingan skor perilaku terkalibrasi.** Dua kelompok pegawai (unit kerja, "
        "instansi atau wilayah) dianggap dapat dibandingkan bila sekurang-kurangnya "
        f"{_bil(_get(r, 'keterbandingan.minimal_penghubung'))} penilai berbeda menghubungkan "
        "keduanya; kelompok yang terhubung lebih lemah tidak diurutkan bersama kelompok utama "
        "dalam usulan kurva distribusi. Angka ini pilihan alat ini, bukan peraturan."
    )


def _k_diagnosis(r, konteks: dict) -> str:
    g = "diagnosis_penilai."
    return (
        "**Diagnosis penilai 360** menandai penilai yang sekurang-kurangnya memberi "
        f"{_bil(_get(r, g + 'min_n'))} nilai: *terlalu lunak/keras* bila keparahannya lebih dari "
        f"{_bil(_get(r, g + 'keparahan_sd'))} simpangan baku penilai lain dan "
        f"{_bil(_get(r, g + 'z'))} galat baku dari nol; *kecenderungan sentral* bila sebaran "
        f"nilainya di bawah {_bil(_get(r, g + 'sentral'))} kali sebaran yang diharapkan dari "
        "penilai lain atas pegawai yang sama; *efek halo* bila aspek-aspeknya bergerak bersama "
        f"lebih dari {_bil(_get(r, g + 'halo'))} kali penilai lain; *tidak konsisten* bila "
        f"sisaannya di atas {_bil(_get(r, g + 'msr'))} kali rata-rata. Ambang halo dan sentral "
        "ditera pada data simulasi (sekitar satu dari sepuluh penilai biasa ikut tertandai); "
        "semuanya pilihan alat ini, bukan peraturan, dan diagnosis adalah bahan percakapan "
        "dengan penilai, bukan keputusan."
    )


def _k_ikm(r, konteks: dict) -> str:
    bulat = _bil(_get(r, "bobot.dibulatkan"))
    if str(_get(r, "bobot.metode")) == "rata_rata":
        return (
            "**Indeks Kepuasan Masyarakat.** Kesembilan unsur survei diberi bobot sama; cara "
            f"hitung acuan lain membulatkan bobot tiap unsur menjadi {bulat}, yang membuat IKM "
            "sedikit lebih rendah. Teks peraturan untuk pilihan ini belum ditemukan; instansi "
            "dapat memilih caranya."
        )
    return (
        f"**Indeks Kepuasan Masyarakat** memakai bobot {bulat} per unsur survei, mengikuti "
        "contoh perhitungan acuan; teks peraturan untuk pilihan ini belum ditemukan."
    )


def _k_jpm_kategori(r, konteks: dict) -> str:
    nama = list(_get(r, "jpm.kategori.nama", ()) or ())
    batas = list(_get(r, "jpm.kategori.batas_bawah", ()) or ())
    pasangan = [f"mulai {_bil(b)} % {_e(n)}" for n, b in zip(nama, batas, strict=False)][1:]
    return (
        "**Kategori Job Person Match** (" + _daftar(list(reversed(pasangan))) + ") berasal "
        "dari Peraturan BRIN 3/2023; ketentuan BKN dengan angka yang sama belum ditemukan. "
        "Instansi dapat menetapkan batasnya sendiri."
    )


def _k_jpm_batasi(r, konteks: dict) -> str:
    if bool(_get(r, "jpm.batasi")):
        return (
            "**Job Person Match** memotong level kompetensi di atas standar sebelum dijumlah; "
            "aturan ini belum terkonfirmasi."
        )
    return (
        "**Job Person Match** ikut menghitung level kompetensi di atas standar, sehingga bisa "
        "melebihi 100 %; apakah level itu harus dipotong pada standar belum terkonfirmasi."
    )


def _k_kompetensi(r, konteks: dict) -> str:
    return (
        "**Kamus kompetensi.** Kode sebagian kompetensi dan level standar per jenjang jabatan "
        "belum dicocokkan dengan peraturan; level standar diambil dari data instansi."
    )


def _k_talenta(r, konteks: dict) -> str:
    peta = _get(r, "kinerja_dari_predikat", {}) or {}
    kelompok: dict[str, list[str]] = {}
    for predikat, sumbu in peta.items():
        kelompok.setdefault(str(sumbu).lower(), []).append(str(predikat))
    sumbu = "; ".join(f"{_daftar([_e(p) for p in ps])}: {_e(s)}" for s, ps in kelompok.items())
    return (
        "**Peta talenta.** Penomoran 9 kotak, pemetaan predikat ke sumbu kinerja "
        f"({sumbu}), saran tindak lanjut per kotak dan aturan usulan pendidikan lanjutan "
        "berasal dari aplikasi talenta publik dan pilihan alat ini, bukan dari teks "
        "PermenPANRB 3/2020. Semuanya bahan pertimbangan, bukan keputusan."
    )


_R6, _SKM, _KOMP, _TAL = "permenpanrb-6-2022", "skm-14-2017", "kompetensi-38-2017", "talenta-3-2020"

_TOPIK: tuple[_Topik, ...] = (
    _Topik(_R6, "batas kurva distribusi", ("kurva.",), _k_kurva),
    _Topik(_R6, "batas rating", ("ambang.",), _k_ambang),
    _Topik(_R6, "tabel predikat", ("matriks.",), _k_matriks),
    _Topik(_R6, "penentu rating perilaku", ("perilaku.",), _k_perilaku),
    _Topik(_R6, "bobot sumber 360", ("bobot_peran.",), _k_bobot),
    _Topik(_R6, "skala nilai perilaku", ("skala_360.",), _k_skala),
    _Topik(_R6, "batas capaian indikator", ("capaian.",), _k_capaian),
    _Topik(_R6, "penilaian kepala unit", ("kepala_unit.",), _k_kepala),
    _Topik(_R6, "rating per butir", ("rating_per_butir.",), _k_butir),
    _Topik(_R6, "predikat tahunan", ("predikat_tahunan.",), _k_tahunan),
    _Topik(_R6, "pemeriksaan SMART", ("cek_smart.",), _k_smart),
    _Topik(_R6, "keterbandingan skor", ("keterbandingan.",), _k_banding),
    _Topik(_R6, "diagnosis penilai 360", ("diagnosis_penilai.",), _k_diagnosis),
    _Topik(_SKM, "bobot IKM", ("bobot.",), _k_ikm),
    _Topik(_KOMP, "kategori Job Person Match", ("jpm.kategori.",), _k_jpm_kategori),
    _Topik(_KOMP, "perhitungan Job Person Match", ("jpm.batasi",), _k_jpm_batasi),
    _Topik(_KOMP, "kamus kompetensi", ("kompetensi[", "level_standar_per_jenjang."), _k_kompetensi),
    _Topik(
        _TAL,
        "peta talenta",
        ("kotak", "kinerja_dari_predikat.", "tindak_lanjut.", "pendidikan_lanjutan."),
        _k_talenta,
    ),
)


def _cocok(kunci: Iterable[str], awalan: tuple[str, ...]) -> list[str]:
    return [k for k in kunci if k.startswith(awalan)]


def kalimat_aturan(aturan: Sequence[Any], konteks: dict | None = None) -> list[str]:
    """Plain-Indonesian Markdown paragraphs on the rules a report used.

    Parameters
    ----------
    aturan : sequence of Rules
        The rules the report used (scoring first, then survey, competency, talent …).
    konteks : dict, optional
        ``predikat_organisasi`` (str) and ``ketentuan_kurva`` (list of the kurva
        constraints of that predikat in words), used by the kurva sentence.

    Returns
    -------
    list of str
        One bullet line (``"- …"``) per topic with an unconfirmed default in use, then a
        line naming what the instansi set itself, then a count of other unconfirmed values.
        No configuration key, file name or code appears in them.
    """
    konteks = konteks or {}
    baris: list[str] = []
    sendiri: list[str] = []
    lain = 0
    for r in aturan:
        belum = list(r.belum_terkonfirmasi()["kunci"])
        ditetapkan = list(r.ditetapkan_instansi()["kunci"])
        topik = [t for t in _TOPIK if t.rezim == r.rezim]
        tertutup: set[str] = set()
        for t in topik:
            kena = _cocok(belum, t.awalan)
            tertutup.update(kena)
            if kena:
                baris.append("- " + t.kalimat(r, konteks))
            if _cocok(ditetapkan, t.awalan):
                sendiri.append(t.nama)
        lain += len([k for k in belum if k not in tertutup])
        if ditetapkan and not any(_cocok(ditetapkan, t.awalan) for t in topik):
            sendiri.append(f"{len(ditetapkan)} angka lain")
    if sendiri:
        baris.append(
            "- **Ditetapkan instansi sendiri** (dipakai menggantikan bawaan): "
            + _daftar(sendiri)
            + "."
        )
    if lain:
        baris.append(
            f"- Selain itu {angka(lain, 0)} angka bawaan lain belum terkonfirmasi; daftar "
            "lengkapnya ada pada README dan kursus."
        )
    return baris
