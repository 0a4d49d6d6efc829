"""Generate the synthetic Provinsi Jambi sample workbook (``data/samples``).

Usage::

    python scripts/buat_sampel.py [--keluaran data/samples] [--seed 2026] [--sumber DIR]

Everything is drawn from one fixed seed, so a fresh run reproduces the committed
files byte for byte (``tests/test_samples.py`` checks this). The organisation is
built from small templates (instansi -> units -> sub-units -> staff); the only
Python loops run over those templates, never over employees or ratings.

What the sample is made of lives as data in ``scripts/sampel/`` (``--sumber``), not here:
``wilayah.csv``, ``instansi.csv``, ``satuan.csv`` (puskesmas and schools),
``unit_layanan.csv``, ``jabatan.csv``, ``indikator.csv`` (indicator templates per
``tipe_indikator``), ``indikator_lemah.toml`` (planted weak indicators),
``organisasi.toml`` (organisation templates), ``nama.toml`` (names and gelar) and
``skenario.toml`` (model parameters and the 360 simulator scenario). The nine competencies
come from the rules file ``kompetensi-38-2017``. This script holds only the generative model.

Ground truth for the planted effects (rater severity, regional scale reading,
self-inflation, weak indicators, low performers) is written to
``<keluaran>/kebenaran/``.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import kinerja_calib as kc
from kinerja_calib import labels
from kinerja_calib._util import as_rng

__all__ = ["PERIODE", "SEED", "Sumber", "baca_sumber", "build_tables", "main", "write_tables"]

SEED = 2026
PERIODE = ("2026-S1", "2026-S2")
ASPEK = tuple(labels.ASPEK_BERAKHLAK)
#: Folder of the source data files (templates, catalogue, names, scenario).
SUMBER = Path(__file__).resolve().parent / "sampel"
_KOLOM_SLOT = (
    "kode_instansi unit_kerja jabatan jenis_jabatan tipe_indikator level induk level_standar"
).split()
_CSV = ("wilayah", "instansi", "satuan", "unit_layanan", "jabatan", "indikator")
_TOML = ("indikator_lemah", "organisasi", "nama", "skenario")


# ---------------------------------------------------------------------------
# Source data
# ---------------------------------------------------------------------------


class SumberError(ValueError):
    """A source data file is missing or inconsistent (message in Indonesian)."""


@dataclass(frozen=True)
class Sumber:
    """Every source table and setting the generator reads (see the module docstring)."""

    wilayah: pd.DataFrame
    instansi: pd.DataFrame
    satuan: pd.DataFrame
    unit_layanan: pd.DataFrame
    jabatan: pd.DataFrame  # indexed by jabatan
    indikator: pd.DataFrame
    lemah: list[dict[str, Any]]
    organisasi: dict[str, Any]
    nama: dict[str, Any]
    skenario: dict[str, Any]
    kompetensi: tuple[str, ...]


def _baca(path: Path) -> Any:
    if not path.is_file():
        raise SumberError(f"Berkas sumber {path} tidak ditemukan.")
    if path.suffix == ".csv":
        return pd.read_csv(path, encoding="utf-8")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise SumberError(f"{path}: bukan TOML yang sah ({e}).") from None


def baca_sumber(folder: str | Path = SUMBER) -> Sumber:
    """Read and check the source data files of the sample.

    Raises
    ------
    SumberError
        A file is missing, or a name used in one file is not defined in another.
    """
    folder = Path(folder)
    tabel = {k: _baca(folder / f"{k}.csv") for k in _CSV}
    toml = {k: _baca(folder / f"{k}.toml") for k in _TOML}
    jabatan = tabel.pop("jabatan").set_index("jabatan")
    jabatan["melayani_publik"] = jabatan["melayani_publik"].eq("ya")
    kompetensi = kc.rules.load("kompetensi-38-2017")["kompetensi"]
    sumber = Sumber(
        **tabel,
        jabatan=jabatan,
        lemah=toml.pop("indikator_lemah").get("lemah", []),
        **toml,
        kompetensi=tuple(k["nama"] for k in kompetensi),
    )
    _periksa(sumber)
    return sumber


def _periksa(s: Sumber) -> None:
    """Cross-file checks, each with a message naming the file, the row and the fix."""
    tipe_ind = set(s.indikator["tipe_indikator"])
    bobot = s.indikator.groupby("tipe_indikator")["bobot"].sum()
    for tipe, total in bobot[bobot != 100].items():
        raise SumberError(
            f"indikator.csv: bobot tipe_indikator '{tipe}' berjumlah {total:g}, harus 100."
        )
    for jab, tipe in s.jabatan["tipe_indikator"].items():
        if tipe not in tipe_ind:
            raise SumberError(
                f"jabatan.csv, jabatan '{jab}': tipe_indikator '{tipe}' tidak ada di "
                "indikator.csv. Tambahkan indikatornya atau perbaiki ejaannya."
            )
    tipe_org = s.organisasi.get("tipe", {})
    for row in s.instansi.itertuples():
        if row.tipe not in tipe_org:
            raise SumberError(
                f"instansi.csv, instansi {row.kode_instansi}: tipe '{row.tipe}' tidak punya "
                "templat [tipe.…] di organisasi.toml."
            )
    for kode in set(s.satuan["kode_instansi"]) - set(s.instansi["kode_instansi"]):
        raise SumberError(f"satuan.csv: kode_instansi '{kode}' tidak ada di instansi.csv.")


# ---------------------------------------------------------------------------
# Organisation: templates -> one row per position
# ---------------------------------------------------------------------------


def _unit(raw: dict, level: int, s: Sumber, tipe: str, satuan: str = "") -> dict[str, Any]:
    """Resolve one template unit: copy its ``salin`` block, fill defaults and ``{satuan}``."""
    if "salin" in raw:
        raw = {**s.organisasi["blok"][raw["salin"]], **raw}
    nama = raw["nama"].replace("{satuan}", satuan)
    staf = [(jab, n) for jab, n in raw.get("staf", [])]
    for jab, _ in staf:
        if jab not in s.jabatan.index:
            raise SumberError(
                f"organisasi.toml, tipe {tipe}, unit '{nama}': jabatan '{jab}' tidak ada di "
                "jabatan.csv. Tambahkan barisnya di jabatan.csv atau perbaiki ejaannya."
            )
    return {
        "nama": nama,
        "kepala": raw.get("kepala", f"Kepala {raw['nama']}").replace("{satuan}", satuan),
        "tipe_kepala": raw.get("tipe_kepala", "kepala_unit" if level == 2 else "kepala_subunit"),
        "jenis_kepala": raw.get("jenis_kepala", "struktural"),
        "staf": staf,
        "sub": [_unit(u, level + 1, s, tipe, satuan) for u in raw.get("sub", [])],
    }


def _units(s: Sumber, kode: str, tipe: str, satuan: list[str]) -> list[dict[str, Any]]:
    """Level-2 units of one instansi: the fixed ones, then one per satuan (puskesmas, school)."""
    tpl = s.organisasi["tipe"][tipe]
    units = [_unit(u, 2, s, tipe) for u in tpl.get("unit", [])]
    for nama in satuan:
        cocok = [t for t in tpl.get("per_satuan", []) if nama.startswith(t.get("awalan", ""))]
        if not cocok:
            raise SumberError(
                f"satuan.csv, instansi {kode}: satuan '{nama}' tidak cocok dengan templat "
                f"[[tipe.{tipe}.per_satuan]] mana pun di organisasi.toml (lihat `awalan`)."
            )
        units.append(_unit(cocok[0], 2, s, tipe, nama))
    return units


def _slots(s: Sumber) -> pd.DataFrame:
    """Expand the templates into one row per position (loops over templates only)."""
    org, lvl = s.organisasi, s.organisasi["level_standar_kepala"]
    jab = s.jabatan
    attr = {j: (a, b) for j, a, b in jab[["jenis_jabatan", "tipe_indikator"]].itertuples()}
    std = jab["level_standar"].to_dict()
    satuan = s.satuan.groupby("kode_instansi", sort=False)["satuan"].agg(list)
    rows: list[tuple] = []  # one per head and per staff entry, with the entry's count

    def unit(kode: str, nama: str, u: dict, level: int, induk: int, lvl_komp: int) -> int:
        me = len(rows)
        kepala = (u["kepala"], u["jenis_kepala"], u["tipe_kepala"])
        rows.append((kode, nama, *kepala, level, induk, lvl_komp, 1))
        rows.extend((kode, nama, j, *attr[j], 4, me, std[j], n) for j, n in u["staf"])
        return me

    for spec in s.instansi.itertuples():
        kode, tpl = spec.kode_instansi, org["tipe"][spec.tipe]
        top = {"kepala": tpl["kepala"], "jenis_kepala": "struktural", "staf": []}
        top["tipe_kepala"] = org["tipe_kepala_instansi"]
        head = unit(kode, org["unit_pimpinan"], top, 1, -1, lvl["instansi"])
        for u in _units(s, kode, spec.tipe, satuan.get(kode, [])):
            uh = unit(kode, u["nama"], u, 2, head, lvl["unit"])
            for sub in u["sub"]:
                unit(kode, u["nama"], sub, 3, uh, lvl["subunit"])
    df = pd.DataFrame(rows, columns=[*_KOLOM_SLOT, "n"])
    # staff counts scale with the instansi's size (at least one); then one row per person
    ukuran = df["kode_instansi"].map(s.instansi.set_index("kode_instansi")["ukuran"])
    n = np.where(df["level"] == 4, np.maximum(1, np.round(df["n"] * ukuran)), 1).astype(int)
    start = np.cumsum(n) - n
    df["induk"] = np.where(df["induk"] >= 0, start[df["induk"].clip(lower=0)], -1)
    return df.loc[df.index.repeat(n)].drop(columns="n").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Pegawai
# ---------------------------------------------------------------------------


def _nip(
    rng: np.random.Generator, level: np.ndarray, perempuan: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Valid unique 18-digit NIPs (birth yyyymmdd + TMT yyyymm + sex + serial) and sex."""
    n = len(level)
    lo = np.select([level == 1, level == 2, level == 3], [1966, 1968, 1972], 1970)
    hi = np.select([level == 1, level == 2, level == 3], [1976, 1982, 1988], 2000)
    year = rng.integers(lo, hi + 1)
    birth = pd.to_datetime(pd.DataFrame({"year": year, "month": 1, "day": 1})) + pd.to_timedelta(
        rng.integers(0, 365, n), unit="D"
    )
    tmt_year = np.minimum(year + rng.integers(22, 33, n), 2025)
    tmt_year = np.maximum(tmt_year, year + 18)
    tmt_month = np.where(rng.random(n) < 0.7, 3, rng.integers(1, 13, n))
    sex = np.where(perempuan, 2, rng.integers(1, 3, n))  # bidan are women
    stem = (
        birth.dt.strftime("%Y%m%d").to_numpy(dtype=str).astype(object)
        + pd.Series(tmt_year).astype(str).to_numpy(dtype=object)
        + pd.Series(tmt_month).map("{:02d}".format).to_numpy(dtype=object)
        + sex.astype(str).astype(object)
    )
    base = rng.integers(1, 900, n)
    serial = base + pd.Series(stem).groupby(stem).cumcount().to_numpy()
    nip = stem + pd.Series(serial).map("{:03d}".format).to_numpy(dtype=object)
    assert len(set(nip)) == n
    return nip.astype(str), sex


def _gelar(s: Sumber, slots: pd.DataFrame) -> np.ndarray:
    """Gelar style per position: the jabatan's, ``str_<tipe>`` for struktural, overrides."""
    gelar = slots["jabatan"].map(s.jabatan["gelar"])
    tipe = slots["kode_instansi"].map(s.instansi.set_index("kode_instansi")["tipe"])
    gelar = gelar.where(slots["jenis_jabatan"] != "struktural", "str_" + tipe)
    khusus = slots["jabatan"].map(s.nama["gelar_jabatan"])
    return khusus.fillna(gelar).to_numpy(dtype=str)


def _names(s: Sumber, rng: np.random.Generator, sex: np.ndarray, gelar: np.ndarray) -> np.ndarray:
    nm = s.nama
    n = len(sex)
    male = sex == 1

    def draw(key: str) -> np.ndarray:
        return np.array(nm[key])[rng.integers(0, len(nm[key]), n)]

    first = np.where(male, draw("laki"), draw("perempuan"))
    last = np.where(male, draw("belakang_laki"), draw("belakang_perempuan"))
    nama = pd.Series(first, dtype=object) + " " + pd.Series(last, dtype=object)
    pick = rng.random(n)
    depan = pd.Series(gelar).map(nm["gelar_depan"]).fillna("")
    belakang = pd.Series([""] * n, dtype=object)
    for g, opts in nm["gelar_belakang"].items():  # loop over the small list of gelar styles
        m = gelar == g
        idx = np.floor(pick[m] * len(opts)).astype(int)
        belakang[m] = np.array(opts, dtype=object)[idx]
    return (depan + nama + belakang).to_numpy(dtype=str)


def build_pegawai(s: Sumber, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (pegawai table, truth table indexed like pegawai)."""
    slots = _slots(s)
    n = len(slots)
    level = slots["level"].to_numpy()
    nip, sex = _nip(rng, level, slots["jabatan"].str.startswith("Bidan").to_numpy())
    nama = _names(s, rng, sex, _gelar(s, slots))
    inst = s.instansi.set_index("kode_instansi")
    geser = slots["kode_instansi"].map(
        inst["predikat_organisasi"].map(s.skenario["geser_predikat"])
    )
    # True general performance (z units), a stable per-person trait.
    g = geser.to_numpy() + rng.normal(0.0, 1.0, n)
    # True hasil kerja: correlated with g (r about 0.6) plus a person-specific part.
    h = 0.6 * g + 0.8 * rng.normal(0.0, 1.0, n)
    # A few planted low performers (capaian well below target).
    rendah = rng.random(n) < 0.025
    aspek_true = 0.85 * g[:, None] + 0.5 * rng.normal(0.0, 1.0, (n, len(ASPEK)))
    z = 0.9 * g + 0.45 * slots["level"].rsub(4).to_numpy() * 0.3 + rng.normal(0, 0.8, n)
    potensi = np.select([z > 0.9, z > -0.5], ["tinggi", "menengah"], "rendah")
    induk = slots["induk"].to_numpy()
    atasan = np.where(induk >= 0, nip[np.maximum(induk, 0)], None)
    peg = pd.DataFrame({"nip": nip, "nama": nama}).join(
        slots[["kode_instansi", "unit_kerja", "jabatan", "jenis_jabatan"]]
    )
    peg["nip_atasan"] = pd.array(atasan, dtype="string")
    peg["potensi"] = potensi
    truth = pd.DataFrame(
        {
            "nip": nip,
            "kode_instansi": slots["kode_instansi"],
            "wilayah": slots["kode_instansi"].map(inst["wilayah"]),
            "tipe_indikator": slots["tipe_indikator"],
            "level": slots["level"],
            "level_standar": slots["level_standar"],
            "skor_sebenarnya": g,
            "hasil_kerja_sebenarnya": h,
            "kinerja_rendah_ditanam": rendah,
            **{f"sebenarnya_{a}": aspek_true[:, j] for j, a in enumerate(ASPEK)},
        }
    )
    return peg, truth


def build_instansi(s: Sumber) -> pd.DataFrame:
    return s.instansi[list(kc.data.KOLOM["instansi"])].copy()


# ---------------------------------------------------------------------------
# Indikator and realisasi
# ---------------------------------------------------------------------------


def _katalog(s: Sumber, pegawai: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """The indicator templates of ``indikator.csv`` for every (instansi, jabatan)."""
    pairs = (
        pd.DataFrame(
            {
                "kode_instansi": pegawai["kode_instansi"],
                "jabatan": pegawai["jabatan"],
                "tipe_indikator": truth["tipe_indikator"],
            }
        )
        .drop_duplicates(["kode_instansi", "jabatan"])
        .sort_values(["kode_instansi", "jabatan"])
    )
    tpl = s.indikator.assign(urut=s.indikator.groupby("tipe_indikator").cumcount())
    ind = pairs.merge(tpl, on="tipe_indikator", how="left", validate="many_to_many")
    if ind["nama_indikator"].isna().any():
        tipe = ind.loc[ind["nama_indikator"].isna(), "tipe_indikator"].iloc[0]
        raise SumberError(
            f"organisasi.toml: tipe_kepala '{tipe}' tidak ada di indikator.csv. Tambahkan "
            "indikatornya atau perbaiki ejaannya."
        )
    return ind


def _tanam_lemah(s: Sumber, ind: pd.DataFrame) -> pd.DataFrame:
    """Plant the weak indicators of ``indikator_lemah.toml`` in ``ind`` (in place)."""
    lemah = []
    for w in s.lemah:
        kode, jab, ganti = w["kode_instansi"], w["jabatan"], w["ganti"]
        m = (ind["kode_instansi"] == kode) & (ind["jabatan"] == jab)
        if not m.any():
            raise SumberError(
                f"indikator_lemah.toml: tidak ada pegawai berjabatan '{jab}' di {kode}."
            )
        if "urut" not in w:  # new weights for all indicators of the jabatan
            ind.loc[m, "bobot"] = np.array(ganti["bobot"], dtype=float)
            sel = m & (ind["urut"] == 0)
        else:
            sel = m & (ind["urut"] == w["urut"])
            for col, val in ganti.items():
                ind.loc[sel, {"nama": "nama_indikator"}.get(col, col)] = val
            if "nama" in ganti:  # a vague indicator: realisasi is always exactly the target
                ind.loc[sel, "target_wajar"] = np.nan
        lemah.append(
            pd.DataFrame(
                {
                    "kode_indikator": ind.loc[sel, "kode_indikator"],
                    "kode_instansi": kode,
                    "jabatan": jab,
                    "nama_indikator": ind.loc[sel, "nama_indikator"],
                    "jenis_kelemahan": w["jenis_kelemahan"],
                    "target_tertulis": ind.loc[sel, "target"],
                    "target_wajar": ind.loc[sel, "target_wajar"].fillna(ind.loc[sel, "target"]),
                    "penjelasan": w["penjelasan"],
                }
            )
        )
    return pd.concat(lemah, ignore_index=True)


def jenis_indikator(ind: pd.DataFrame) -> np.ndarray:
    """``utama`` / ``tambahan`` per indicator (PermenPANRB 6/2022 hasil kerja tambahan).

    Where a jabatan has four or more indicators, the one with the smallest weight (the last
    among ties) is a hasil kerja tambahan; every other indicator is utama (about 9 % of the
    indicators are tambahan). Deterministic: no random draw, so nothing else moves.
    """
    key = ["kode_instansi", "jabatan"]
    n = ind.groupby(key)["urut"].transform("size").to_numpy()
    order = ind.sort_values([*key, "bobot", "urut"], ascending=[True, True, True, False])
    kecil = order.groupby(key).head(1).index
    return np.where(ind.index.isin(kecil) & (n >= 4), "tambahan", "utama")


def build_indikator(
    s: Sumber, pegawai: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Indicators per (instansi, jabatan): (indikator, planted weak ones, hidden parameters)."""
    ind = _katalog(s, pegawai, truth)
    # Per-instansi jitter on count targets (different service volumes), rounded.
    is_range = ind["target_min"].notna()
    base = ind["target"].fillna((ind["target_min"] + ind["target_max"]) / 2).astype(float)
    jitter = np.exp(rng.normal(0.0, 0.12, len(ind)))
    count_like = (ind["satuan"] != "%") & (base >= 50) & ~is_range
    base = np.where(count_like, np.round(base * jitter / 10) * 10, base)
    ind["target_wajar"] = base
    ind["arah_sebenarnya"] = ind["arah"]
    ind["target"] = np.where(is_range, np.nan, base)
    ind["bobot"] = ind["bobot"].astype(float)
    ind = ind.sort_values(["kode_instansi", "jabatan", "urut"]).reset_index(drop=True)
    ind["kode_indikator"] = (
        ind["kode_instansi"]
        + "-"
        + (ind.groupby("kode_instansi").cumcount() + 1).map("{:03d}".format)
    )
    lemah = _tanam_lemah(s, ind)
    assert (ind.groupby(["kode_instansi", "jabatan"])["bobot"].sum() == 100).all()
    if "jenis" not in s.indikator:  # a jenis column in the catalogue wins over the rule
        ind["jenis"] = jenis_indikator(ind)
    # the schema's columns, then its optional ones (e.g. jenis) that the table has
    opsional = kc.data.KOLOM_OPSIONAL["indikator"]
    cols = [*kc.data.KOLOM["indikator"], *(c for c in opsional if c in ind)]
    hidden = ind[
        ["kode_indikator", "target_wajar", "arah_sebenarnya", "target_min", "target_max", "satuan"]
    ]
    return ind[cols], lemah, hidden


def build_realisasi(
    pegawai: pd.DataFrame,
    truth: pd.DataFrame,
    indikator: pd.DataFrame,
    hidden: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Realisasi per pegawai x indikator x periode, driven by the true hasil kerja."""
    peg = pegawai[["nip", "kode_instansi", "jabatan"]].assign(
        h=truth["hasil_kerja_sebenarnya"].to_numpy(),
        rendah=truth["kinerja_rendah_ditanam"].to_numpy(),
    )
    ind = indikator[["kode_indikator", "kode_instansi", "jabatan"]].merge(
        hidden, on="kode_indikator"
    )
    vague_kode = hidden.loc[
        hidden["target_wajar"].isna() & hidden["target_min"].isna(), "kode_indikator"
    ]
    frames = []
    for k, per in enumerate(PERIODE):
        x = peg.merge(ind, on=["kode_instansi", "jabatan"], how="inner")
        n = len(x)
        # Latent capaian ratio: centred slightly above target, sd about 9 %.
        c = (
            1.0
            + 0.02 * k
            + 0.07 * x["h"].to_numpy()
            + 0.05 * rng.normal(0.0, 1.0, n)
            + 0.03 * rng.normal(0.0, 1.0, n).clip(-2, 2)
        )
        c = np.where(x["rendah"].to_numpy(), rng.uniform(0.35, 0.6, n), c)
        c = np.clip(c, 0.2, 1.6)
        tw = x["target_wajar"].to_numpy(dtype=float)
        tmin = x["target_min"].to_numpy(dtype=float)
        tmax = x["target_max"].to_numpy(dtype=float)
        ref = np.where(np.isnan(tw), (tmin + tmax) / 2, tw)
        naik = x["arah_sebenarnya"].to_numpy() == "naik"
        r = np.where(naik, ref * c, ref * np.clip(2.0 - c, 0.05, None))
        satuan = x["satuan"].to_numpy()
        pct = satuan == "%"
        r = np.where(pct, np.minimum(r, 100.0), r)
        big = (ref >= 50) & ~pct
        r = np.where(big, np.round(r), np.round(r, 1))
        small_count = np.isin(satuan, ["kegiatan", "dokumen", "sekolah"])
        r = np.where(small_count, np.round(r), r)
        r = np.where(x["kode_indikator"].isin(vague_kode).to_numpy(), 1.0, r)
        out = x[["nip", "kode_indikator"]].assign(realisasi=r)
        out.insert(0, "periode", per)
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------
# 360 ratings (kc.simulate.rate_organisation)
# ---------------------------------------------------------------------------


def skenario_360(s: Sumber) -> kc.simulate.Scenario:
    """The simulator scenario of ``skenario.toml`` (arrays become tuples)."""
    raw = s.skenario["skenario_360"]
    return kc.simulate.Scenario(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    )


def melayani_publik(s: Sumber, pegawai: pd.DataFrame) -> np.ndarray:
    """Boolean mask: jabatan that serve the public directly (get pengguna_layanan ratings)."""
    jab = pegawai["jabatan"].astype(str)
    flag = jab.map(s.jabatan["melayani_publik"]).fillna(False).astype(bool)
    heads = jab.str.startswith(tuple(s.organisasi["kepala_melayani_publik"]))
    return (flag | heads).to_numpy()


def ratings_simulator(
    s: Sumber,
    pegawai: pd.DataFrame,
    truth: pd.DataFrame,
    instansi: pd.DataFrame,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Series]:
    """360 ratings from ``kc.simulate.rate_organisation`` (the simulator's latent model).

    Returns (ratings, raters, per-aspect truth indexed by nip, wilayah threshold shifts in
    scale-SD units).
    """
    peg = pegawai.assign(skor_sebenarnya=truth["skor_sebenarnya"].to_numpy())
    scenario = skenario_360(s)
    sim = kc.simulate.rate_organisation(peg, scenario, seed=rng, instansi=instansi, periode=PERIODE)
    ratings = sim.ratings.astype({"nilai": "int64"})
    # service users rate only staff who serve the public (drops the simulator's draws
    # for back-office staff; those external raters rated nobody else)
    layanan = pegawai["nip"][melayani_publik(s, pegawai)].astype(str)
    is_pl = ratings["peran_penilai"].astype(str) == "pengguna_layanan"
    ratings = ratings[~is_pl | ratings["nip"].astype(str).isin(layanan)].reset_index(drop=True)
    for col in ("periode", "nip", "nip_penilai", "peran_penilai", "aspek"):
        ratings[col] = ratings[col].astype(str)
    raters = sim.raters.reset_index()
    raters = raters[raters["nip_penilai"].isin(pd.unique(ratings["nip_penilai"]))]
    raters["nip_penilai"] = raters["nip_penilai"].astype(str)
    raters["ditanam"] = raters.pop("penilai_ekstrem").fillna("").astype(str)
    raters["wilayah"] = raters["wilayah"].astype(str)
    raters["peran_utama"] = raters["peran_utama"].astype(str)
    raters["rentang"] = raters["rentang"].replace(np.inf, np.nan)
    aspek = sim.truth[[f"sebenarnya_{a}" for a in ASPEK]]
    aspek.index = aspek.index.astype(str)
    shifts = sim.wilayah / scenario.sd_skala
    return ratings, raters, aspek, shifts


# ---------------------------------------------------------------------------
# SKM survey and competencies
# ---------------------------------------------------------------------------


def build_skm(s: Sumber, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SKM responses per service unit of ``unit_layanan.csv`` and the units' true quality."""
    units = s.unit_layanan[["kode_instansi", "unit_layanan"]]
    n_u = len(units)
    # Unit quality (mean perception, 1-4 scale): spread so IKM mutu covers A-D.
    q = rng.uniform(2.5, 3.75, n_u)
    q[rng.choice(n_u, 2, replace=False)] = [2.2, 2.35]  # two clearly poor units (mutu D)
    unsur = rng.normal(0.0, 0.15, (n_u, 9))
    frames = []
    for k, per in enumerate(PERIODE):
        size = rng.integers(40, 151, n_u)
        u = np.repeat(np.arange(n_u), size)
        m = len(u)
        lat = (
            q[u, None]
            + 0.05 * k
            + unsur[u]
            + rng.normal(0.0, 0.35, (m, 1))
            + rng.normal(0.0, 0.45, (m, 9))
        )
        val = np.clip(np.rint(lat), 1, 4).astype(int)
        df = pd.DataFrame(val, columns=[f"u{j}" for j in range(1, 10)])
        df.insert(
            0,
            "id_responden",
            np.char.add(
                f"SKM{per.replace('-', '')}-", np.char.zfill(np.arange(1, m + 1).astype(str), 5)
            ),
        )
        df.insert(0, "unit_layanan", units["unit_layanan"].to_numpy()[u])
        df.insert(0, "kode_instansi", units["kode_instansi"].to_numpy()[u])
        df.insert(0, "periode", per)
        frames.append(df)
    truth = units.assign(mutu_sebenarnya=q)
    return pd.concat(frames, ignore_index=True), truth


def build_kompetensi(
    s: Sumber, pegawai: pd.DataFrame, truth: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Level aktual of the rules' competencies, correlated with the true performance."""
    n, k = len(pegawai), len(s.kompetensi)
    std = truth["level_standar"].to_numpy()
    g = truth["skor_sebenarnya"].to_numpy()
    lat = std[:, None] - 0.1 + 0.5 * g[:, None] + rng.normal(0.0, 0.5, (n, k))
    akt = np.clip(np.rint(lat), 1, 5).astype(int)
    return pd.DataFrame(
        {
            "nip": np.repeat(pegawai["nip"].to_numpy(dtype=str), k),
            "kompetensi": np.tile(np.array(s.kompetensi), n),
            "level_standar": np.repeat(std, k),
            "level_aktual": akt.reshape(-1),
        }
    )


# ---------------------------------------------------------------------------
# Assembly and writing
# ---------------------------------------------------------------------------


def _kebenaran_wilayah(s: Sumber, shifts: pd.Series) -> pd.DataFrame:
    kb = s.wilayah[["wilayah", "kode"]].copy()
    kb["geser_ambang"] = [float(shifts.get(w, 0.0)) for w in kb["wilayah"]]
    kb["keterangan"] = np.where(
        kb["geser_ambang"] != 0,
        "Penilai di wilayah ini membaca skala lebih longgar: ambang kategori bergeser "
        "sehingga perilaku yang sama mendapat nilai lebih tinggi.",
        "Tidak ada pergeseran.",
    )
    return kb


def _kebenaran_peran(s: Sumber) -> pd.DataFrame:
    kb = pd.DataFrame({"peran_penilai": list(labels.PERAN_PENILAI)})
    kb["geser_rata_rata"] = kb["peran_penilai"].map(skenario_360(s).geser_peran).fillna(0.0)
    return kb


def build_tables(seed: int = SEED, sumber: Sumber | None = None) -> dict[str, pd.DataFrame]:
    """Build every table; keys are file stems (``kebenaran/...`` for the truth)."""
    s = baca_sumber() if sumber is None else sumber
    master = as_rng(seed)
    r_peg, r_ind, r_real, r_360, r_skm, r_komp = master.spawn(6)
    instansi = build_instansi(s)
    pegawai, truth = build_pegawai(s, r_peg)
    indikator, lemah, hidden = build_indikator(s, pegawai, truth, r_ind)
    realisasi = build_realisasi(pegawai, truth, indikator, hidden, r_real)
    p360, raters, aspek, shifts = ratings_simulator(s, pegawai, truth, instansi, r_360)
    # the simulator draws the per-aspect truths from skor_sebenarnya: keep its draw
    for a in ASPEK:
        truth[f"sebenarnya_{a}"] = aspek[f"sebenarnya_{a}"].reindex(truth["nip"]).to_numpy()
    skm, skm_truth = build_skm(s, r_skm)
    komp = build_kompetensi(s, pegawai, truth, r_komp)
    kb_pegawai = truth.drop(columns=["tipe_indikator", "level", "level_standar", "wilayah"])
    return {
        "instansi": instansi.sort_values("kode_instansi"),
        "pegawai": pegawai.sort_values(["kode_instansi", "nip"]),
        "indikator": indikator.sort_values("kode_indikator"),
        "realisasi": realisasi.sort_values(["periode", "nip", "kode_indikator"]),
        "penilaian_360": p360.sort_values(
            ["periode", "nip", "peran_penilai", "nip_penilai", "aspek"]
        ),
        "survei_skm": skm.sort_values(["periode", "kode_instansi", "unit_layanan", "id_responden"]),
        "kompetensi": komp.sort_values(["nip", "kompetensi"]),
        "kebenaran/pegawai": kb_pegawai.sort_values("nip"),
        "kebenaran/penilai": raters.sort_values("nip_penilai"),
        "kebenaran/wilayah": _kebenaran_wilayah(s, shifts).sort_values("wilayah"),
        "kebenaran/peran": _kebenaran_peran(s),
        "kebenaran/indikator_lemah": lemah.sort_values("kode_indikator"),
        "kebenaran/unit_layanan": skm_truth.sort_values(["kode_instansi", "unit_layanan"]),
    }


def _fmt(x: float) -> str:
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def write_tables(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write every table as UTF-8 CSV with '\\n' line ends and fixed float format."""
    written = []
    for stem, df in tables.items():
        path = out / f"{stem}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        df.to_csv(path, index=False, lineterminator="\n", float_format=_fmt, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Buat data contoh Provinsi Jambi (sintetis).")
    ap.add_argument(
        "--keluaran",
        default=str(Path(__file__).resolve().parents[1] / "data" / "samples"),
        help="folder tujuan",
    )
    ap.add_argument("--seed", type=int, default=SEED, help="benih acak (bawaan 2026)")
    ap.add_argument(
        "--sumber",
        default=str(SUMBER),
        help="folder berkas sumber (templat organisasi, katalog indikator, nama, skenario)",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        tables = build_tables(args.seed, baca_sumber(args.sumber))
    except SumberError as e:
        print(f"Gagal: {e}", file=sys.stderr)
        return 1
    paths = write_tables(tables, Path(args.keluaran))
    dt = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in paths)
    print(
        f"{len(paths)} berkas ditulis ke {args.keluaran} ({size / 1e6:.1f} MB) "
        f"dalam {dt:.1f} detik."
    )
    for stem, df in tables.items():
        print(f"  {stem:28s} {len(df):>8d} baris")
    return 0


if __name__ == "__main__":
    sys.exit(main())
