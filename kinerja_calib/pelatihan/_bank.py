"""Vignette bank for frame-of-reference rater training (issue 17).

Each case is one TOML file in ``kinerja_calib/pelatihan/bank/`` (package data): a short
account of an ASN's period of work, the SKP indicators with target and realisasi, evidence of
behaviour for each BerAKHLAK aspect, and an expert key with reasons. The hasil-kerja key and
the predikat follow from the rules engine (``tests/test_pelatihan_bank.py`` recomputes them);
behaviour keys are argued in the reasons.

File layout (keys in Indonesian, as the data they hold)::

    kode = "V01"
    judul = "..."
    instansi_jenis = "dinas kesehatan"
    jenis_jabatan = "fungsional"          # struktural / fungsional / pelaksana
    jabatan = "..."
    unit_kerja = "..."
    ringkasan = "..."
    kesalahan_sasaran = ["leniency"]      # see KESALAHAN
    paralel = "V02"                       # its parallel case for round 2

    [[indikator]]
    indikator = "..."
    jenis = "utama"                       # utama / tambahan
    satuan = "..."
    arah = "naik"                         # naik / turun
    target = 90.0
    target_atas = 100.0                   # optional: upper bound of a range target
    realisasi = 84.0
    bobot = 40.0

    [perilaku]                            # all seven aspects of labels.ASPEK_BERAKHLAK
    berorientasi_pelayanan = "..."

    [kunci.rating_hasil_kerja]            # also rating_perilaku, predikat, each aspect
    nilai = "Sesuai ekspektasi"           # aspects: an integer 1..5
    alasan = "..."
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .. import labels
from ..errors import ParameterError

__all__ = ["KESALAHAN", "NAMA_KESALAHAN", "VignetteBank", "load_bank"]

#: Rater errors a case is built to provoke.
KESALAHAN = (
    "leniency",
    "halo",
    "central_tendency",
    "recency",
    "similar_to_me",
    "effort_vs_result",
)

#: How a person reads each rater error (report, notebook).
NAMA_KESALAHAN = {
    "leniency": "kelonggaran",
    "halo": "efek halo",
    "central_tendency": "kecenderungan ke tengah",
    "recency": "efek kebaruan",
    "similar_to_me": "kemiripan dengan diri",
    "effort_vs_result": "usaha disamakan dengan hasil",
}

ASPEK = tuple(labels.ASPEK_BERAKHLAK)
BUTIR_DINILAI = ("rating_hasil_kerja", "rating_perilaku", *ASPEK)
_BUTIR_KUNCI = ("rating_hasil_kerja", "rating_perilaku", "predikat", *ASPEK)
_TEKS = ("kode", "judul", "instansi_jenis", "jenis_jabatan", "jabatan", "unit_kerja", "ringkasan")
_JENIS_INDIKATOR = ("utama", "tambahan")


@dataclass(frozen=True)
class VignetteBank:
    """The cases of the bank as four tidy tables.

    Attributes
    ----------
    kasus : DataFrame
        One row per case: ``kode, judul, instansi_jenis, jenis_jabatan, jabatan, unit_kerja,
        ringkasan, kesalahan_sasaran`` (comma-separated), ``paralel`` (kode or ``""``),
        ``berkas`` (file name).
    indikator : DataFrame
        ``kode, no, indikator, jenis, satuan, arah, target, target_atas`` (NaN when the
        target is one number), ``realisasi, bobot``.
    perilaku : DataFrame
        ``kode, aspek, bukti``: seven rows per case.
    kunci : DataFrame
        ``kode, butir, nilai, alasan``; ``nilai`` is a rating / predikat label, or "1".."5"
        for an aspect.
    """

    kasus: pd.DataFrame
    indikator: pd.DataFrame
    perilaku: pd.DataFrame
    kunci: pd.DataFrame

    #: What a participant rates; the predikat follows from the two ratings.
    butir_dinilai: tuple[str, ...] = BUTIR_DINILAI

    def kasus_paralel(self, kode: str) -> str | None:
        """Code of the parallel case of ``kode`` (None when it has none).

        Raises
        ------
        ParameterError
            When ``kode`` is not in the bank.
        """
        hit = self.kasus.loc[self.kasus["kode"] == kode, "paralel"]
        if hit.empty:
            raise ParameterError(f"Kode vinyet '{kode}' tidak ada di bank vinyet.")
        p = str(hit.iloc[0])
        return p or None


def _galat(berkas: str, medan: str, pesan: str) -> ParameterError:
    return ParameterError(f"Bank vinyet, berkas {berkas}, isian '{medan}': {pesan}")


def _teks(d: dict, key: str, berkas: str, medan: str | None = None) -> str:
    v = d.get(key)
    if not isinstance(v, str) or not v.strip():
        raise _galat(berkas, medan or key, "wajib diisi dengan teks yang tidak kosong.")
    return v.strip()


def _angka(d: dict, key: str, berkas: str, medan: str, wajib: bool = True) -> float:
    v = d.get(key)
    if v is None and not wajib:
        return float("nan")
    if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
        raise _galat(berkas, medan, "wajib berupa angka.")
    return float(v)


def _satu_kasus(data: dict, berkas: str, rules) -> tuple[dict, list, list, list]:
    kasus = {k: _teks(data, k, berkas) for k in _TEKS}
    if kasus["jenis_jabatan"] not in labels.JENIS_JABATAN:
        raise _galat(
            berkas, "jenis_jabatan", f"harus salah satu dari {list(labels.JENIS_JABATAN)}."
        )
    ks = data.get("kesalahan_sasaran", [])
    if not isinstance(ks, list) or any(k not in KESALAHAN for k in ks):
        raise _galat(berkas, "kesalahan_sasaran", f"berisi daftar dari {list(KESALAHAN)}.")
    kasus["kesalahan_sasaran"] = ",".join(ks)
    par = data.get("paralel", "")
    if not isinstance(par, str):
        raise _galat(berkas, "paralel", "harus teks kode vinyet atau kosong.")
    kasus["paralel"] = par.strip()
    kasus["berkas"] = berkas
    kode = kasus["kode"]

    ind = data.get("indikator")
    if not isinstance(ind, list) or not ind:
        raise _galat(berkas, "indikator", "wajib memuat paling sedikit satu [[indikator]].")
    baris_ind = []
    for no, d in enumerate(ind, start=1):
        m = f"indikator #{no}"
        row = {
            "kode": kode,
            "no": no,
            "indikator": _teks(d, "indikator", berkas, f"{m}.indikator"),
            "jenis": d.get("jenis", "utama"),
            "satuan": _teks(d, "satuan", berkas, f"{m}.satuan"),
            "arah": d.get("arah", "naik"),
            "target": _angka(d, "target", berkas, f"{m}.target"),
            "target_atas": _angka(d, "target_atas", berkas, f"{m}.target_atas", wajib=False),
            "realisasi": _angka(d, "realisasi", berkas, f"{m}.realisasi"),
            "bobot": _angka(d, "bobot", berkas, f"{m}.bobot"),
        }
        if row["jenis"] not in _JENIS_INDIKATOR:
            raise _galat(berkas, f"{m}.jenis", f"harus salah satu dari {list(_JENIS_INDIKATOR)}.")
        if row["arah"] not in labels.ARAH:
            raise _galat(berkas, f"{m}.arah", f"harus salah satu dari {list(labels.ARAH)}.")
        if row["target"] <= 0 and np.isnan(row["target_atas"]):
            raise _galat(berkas, f"{m}.target", "harus lebih dari 0.")
        if row["target"] < 0 or row["target_atas"] < row["target"]:
            raise _galat(
                berkas, f"{m}.target_atas", "harus tidak kurang dari target (batas bawah)."
            )
        if row["bobot"] <= 0:
            raise _galat(berkas, f"{m}.bobot", "harus lebih dari 0.")
        baris_ind.append(row)
    total = sum(r["bobot"] for r in baris_ind)
    if abs(total - 100.0) > 1e-6:
        raise _galat(berkas, "indikator.bobot", f"jumlah bobot harus 100, tertulis {total:g}.")

    per = data.get("perilaku")
    if not isinstance(per, dict):
        raise _galat(berkas, "perilaku", "wajib berupa tabel [perilaku] berisi ketujuh aspek.")
    asing = sorted(set(per) - set(ASPEK))
    if asing:
        raise _galat(berkas, "perilaku", f"aspek tidak dikenal: {asing}.")
    baris_per = [
        {"kode": kode, "aspek": a, "bukti": _teks(per, a, berkas, f"perilaku.{a}")} for a in ASPEK
    ]

    kunci = data.get("kunci")
    if not isinstance(kunci, dict):
        raise _galat(berkas, "kunci", "wajib berupa tabel [kunci.<butir>] dengan nilai dan alasan.")
    asing = sorted(set(kunci) - set(_BUTIR_KUNCI))
    if asing:
        raise _galat(berkas, "kunci", f"butir tidak dikenal: {asing}.")
    rating = list(rules.get_path("rating.label"))
    predikat = list(rules.get_path("predikat.pegawai"))
    baris_kunci = []
    for b in _BUTIR_KUNCI:
        d = kunci.get(b)
        if not isinstance(d, dict):
            raise _galat(berkas, f"kunci.{b}", "wajib diisi (nilai dan alasan).")
        v = d.get("nilai")
        if b in ASPEK:
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
                raise _galat(berkas, f"kunci.{b}.nilai", "harus bilangan bulat 1 sampai 5.")
            v = str(v)
        elif v not in (predikat if b == "predikat" else rating):
            pilihan = predikat if b == "predikat" else rating
            raise _galat(berkas, f"kunci.{b}.nilai", f"harus salah satu dari {pilihan}.")
        alasan = _teks(d, "alasan", berkas, f"kunci.{b}.alasan")
        baris_kunci.append({"kode": kode, "butir": b, "nilai": v, "alasan": alasan})
    return kasus, baris_ind, baris_per, baris_kunci


def _berkas_bawaan() -> list[tuple[str, str]]:
    root = resources.files("kinerja_calib.pelatihan").joinpath("bank")
    items = [p for p in root.iterdir() if p.name.endswith(".toml")]
    return sorted((p.name, p.read_text(encoding="utf-8")) for p in items)


def load_bank(path: str | Path | None = None, rules=None) -> VignetteBank:
    """Load and validate the vignette bank.

    Parameters
    ----------
    path : str or Path, optional
        A folder of ``*.toml`` case files; default the bank shipped in the package.
    rules : Rules or str, optional
        ``permenpanrb-6-2022`` rules, for the rating and predikat labels.

    Returns
    -------
    VignetteBank

    Raises
    ------
    ParameterError
        With the file and the field, in Indonesian, when a case is malformed, a code is
        repeated or a parallel case is missing or not mutual.
    """
    from .. import rules as _rules

    r = _rules.resolve(rules)
    if path is None:
        files = _berkas_bawaan()
    else:
        folder = Path(path)
        if not folder.is_dir():
            raise ParameterError(f"Folder bank vinyet '{folder}' tidak ditemukan.")
        files = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.toml"))]
    if not files:
        raise ParameterError("Bank vinyet kosong: tidak ada berkas *.toml.")
    kasus, ind, per, kunci = [], [], [], []
    for nama, teks in files:
        try:
            data = tomllib.loads(teks)
        except tomllib.TOMLDecodeError as e:
            raise ParameterError(f"Bank vinyet, berkas {nama}: TOML tidak sah ({e}).") from e
        k, i, p, c = _satu_kasus(data, nama, r)
        kasus.append(k)
        ind += i
        per += p
        kunci += c
    df = pd.DataFrame(kasus)
    dup = df["kode"][df["kode"].duplicated()]
    if not dup.empty:
        raise ParameterError(
            f"Bank vinyet: kode {sorted(set(dup))} dipakai lebih dari satu berkas."
        )
    pasangan = dict(zip(df["kode"], df["paralel"], strict=True))
    berkas = dict(zip(df["kode"], df["berkas"], strict=True))
    for kode, par in pasangan.items():
        if par and pasangan.get(par) != kode:
            raise _galat(
                berkas[kode], "paralel", f"vinyet '{par}' tidak ada atau tidak berpasangan balik."
            )
    df = df.sort_values("kode", kind="stable").reset_index(drop=True)
    return VignetteBank(
        kasus=df,
        indikator=pd.DataFrame(ind).astype({"no": "int64"}),
        perilaku=pd.DataFrame(per),
        kunci=pd.DataFrame(kunci),
    )
