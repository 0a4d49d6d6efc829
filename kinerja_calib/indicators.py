"""Indicators: capaian (achievement %), SMART checks of an indicator catalogue.

- :func:`capaian` — realisasi vs target → percent, the PermenPANRB 8/2021 formulas
  (kondisi normal, kondisi khusus, range targets), vectorised.
- :func:`check_smart` — a trainer-readable table of findings (Indonesian) about an
  ``indikator`` table (docs/skema-data.md §2.3), optionally with past ``realisasi`` and ``pegawai``.
- :func:`capaian_pegawai` — capaian per pegawai × indikator and the weighted capaian per
  pegawai × periode of a workbook.
- :func:`sensitivitas_bobot` — how the predikat shares move with one indicator's weight.

The capaian functions live in the low layer :mod:`kinerja_calib._capaian` (scoring rates
what they compute) and :func:`sensitivitas_bobot` in :mod:`kinerja_calib.scoring` (it
re-rates); both are re-exported here, so ``indicators`` sits above ``scoring`` and never
the other way round.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from . import labels
from . import rules as _rules
from ._angka import ringkas
from ._capaian import CapaianPegawai, capaian, capaian_pegawai, target_efektif
from ._referensi import baca_toml
from .data import KOLOM
from .errors import ParameterError
from .scoring import sensitivitas_bobot

__all__ = [
    "CapaianPegawai",
    "KOLOM_TEMUAN",
    "capaian",
    "capaian_pegawai",
    "cek_smart",
    "check_smart",
    "contoh_indikator",
    "sensitivitas_bobot",
    "target_efektif",
]


def _ringkas(x) -> str:
    """A target or realisasi in a finding, Indonesian: 7,5; 1.200; 99,5."""
    return ringkas(x, 4)


ArrayLike = Any

#: Columns of the :func:`check_smart` findings table.
KOLOM_TEMUAN = [
    "kode_instansi",
    "jabatan",
    "kode_indikator",
    "kriteria",
    "tingkat",
    "temuan",
    "saran",
]


# --------------------------------------------------------------------------- SMART
_VAGUE = re.compile(
    r"\b(?:meningkat\w*|optimal\w*|maksimal|efektif\w*|efisien\w*|baik|lancar|tertib|"
    r"mengoptimalkan|memaksimalkan|menjamin|mendukung|memastikan|berkualitas|kondusif)\b",
    re.IGNORECASE,
)
_HAS_NUMBER = re.compile(r"\d")
#: Wording that says the quantity should go down / up (Indonesian verbs and nominalisations).
_TURUN = re.compile(
    r"\b(?:menurunkan|menurunnya|penurunan|turunnya|berkurang\w*|pengurangan|mengurangi|"
    r"menekan|meminimalkan|meminimalisasi\w*|minimalisasi\w*)\b",
    re.IGNORECASE,
)
_NAIK = re.compile(
    r"\b(?:meningkatkan|meningkatnya|peningkatan|naiknya|kenaikan|bertambah\w*|penambahan|"
    r"menambah|memperbanyak|memaksimalkan)\b",
    re.IGNORECASE,
)
#: Quantities where smaller is better (time, delay, errors, deaths): 'turun' unless the name has
#: a relative clause ("pengaduan yang ditindaklanjuti") or counts punctuality/compliance.
_KECIL_LEBIH_BAIK = re.compile(
    r"\b(?:waktu\s+(?:tunggu|penyelesaian|proses|layanan|pelayanan|respons|tanggap)|"
    r"lama\s+(?:waktu|layanan|pelayanan|proses|penyelesaian|rawat)|keterlambatan|"
    r"angka\s+(?:kematian|kesakitan|infeksi|kesalahan|kecelakaan|putus\s+sekolah))\b",
    re.IGNORECASE,
)
_PEMBALIK = re.compile(r"\b(?:yang|tepat|ketepatan|kepatuhan|patuh)\b", re.IGNORECASE)
#: "Persentase penurunan X": the indicator counts the change itself, so 'naik' is right.
_UKURAN_PERUBAHAN = re.compile(
    r"\b(?:persentase|jumlah|besaran|besarnya|angka|nilai|tingkat|laju|rasio|capaian|realisasi)"
    r"\s+(?:penurunan|pengurangan|peningkatan|kenaikan|penambahan)\b",
    re.IGNORECASE,
)


def _finding(df: pd.DataFrame, mask, kriteria, tingkat, temuan, saran) -> pd.DataFrame:
    sub = df.loc[np.asarray(mask, bool), ["kode_instansi", "jabatan", "kode_indikator"]].copy()
    sub["kriteria"] = kriteria
    sub["tingkat"] = tingkat
    if sub.empty:
        return sub.assign(temuan=pd.Series(dtype=object), saran=pd.Series(dtype=object))
    sub["temuan"] = temuan(sub) if callable(temuan) else temuan
    sub["saran"] = saran
    return sub


def check_smart(
    indikator: pd.DataFrame,
    realisasi: pd.DataFrame | None = None,
    pegawai: pd.DataFrame | None = None,
    *,
    rules: _rules.Rules | str | None = None,
) -> pd.DataFrame:
    """SMART checks of an indicator catalogue, as a tidy table of findings in Indonesian.

    Parameters
    ----------
    indikator : DataFrame
        The ``indikator`` table (docs/skema-data.md §2.3); missing optional columns are tolerated and
        reported.
    realisasi : DataFrame, optional
        Past ``realisasi`` (``periode, nip, kode_indikator, realisasi``) for the achievable
        check: the target should lie within the observed range of past realisasi.
    pegawai : DataFrame, optional
        The ``pegawai`` table for the relevant check: each indicator's jabatan should exist
        among the instansi's pegawai.
    rules : Rules or str, optional
        Rules whose ``check_smart`` section holds the practice thresholds (default: the
        default regime's file): ``bobot_timpang``, ``minimal_indikator``,
        ``minimal_realisasi``, ``minimal_pemegang`` — all flagged UNCONFIRMED there, as no
        regulation gives them. A rules file without that section skips those checks.

    Returns
    -------
    DataFrame
        Columns :data:`KOLOM_TEMUAN`: ``kode_instansi, jabatan, kode_indikator, kriteria``
        (S/M/A/R/T), ``tingkat`` (``galat`` = must fix, ``peringatan`` = review),
        ``temuan``, ``saran``. Empty when nothing was found. Weight findings concern a whole
        jabatan and carry an empty ``kode_indikator``.

    Notes
    -----
    Checks: S — vague wording ("meningkatkan", "optimal", ... without a number), empty
    name, missing direction, direction contradicting the wording (the name says the
    quantity should go down — "menurunkan", "penurunan", "berkurang", ..., or names a
    smaller-is-better quantity such as "waktu tunggu", "lama layanan", "angka kematian"
    without a relative clause — but ``arah = naik``, or up while ``arah = turun``;
    "persentase/jumlah penurunan ..." counts the change itself and is exempt); M — satuan, a numeric target, range targets well-formed
    (both bounds, ``target_min < target_max``, not also a single ``target``); A — target
    not zero or negative, target inside the observed range of past realisasi (only with at
    least ``minimal_realisasi`` past values from at least ``minimal_pemegang`` different
    pegawai, so jabatan held by a handful of people stay quiet); R — jabatan given and held
    by a pegawai of the instansi, weight positive, weights per instansi + jabatan sum to
    100, no single indicator carrying more than ``bobot_timpang`` of its jabatan's weight
    (checked only for jabatan with at least ``minimal_indikator`` indicators); T — the
    indicator was measured in some period (when ``realisasi`` is given).

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"kode_instansi": "X", "jabatan": "Perawat",
    ...     "kode_indikator": ["A", "B", "C"], "nama_indikator": [
    ...         "Menurunkan angka infeksi nosokomial", "Jumlah pasien dilayani",
    ...         "Jumlah edukasi pasien"], "satuan": "kasus", "target": [5.0, 900, 40],
    ...     "arah": "naik", "bobot": [80.0, 10, 10]})
    >>> check_smart(ind)[["kode_indikator", "kriteria"]].values.tolist()
    [['', 'R'], ['A', 'S']]
    """
    if not isinstance(indikator, pd.DataFrame):
        raise ParameterError("'indikator' harus berupa DataFrame tabel indikator.")
    aturan = _rules.resolve(rules).get_path("cek_smart", None) or {}
    df = indikator.copy().reset_index(drop=True)
    for c in ("kode_instansi", "jabatan", "kode_indikator", "nama_indikator", "satuan", "arah"):
        if c not in df.columns:
            df[c] = pd.NA
    for c in ("target", "target_min", "target_max", "bobot"):
        df[c] = pd.to_numeric(df[c], errors="coerce") if c in df.columns else np.nan
    parts: list[pd.DataFrame] = []
    nama = df["nama_indikator"].astype("string").fillna("")
    satuan = df["satuan"].astype("string").fillna("").str.strip()
    arah = df["arah"].astype("string").str.strip().str.lower()
    t, lo, hi = df["target"], df["target_min"], df["target_max"]
    is_range = lo.notna() | hi.notna()

    # S: specific wording
    vague = nama.str.contains(_VAGUE) & ~nama.str.contains(_HAS_NUMBER)
    parts.append(
        _finding(
            df,
            vague,
            "S",
            "peringatan",
            lambda s: "Rumusan kabur: '" + nama[s.index] + "' memakai kata umum tanpa ukuran.",
            "Rumuskan hasil yang dapat dihitung, mis. 'Jumlah ... yang ...' atau "
            "'Persentase ... (%)', bukan 'meningkatkan/mengoptimalkan ...'.",
        )
    )
    parts.append(
        _finding(
            df,
            nama.str.strip() == "",
            "S",
            "galat",
            "Nama indikator kosong.",
            "Isi nama indikator yang menyebut apa yang diukur.",
        )
    )
    parts.append(
        _finding(
            df,
            ~arah.isin(labels.ARAH).fillna(False),
            "S",
            "galat",
            "Arah indikator tidak diisi atau tidak dikenal.",
            "Isi 'naik' (makin besar makin baik) atau 'turun' (makin kecil makin baik, "
            "mis. waktu tunggu, biaya, angka kesalahan).",
        )
    )
    says_down = nama.str.contains(_TURUN) | (
        nama.str.contains(_KECIL_LEBIH_BAIK) & ~nama.str.contains(_PEMBALIK)
    )
    says_up = nama.str.contains(_NAIK)
    wrong_way = ~nama.str.contains(_UKURAN_PERUBAHAN) & (
        (says_down & ~says_up & (arah == "naik").fillna(False))
        | (says_up & ~says_down & (arah == "turun").fillna(False))
    )
    parts.append(
        _finding(
            df,
            wrong_way,
            "S",
            "peringatan",
            lambda s: (
                "Arah '" + arah[s.index] + "' bertentangan dengan rumusan '" + nama[s.index] + "'."
            ),
            "Rumusan yang menurunkan/mengurangi sesuatu memakai arah 'turun' (makin kecil "
            "makin baik); rumusan yang meningkatkan memakai 'naik'. Jika yang diukur besarnya "
            "perubahan, tulis 'Persentase penurunan ...' dengan arah 'naik'.",
        )
    )
    # M: measurable
    parts.append(
        _finding(
            df,
            satuan == "",
            "M",
            "galat",
            "Satuan tidak diisi.",
            "Isi satuan ukuran (orang, dokumen, %, hari, rupiah, ...).",
        )
    )
    no_target = t.isna() & ~(lo.notna() & hi.notna())
    parts.append(
        _finding(
            df,
            no_target,
            "M",
            "galat",
            "Target angka tidak ada.",
            "Isi 'target' berupa angka, atau 'target_min' dan 'target_max' untuk target rentang.",
        )
    )
    # T (range) well-formed
    half = is_range & ~(lo.notna() & hi.notna())
    parts.append(
        _finding(
            df,
            half,
            "M",
            "galat",
            "Target rentang hanya punya satu batas.",
            "Isi keduanya: 'target_min' dan 'target_max'.",
        )
    )
    inverted = lo.notna() & hi.notna() & (lo >= hi)
    parts.append(
        _finding(
            df,
            inverted,
            "M",
            "galat",
            lambda s: (
                "Target rentang terbalik atau nol lebar: target_min "
                + lo[s.index].astype(str)
                + " ≥ target_max "
                + hi[s.index].astype(str)
                + "."
            ),
            "Pastikan target_min < target_max.",
        )
    )
    both = t.notna() & lo.notna() & hi.notna()
    parts.append(
        _finding(
            df,
            both,
            "M",
            "peringatan",
            "Target tunggal dan target rentang diisi bersamaan.",
            "Pilih salah satu: kosongkan 'target' untuk target rentang.",
        )
    )
    # A: achievable
    zero = (t == 0) | (lo == 0)
    parts.append(
        _finding(
            df,
            zero,
            "A",
            "galat",
            "Target bernilai 0: capaian tidak dapat dihitung.",
            "Untuk 'nol kejadian' pakai indikator 'turun' dengan target kecil > 0 atau "
            "ubah menjadi persentase kepatuhan (target 100 %).",
        )
    )
    negative = (t < 0) | (lo < 0)
    parts.append(
        _finding(df, negative, "A", "galat", "Target negatif.", "Target harus bernilai positif.")
    )
    if realisasi is not None and len(realisasi):
        hist = (
            realisasi.assign(realisasi=pd.to_numeric(realisasi["realisasi"], errors="coerce"))
            .groupby("kode_indikator")["realisasi"]
            .agg(["min", "max", "count"])
        )
        h = df[["kode_indikator"]].join(hist, on="kode_indikator")
        tgt = t.fillna(lo)
        tgt_hi = t.fillna(hi)
        has = np.zeros(len(df), bool)
        if "minimal_realisasi" in aturan and "minimal_pemegang" in aturan:
            has = h["count"].fillna(0).to_numpy() >= aturan["minimal_realisasi"]
            if "nip" in realisasi.columns:
                holders = realisasi.groupby("kode_indikator")["nip"].nunique()
                n_hold = df["kode_indikator"].map(holders).fillna(0).to_numpy()
                has &= n_hold >= aturan["minimal_pemegang"]
        naik = (arah == "naik").fillna(False).to_numpy()
        too_high = has & naik & (tgt_hi > h["max"]).to_numpy()
        too_low_turun = has & ~naik & (tgt < h["min"]).to_numpy()
        easy_naik = has & naik & (tgt_hi < h["min"]).to_numpy()
        easy_turun = has & ~naik & (tgt > h["max"]).to_numpy()
        fmt = lambda s: (  # noqa: E731
            "Target "
            + tgt[s.index].map(_ringkas)
            + " di luar rentang realisasi terdahulu ("
            + h.loc[s.index, "min"].map(_ringkas)
            + "–"
            + h.loc[s.index, "max"].map(_ringkas)
            + ")."
        )
        parts.append(
            _finding(
                df,
                too_high | too_low_turun,
                "A",
                "peringatan",
                fmt,
                "Target lebih sulit daripada semua realisasi terdahulu: pastikan sumber daya "
                "mendukung, atau naikkan target bertahap.",
            )
        )
        parts.append(
            _finding(
                df,
                easy_naik | easy_turun,
                "A",
                "peringatan",
                fmt,
                "Target lebih mudah dari semua realisasi terdahulu: pertimbangkan menaikkan "
                "target agar menantang.",
            )
        )
    # R: relevant
    no_jab = df["jabatan"].astype("string").fillna("").str.strip() == ""
    parts.append(
        _finding(
            df,
            no_jab,
            "R",
            "galat",
            "Indikator tidak terkait jabatan.",
            "Isi jabatan pemilik indikator.",
        )
    )
    if pegawai is not None and len(pegawai):
        known = set(zip(pegawai["kode_instansi"], pegawai["jabatan"], strict=True))
        pairs = list(zip(df["kode_instansi"], df["jabatan"], strict=True))
        orphan = np.array([p not in known for p in pairs]) & ~no_jab.to_numpy()
        parts.append(
            _finding(
                df,
                orphan,
                "R",
                "peringatan",
                "Jabatan indikator tidak dipegang pegawai mana pun di instansi ini.",
                "Periksa ejaan jabatan (harus sama persis dengan tabel pegawai) atau hapus "
                "indikator yang tidak dipakai.",
            )
        )
    bad_w = df["bobot"].isna() | (df["bobot"] <= 0)
    parts.append(
        _finding(
            df,
            bad_w,
            "R",
            "galat",
            "Bobot kosong, nol atau negatif.",
            "Beri bobot positif sesuai kontribusi indikator terhadap hasil kerja jabatan.",
        )
    )
    # T: time-bound (measured in some period)
    if realisasi is not None and len(realisasi):
        never = ~df["kode_indikator"].isin(set(realisasi["kode_indikator"]))
        parts.append(
            _finding(
                df,
                never,
                "T",
                "peringatan",
                "Indikator tidak pernah diukur (tidak ada realisasi di periode mana pun).",
                "Tetapkan kapan diukur (bulanan/triwulanan/semesteran) dan siapa mencatat "
                "realisasinya.",
            )
        )
    # R: weights per jabatan
    sums = df.groupby(["kode_instansi", "jabatan"], dropna=False, sort=True)["bobot"].sum(
        min_count=1
    )
    off = sums[(sums - 100).abs() > 0.01]
    if len(off):
        w = off.reset_index()
        w["kode_indikator"] = ""
        w["kriteria"] = "R"
        w["tingkat"] = "galat"
        w["temuan"] = "Jumlah bobot indikator jabatan = " + w["bobot"].map(_ringkas) + " %."
        w["saran"] = "Sesuaikan bobot agar berjumlah tepat 100 % per instansi dan jabatan."
        parts.append(w[KOLOM_TEMUAN])
    if "bobot_timpang" in aturan and "minimal_indikator" in aturan:
        parts.append(_lopsided(df, aturan["bobot_timpang"], aturan["minimal_indikator"]))
    found = [p for p in parts if len(p)]
    out = pd.concat(found, ignore_index=True) if found else None
    if out is None or out.empty:
        return pd.DataFrame(columns=KOLOM_TEMUAN)
    order = {"galat": 0, "peringatan": 1}
    out = out.assign(_o=out["tingkat"].map(order)).sort_values(
        ["kode_instansi", "jabatan", "_o", "kriteria", "kode_indikator"], kind="stable"
    )
    return out.drop(columns="_o").reset_index(drop=True)[KOLOM_TEMUAN]


def _lopsided(df: pd.DataFrame, batas: float, minimal: int) -> pd.DataFrame:
    """One 'bobot timpang' finding per jabatan whose largest weight share exceeds ``batas``."""
    w = df["bobot"].where(df["bobot"] > 0)
    g = w.groupby([df["kode_instansi"], df["jabatan"]], dropna=False, sort=True)
    stat = pd.DataFrame({"n": g.count(), "maks": g.max(), "total": g.sum(min_count=1)})
    stat["porsi"] = stat["maks"] / stat["total"]
    bad = stat[(stat["n"] >= minimal) & (stat["porsi"] > batas)].reset_index()
    if bad.empty:
        return pd.DataFrame(columns=KOLOM_TEMUAN)
    bad["kode_indikator"] = ""
    bad["kriteria"] = "R"
    bad["tingkat"] = "peringatan"
    bad["temuan"] = (
        "Bobot timpang: satu indikator memikul "
        + (100 * bad["porsi"]).map(lambda v: _ringkas(round(v)))
        + " % dari bobot jabatan ("
        + bad["n"].astype(int).astype(str)
        + " indikator)."
    )
    bad["saran"] = (
        "Sebarkan bobot menurut kontribusi tiap hasil kerja; satu indikator yang menentukan "
        "hampir seluruh nilai membuat kegagalan atau keberhasilan kecil terlalu menentukan."
    )
    return bad[KOLOM_TEMUAN]


def contoh_indikator() -> pd.DataFrame:
    """A small teaching catalogue (kesehatan and pendidikan), with deliberate flaws.

    Used by notebook 01: good indicators next to vague ones ("Meningkatkan kemampuan
    mengajar"), a missing unit, an inverted range and weights that do not sum to 100. The
    catalogue is the data file ``referensi/indikator_contoh.toml`` (a key left out of a row is
    an empty cell).
    """
    rows = baca_toml("indikator_contoh.toml")["indikator"]
    cols = [c for c in KOLOM["indikator"] if c != "kode_instansi"]
    df = pd.DataFrame(rows, columns=cols)
    df.insert(1, "kode_instansi", "CONTOH")
    for c in ("target", "target_min", "target_max", "bobot"):
        df[c] = df[c].astype(float)
    return df


# alias kept for one release (issue 14)
cek_smart = check_smart
