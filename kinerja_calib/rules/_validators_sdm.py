"""Content validators of the SKM, kompetensi and talenta rules (messages in Indonesian).

Registered with :func:`kinerja_calib.rules.daftarkan_validator` for the regimes
``skm-14-2017``, ``kompetensi-38-2017`` and ``talenta-3-2020``, so a user's override
(e.g. JPM thresholds out of order, a 9-box numbering that is not a permutation of 1-9)
is refused on load with one Indonesian message listing every problem.
"""

from __future__ import annotations

from typing import Any

from .. import labels
from ._registry import RulesView, daftarkan_validator

__all__: list[str] = []

_METODE_IKM = ("rata_rata", "bobot_0_11")


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _ascending(values: Any) -> bool:
    return all(_num(v) for v in values) and all(
        a < b for a, b in zip(values, values[1:], strict=False)
    )


def _v_skm(r: RulesView) -> list[str]:
    p: list[str] = []
    unsur = r.get_path("unsur", ())
    kode = [u.get("kode") for u in unsur]
    if not unsur or len(set(kode)) != len(kode) or not all(isinstance(k, str) for k in kode):
        p.append("'unsur' harus daftar unsur dengan 'kode' teks yang unik (u1 ... u9).")
    lo, hi = r.get_path("skala.minimum", None), r.get_path("skala.maksimum", None)
    if not (_num(lo) and _num(hi) and lo < hi):
        p.append("'skala.minimum' dan 'skala.maksimum' harus angka dengan minimum < maksimum.")
    if r.get_path("bobot.metode", None) not in _METODE_IKM:
        p.append(f"'bobot.metode' harus salah satu dari {list(_METODE_IKM)}.")
    w = r.get_path("bobot.dibulatkan", None)
    if not (_num(w) and 0 < w <= 1):
        p.append("'bobot.dibulatkan' harus angka di antara 0 dan 1 (mis. 0.11).")
    f = r.get_path("konversi.faktor", None)
    if not (_num(f) and f > 0):
        p.append("'konversi.faktor' harus angka positif (25).")
    mutu = r.get_path("interval.mutu", ())
    kinerja = r.get_path("interval.kinerja", ())
    bawah = r.get_path("interval.batas_bawah_nik", ())
    if not (len(mutu) == len(kinerja) == len(bawah) > 0):
        p.append(
            "'interval.mutu', 'interval.kinerja' dan 'interval.batas_bawah_nik' harus sama panjang."
        )
    if not _ascending(bawah):
        p.append("'interval.batas_bawah_nik' harus angka yang naik (mis. 25, 65, 76.61, 88.31).")
    d = r.get_path("interval.desimal", None)
    if not (isinstance(d, int) and not isinstance(d, bool) and d >= 0):
        p.append("'interval.desimal' harus bilangan bulat >= 0.")
    return p


def _v_kompetensi(r: RulesView) -> list[str]:
    p: list[str] = []
    lo, hi = r.get_path("level.minimum", None), r.get_path("level.maksimum", None)
    if not (_num(lo) and _num(hi) and lo < hi):
        p.append("'level.minimum' dan 'level.maksimum' harus angka dengan minimum < maksimum.")
    if not isinstance(r.get_path("jpm.batasi", None), bool):
        p.append("'jpm.batasi' harus true atau false.")
    nama = r.get_path("jpm.kategori.nama", ())
    bawah = r.get_path("jpm.kategori.batas_bawah", ())
    if len(nama) != len(bawah) or not nama:
        p.append("'jpm.kategori.nama' dan 'jpm.kategori.batas_bawah' harus sama panjang.")
    if not _ascending(bawah):
        p.append("'jpm.kategori.batas_bawah' harus angka yang naik (mis. 0, 78, 90).")
    if not r.get_path("kompetensi", ()):
        p.append("'kompetensi' (kamus kompetensi) tidak boleh kosong.")
    return p


def _v_talenta(r: RulesView) -> list[str]:
    p: list[str] = []
    grid = r.get_path("kotak", ())
    flat = [x for row in grid for x in row] if all(isinstance(g, tuple) for g in grid) else []
    if len(grid) != 3 or any(len(row) != 3 for row in grid) or sorted(flat) != list(range(1, 10)):
        p.append("'kotak' harus matriks 3 x 3 berisi nomor 1-9 masing-masing sekali.")
    for key in ("kelompok_suksesi", "pendidikan_lanjutan.kotak"):
        v = r.get_path(key, None)
        if v is None or not all(isinstance(x, int) and 1 <= x <= 9 for x in v):
            p.append(f"'{key}' harus daftar nomor kotak 1-9.")
    tl = r.get_path("tindak_lanjut", {})
    if sorted(tl) != [str(i) for i in range(1, 10)]:
        p.append('\'tindak_lanjut\' harus berisi teks untuk kotak "1" sampai "9".')
    peta = r.get_path("kinerja_dari_predikat", {})
    if set(peta) != set(labels.PREDIKAT) or not set(peta.values()) <= set(labels.RATING):
        p.append(
            "'kinerja_dari_predikat' harus memetakan setiap predikat "
            f"{list(labels.PREDIKAT)} ke salah satu rating {list(labels.RATING)}."
        )
    m = r.get_path("pendidikan_lanjutan.minimal_kompetensi_kurang", None)
    if not (isinstance(m, int) and not isinstance(m, bool) and m >= 0):
        p.append("'pendidikan_lanjutan.minimal_kompetensi_kurang' harus bilangan bulat >= 0.")
    return p


daftarkan_validator("skm-14-2017", _v_skm)
daftarkan_validator("kompetensi-38-2017", _v_kompetensi)
daftarkan_validator("talenta-3-2020", _v_talenta)
