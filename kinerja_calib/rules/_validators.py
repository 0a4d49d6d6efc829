"""Content validators of the built-in regimes (messages in Indonesian)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .. import labels
from ._registry import RulesView, daftarkan_validator

__all__: list[str] = []

PEMBULATAN = (
    "ke_bawah_untuk_maks_ke_atas_untuk_min",
    "ke_atas_untuk_maks_ke_bawah_untuk_min",
    "terdekat",
)
#: Who decides the perilaku rating (``perilaku.penentu``); see kinerja_calib._butir.
PENENTU_PERILAKU = ("atasan", "komposit_360")
#: How overall ratings are made (``rating_per_butir.metode``); see kinerja_calib._butir.
METODE_RATING = ("per_butir", "rata_rata")
#: How the annual predikat follows from the periodic ones; see kinerja_calib.tahunan.
METODE_TAHUNAN = ("periode_terakhir", "median")


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _need(r: RulesView, path: str, problems: list[str]) -> Any:
    v = r.get_path(path, None)
    if v is None:
        problems.append(f"kunci '{path}' wajib ada.")
    return v


def _need_num(r: RulesView, path: str, problems: list[str], lo=None, hi=None) -> float | None:
    v = _need(r, path, problems)
    if v is None:
        return None
    if not _num(v):
        problems.append(f"'{path}' harus berupa angka, bukan {v!r}.")
        return None
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        problems.append(f"'{path}' = {v} di luar rentang yang masuk akal [{lo}, {hi}].")
    return float(v)


def _check_thresholds(r: RulesView, base: str, problems: list[str], lo=None, hi=None) -> None:
    a = _need_num(r, f"{base}.batas_bawah", problems, lo, hi)
    b = _need_num(r, f"{base}.batas_atas", problems, lo, hi)
    if a is not None and b is not None and not a <= b:
        problems.append(f"'{base}.batas_bawah' ({a}) harus ≤ '{base}.batas_atas' ({b}).")


def _check_weights(r: RulesView, path: str, keys: tuple[str, ...], problems: list[str]) -> None:
    w = _need(r, path, problems)
    if w is None:
        return
    if not isinstance(w, Mapping):
        problems.append(f"'{path}' harus berupa tabel bobot per peran.")
        return
    unknown = sorted(set(w) - set(keys) - {"sumber"})
    if unknown:
        problems.append(f"'{path}' memuat peran tidak dikenal {unknown}; pilih dari {list(keys)}.")
    vals = [w[k] for k in w if k != "sumber"]
    if any(not _num(v) or v < 0 for v in vals):
        problems.append(f"Semua bobot di '{path}' harus angka ≥ 0.")
    elif sum(vals) <= 0:
        problems.append(f"Jumlah bobot di '{path}' harus > 0.")


def _check_butir(r: RulesView, p: list[str]) -> None:
    """``rating_per_butir`` and ``perilaku`` are optional (older instansi copies lack them)."""
    sb = r.get_path("rating_per_butir.sebagian_besar", None)
    # compared at 9 decimals like every threshold (0.49999999999999994 is 0.5)
    if sb is not None and (not _num(sb) or math.isnan(sb) or not 0.5 <= round(sb, 9) < 1):
        p.append(
            f"'rating_per_butir.sebagian_besar' = {sb!r} tidak sah: isi angka 0,5 ≤ nilai < 1 "
            "(bagian butir yang disebut 'sebagian besar'; 0.5 = lebih dari separuh)."
        )
    metode = r.get_path("rating_per_butir.metode", None)
    if metode is not None and metode not in METODE_RATING:
        p.append(
            f"'rating_per_butir.metode' = {metode!r} tidak dikenal; pilih salah satu dari "
            f"{list(METODE_RATING)}."
        )
    penentu = r.get_path("perilaku.penentu", None)
    if penentu is not None and penentu not in PENENTU_PERILAKU:
        p.append(
            f"'perilaku.penentu' = {penentu!r} tidak dikenal; pilih salah satu dari "
            f"{list(PENENTU_PERILAKU)}."
        )


def _v_6_2022(r: RulesView) -> list[str]:
    p: list[str] = []
    if tuple(r.get_path("rating.label", ())) != labels.RATING:
        p.append(f"'rating.label' harus {list(labels.RATING)} (urut rendah → tinggi).")
    if tuple(r.get_path("predikat.pegawai", ())) != labels.PREDIKAT:
        p.append(f"'predikat.pegawai' harus {list(labels.PREDIKAT)}.")
    if tuple(r.get_path("predikat.organisasi", ())) != labels.PREDIKAT_ORGANISASI:
        p.append(f"'predikat.organisasi' harus {list(labels.PREDIKAT_ORGANISASI)}.")
    m = _need(r, "matriks.predikat", p)
    if m is not None:
        ok = len(m) == 3 and all(isinstance(row, tuple) and len(row) == 3 for row in m)
        if not ok:
            p.append("'matriks.predikat' harus matriks 3 × 3 (baris hasil kerja, kolom perilaku).")
        else:
            bad = sorted({c for row in m for c in row if c not in labels.PREDIKAT})
            if bad:
                p.append(f"'matriks.predikat' memuat predikat tidak dikenal {bad}.")
    metode = r.get_path("kepala_unit.metode", "individu")
    if metode not in ("organisasi", "individu"):
        p.append("'kepala_unit.metode' harus 'organisasi' atau 'individu'.")
    _check_thresholds(r, "ambang.capaian", p, 0, 1000)
    _check_thresholds(r, "ambang.perilaku", p, -1e6, 1e6)
    _check_butir(r, p)
    lo = _need_num(r, "skala_360.minimum", p)
    hi = _need_num(r, "skala_360.maksimum", p)
    if lo is not None and hi is not None and not lo < hi:
        p.append("'skala_360.minimum' harus lebih kecil dari 'skala_360.maksimum'.")
    _check_weights(r, "bobot_peran", labels.PERAN_PENILAI, p)
    kurva = _need(r, "kurva", p)
    if kurva is not None:
        if r.get_path("kurva.pembulatan", None) not in PEMBULATAN:
            p.append(f"'kurva.pembulatan' harus salah satu dari {list(PEMBULATAN)}.")
        for org, items in kurva.items():
            if org in ("sumber", "pembulatan"):
                continue
            if org not in labels.PREDIKAT_ORGANISASI:
                p.append(
                    f"'kurva.{org}': predikat organisasi tidak dikenal; pilih dari "
                    f"{list(labels.PREDIKAT_ORGANISASI)}."
                )
                continue
            if not isinstance(items, tuple):
                p.append(f"'kurva.{org}' harus daftar batasan ([[kurva.\"{org}\"]]).")
                continue
            for i, c in enumerate(items):
                where = f"kurva.{org}[{i}]"
                pred = c.get("predikat", ())
                if not pred or any(x not in labels.PREDIKAT for x in pred):
                    p.append(f"'{where}.predikat' harus daftar predikat pegawai yang dikenal.")
                if c.get("jenis") not in ("min", "maks"):
                    p.append(f"'{where}.jenis' harus 'min' atau 'maks'.")
                prop = c.get("proporsi", math.nan)
                if not _num(prop) or (not math.isnan(prop) and not 0 <= prop <= 1):
                    p.append(f"'{where}.proporsi' harus angka 0–1 atau nan.")
                mo = c.get("minimal_orang", 0)
                if not isinstance(mo, int) or isinstance(mo, bool) or mo < 0:
                    p.append(f"'{where}.minimal_orang' harus bilangan bulat ≥ 0.")
    _check_optional_6_2022(r, p)
    ber = _need(r, "berakhlak", p)
    if ber is not None:
        keys = {k for k in ber if k != "sumber"}
        if keys != set(labels.ASPEK_BERAKHLAK):
            p.append(f"'berakhlak' harus memuat tepat kunci {list(labels.ASPEK_BERAKHLAK)}.")
        elif any(len(ber[k]) != 3 for k in keys):
            p.append("Tiap nilai BerAKHLAK harus punya tepat 3 panduan perilaku.")
    return p


def _check_optional_6_2022(r: RulesView, p: list[str]) -> None:
    """Sections a user's older copy of the 6/2022 file may lack (checked when present)."""
    metode = r.get_path("predikat_tahunan.metode", None)
    if metode is not None and metode not in METODE_TAHUNAN:
        p.append(f"'predikat_tahunan.metode' harus salah satu dari {list(METODE_TAHUNAN)}.")
    v = r.get_path("keterbandingan.minimal_penghubung", None)
    if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
        p.append("'keterbandingan.minimal_penghubung' harus bilangan bulat ≥ 1.")
    if r.get_path("cek_smart", None) is None:
        return
    _need_num(r, "cek_smart.bobot_timpang", p, 0, 1)
    for k in ("minimal_indikator", "minimal_realisasi", "minimal_pemegang"):
        v = _need(r, f"cek_smart.{k}", p)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
            p.append(f"'cek_smart.{k}' harus bilangan bulat ≥ 1.")


daftarkan_validator("permenpanrb-6-2022", _v_6_2022)


def _check_pita(r: RulesView, path: str, p: list[str]) -> None:
    """Bands: list of tables with ``batas_bawah`` (ascending order of quality)."""
    pita = _need(r, path, p)
    if pita is None:
        return
    lows = [b.get("batas_bawah") for b in pita]
    if any(not _num(x) for x in lows) or any(not isinstance(b.get("label"), str) for b in pita):
        p.append(f"Tiap butir '{path}' harus punya 'label' (teks) dan 'batas_bawah' (angka).")
        return
    if lows != sorted(lows, reverse=True):
        p.append(f"'{path}' harus urut dari predikat tertinggi (batas_bawah menurun).")


def _check_konversi(r: RulesView, p: list[str]) -> None:
    x = _need(r, "konversi_perilaku.skala", p)
    y = _need(r, "konversi_perilaku.nilai_perilaku", p)
    if x is None or y is None:
        return
    if len(x) != len(y) or len(x) < 2 or any(not _num(v) for v in (*x, *y)):
        p.append("'konversi_perilaku.skala' dan 'nilai_perilaku' harus daftar angka sama panjang.")
    elif list(x) != sorted(x) or list(y) != sorted(y):
        p.append("'konversi_perilaku' harus naik (skala dan nilai_perilaku urut menaik).")


def _v_pp30(r: RulesView) -> list[str]:
    p: list[str] = []
    knots = _need(r, "nilai_capaian_iki.titik", p)
    if knots is not None:
        xs = [k.get("capaian") for k in knots]
        ys = [k.get("nilai_iki") for k in knots]
        if any(not _num(v) for v in xs + ys):
            p.append("Tiap 'nilai_capaian_iki.titik' harus punya 'capaian' dan 'nilai_iki' angka.")
        elif xs != sorted(xs) or len(set(xs)) != len(xs):
            p.append("'nilai_capaian_iki.titik' harus urut naik menurut capaian, tanpa duplikat.")
    _need_num(r, "nilai_capaian_iki.maksimum", p, 0, 1000)
    if r.get_path("nilai_capaian_iki.celah", None) not in ("interpolasi", "bulatkan"):
        p.append("'nilai_capaian_iki.celah' harus 'interpolasi' atau 'bulatkan'.")
    for k in ("tanpa_360", "dengan_360"):
        a = _need_num(r, f"bobot.{k}.skp", p, 0, 1)
        b = _need_num(r, f"bobot.{k}.perilaku", p, 0, 1)
        if a is not None and b is not None and abs(a + b - 1) > 1e-9:
            p.append(f"'bobot.{k}.skp' + 'bobot.{k}.perilaku' harus = 1.")
    _check_pita(r, "predikat.pita", p)
    _check_konversi(r, p)
    return p


def _v_pp46(r: RulesView) -> list[str]:
    p: list[str] = []
    _need_num(r, "waktu_biaya.konstanta", p, 1, 3)
    _need_num(r, "waktu_biaya.ambang_efisiensi", p, 0, 100)
    a = _need_num(r, "bobot.skp", p, 0, 1)
    b = _need_num(r, "bobot.perilaku", p, 0, 1)
    if a is not None and b is not None and abs(a + b - 1) > 1e-9:
        p.append("'bobot.skp' + 'bobot.perilaku' harus = 1.")
    _check_pita(r, "sebutan.pita", p)
    if r.get_path("sebutan.pecahan", None) not in ("turun", "bulatkan"):
        p.append("'sebutan.pecahan' harus 'turun' atau 'bulatkan'.")
    if r.get_path("skp.rata_rata", None) not in ("tanpa_bobot", "bobot"):
        p.append("'skp.rata_rata' harus 'tanpa_bobot' atau 'bobot'.")
    _check_konversi(r, p)
    _check_tambahan(r, p)
    return p


def _check_tambahan(r: RulesView, p: list[str]) -> None:
    """PP 46/2011 tugas tambahan / kreativitas point tables (checked when present)."""
    b = r.get_path("tambahan.tugas_tambahan_batas", None)
    v = r.get_path("tambahan.tugas_tambahan", None)
    if b is not None or v is not None:
        if b is None or v is None or len(b) != len(v) or not all(_num(x) for x in (*b, *v)):
            p.append(
                "'tambahan.tugas_tambahan_batas' dan 'tugas_tambahan' harus daftar angka sama panjang."
            )
        elif list(b) != sorted(set(b)) or min(b) < 0:
            p.append("'tambahan.tugas_tambahan_batas' harus naik tegas dan ≥ 0.")
    t = r.get_path("tambahan.kreativitas_tingkat", None)
    k = r.get_path("tambahan.kreativitas", None)
    if t is not None or k is not None:
        ok = t is not None and k is not None and len(t) == len(k) == len(set(t))
        if not ok or not all(isinstance(x, str) for x in t) or not all(_num(x) for x in k):
            p.append(
                "'tambahan.kreativitas_tingkat' (teks unik) dan 'kreativitas' (angka) harus sama panjang."
            )


daftarkan_validator("pp-30-2019", _v_pp30)
daftarkan_validator("pp-46-2011", _v_pp46)
