"""The committed sample province (``data/samples``) and its generator.

The generator ``scripts/buat_sampel.py`` must reproduce the committed files byte for
byte; the sample must have the size and shape DESIGN §3 promises; the planted rater
biases must be visible; and ``load_workbook`` must accept it without a DataError.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib import labels

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
SCRIPT = ROOT / "scripts" / "buat_sampel.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("buat_sampel", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up here
    spec.loader.exec_module(mod)
    return mod


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLES / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sampel")
    mod = _load_script()
    assert mod.main(["--keluaran", str(out)]) == 0
    return out


def test_regeneration_is_byte_identical(regenerated: Path):
    committed = sorted(p.relative_to(SAMPLES) for p in SAMPLES.rglob("*.csv"))
    fresh = sorted(p.relative_to(regenerated) for p in regenerated.rglob("*.csv"))
    assert fresh == committed
    differ = [
        str(p) for p in committed if (SAMPLES / p).read_bytes() != (regenerated / p).read_bytes()
    ]
    assert not differ, (
        f"Regenerated files differ from data/samples: {differ}. If the change is intended "
        "(e.g. the simulator changed), run `python scripts/buat_sampel.py` and commit."
    )


def test_total_size_is_small():
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 12_000_000


def test_files_use_unix_newlines_and_utf8():
    for p in SAMPLES.rglob("*.csv"):
        data = p.read_bytes()
        assert b"\r\n" not in data, p
        data.decode("utf-8")


def test_sizes_and_shape():
    inst = _csv("instansi")
    peg = _csv("pegawai")
    assert 1000 <= len(peg) <= 3000
    assert inst["wilayah"].nunique() >= 3
    assert len(inst) >= 6
    assert set(inst["predikat_organisasi"]) == set(labels.PREDIKAT_ORGANISASI)
    assert set(inst["jenis"]) <= set(labels.JENIS_INSTANSI)
    assert inst["kode_instansi"].str.fullmatch(r"[A-Z0-9-]+").all()
    assert set(peg["jenis_jabatan"]) == set(labels.JENIS_JABATAN)
    assert set(peg["potensi"]) == set(labels.POTENSI)
    # one head (empty nip_atasan) per instansi, everybody else has an atasan in it
    heads = peg[peg["nip_atasan"] == ""]
    assert sorted(heads["kode_instansi"]) == sorted(inst["kode_instansi"])
    by_nip = peg.set_index("nip")["kode_instansi"]
    sub = peg[peg["nip_atasan"] != ""]
    assert (by_nip.reindex(sub["nip_atasan"]).to_numpy() == sub["kode_instansi"].to_numpy()).all()
    # chains of at most 4 levels (kepala -> kepala bidang -> kepala seksi -> staf)
    atasan = peg.set_index("nip")["nip_atasan"].replace("", np.nan)
    depth = pd.Series(0, index=atasan.index)
    cur = atasan.copy()
    for _ in range(6):
        depth += cur.notna().astype(int)
        cur = pd.Series(atasan.reindex(cur).to_numpy(), index=cur.index)
    assert depth.max() == 3


def test_nips_are_valid_and_unique():
    peg = _csv("pegawai")
    nip = peg["nip"]
    assert nip.is_unique
    assert nip.str.fullmatch(r"\d{18}").all()
    birth = pd.to_datetime(nip.str[:8], format="%Y%m%d")
    assert birth.dt.year.between(1965, 2000).all()
    tmt_year = nip.str[8:12].astype(int)
    tmt_month = nip.str[12:14].astype(int)
    assert tmt_month.between(1, 12).all()
    assert (tmt_year >= birth.dt.year + 18).all()
    assert nip.str[14].isin(["1", "2"]).all()
    assert nip.str[15:].astype(int).between(1, 999).all()


def test_indicators_per_jabatan_and_weights():
    ind = _csv("indikator")
    peg = _csv("pegawai")
    n = ind.groupby(["kode_instansi", "jabatan"]).size()
    assert n.between(3, 6).all()
    bobot = ind["bobot"].astype(float).groupby([ind["kode_instansi"], ind["jabatan"]]).sum()
    assert np.allclose(bobot, 100)
    # every (instansi, jabatan) of a pegawai has indicators
    pairs = set(zip(peg["kode_instansi"], peg["jabatan"], strict=True))
    assert pairs == set(zip(ind["kode_instansi"], ind["jabatan"], strict=True))
    has_target = ind["target"] != ""
    has_range = (ind["target_min"] != "") & (ind["target_max"] != "")
    assert (has_target ^ has_range).all()
    assert has_range.sum() > 0
    assert set(ind["arah"]) == set(labels.ARAH)
    assert set(ind["aspek"]) == set(labels.ASPEK_INDIKATOR)
    assert set(ind["sumber_data"]) == set(labels.SUMBER_DATA)


def test_two_periods_everywhere():
    for name in ("realisasi", "penilaian_360", "survei_skm"):
        assert sorted(_csv(name)["periode"].unique()) == ["2026-S1", "2026-S2"], name


def test_capaian_is_meaningful():
    """Most weighted capaian sit in 80-110 %, a few fall under 60 %."""
    ind = pd.read_csv(SAMPLES / "indikator.csv")
    rea = pd.read_csv(SAMPLES / "realisasi.csv", dtype={"nip": str})
    x = rea.merge(ind, on="kode_indikator")
    t = x["target"].where(
        x["target"].notna(),
        np.where(x["realisasi"] > x["target_max"], x["target_max"], x["target_min"]),
    )
    cap = np.where(x["arah"] == "naik", x["realisasi"] / t, 2 - x["realisasi"] / t) * 100
    x["cap"] = np.minimum(cap, 200) * x["bobot"]
    c = x.groupby(["periode", "nip"])["cap"].sum() / x.groupby(["periode", "nip"])["bobot"].sum()
    assert c.between(80, 110).mean() > 0.75
    assert 0.003 < (c < 60).mean() < 0.05


def test_360_roles_aspects_and_scale():
    r = _csv("penilaian_360")
    assert set(r["peran_penilai"]) == set(labels.PERAN_PENILAI)
    assert set(r["aspek"]) == set(labels.ASPEK_BERAKHLAK)
    assert set(r["nilai"]) <= {"1", "2", "3", "4", "5"}
    # each (periode, ratee, rater) rates all 7 aspects
    n = r.groupby(["periode", "nip", "nip_penilai"]).size()
    assert (n == len(labels.ASPEK_BERAKHLAK)).all()


def test_planted_lenient_raters_rate_higher_than_severe():
    r = pd.read_csv(SAMPLES / "penilaian_360.csv", dtype={"nip": str, "nip_penilai": str})
    pen = pd.read_csv(
        SAMPLES / "kebenaran" / "penilai.csv", dtype={"nip_penilai": str}, keep_default_na=False
    )
    lunak = pen.loc[pen["ditanam"] == "lunak", "nip_penilai"]
    keras = pen.loc[pen["ditanam"] == "keras", "nip_penilai"]
    assert len(lunak) >= 3 and len(keras) >= 3
    m_lunak = r.loc[r["nip_penilai"].isin(lunak), "nilai"].mean()
    m_keras = r.loc[r["nip_penilai"].isin(keras), "nilai"].mean()
    m_all = r["nilai"].mean()
    assert m_lunak > m_all + 0.5
    assert m_keras < m_all - 0.5
    # keparahan sign convention: + = severe
    assert pen.loc[pen["ditanam"] == "keras", "keparahan"].astype(float).mean() > 0
    assert pen.loc[pen["ditanam"] == "lunak", "keparahan"].astype(float).mean() < 0


def test_planted_region_and_self_inflation_visible():
    r = pd.read_csv(SAMPLES / "penilaian_360.csv", dtype={"nip": str, "nip_penilai": str})
    peg = _csv("pegawai")[["nip", "kode_instansi"]]
    inst = _csv("instansi")[["kode_instansi", "wilayah"]]
    w = pd.read_csv(SAMPLES / "kebenaran" / "wilayah.csv")
    shifted = w.loc[w["geser_ambang"] != 0, "wilayah"]
    assert len(shifted) == 1 and (w.loc[w["geser_ambang"] != 0, "geser_ambang"] < 0).all()
    x = r.merge(peg, on="nip").merge(inst, on="kode_instansi")
    means = x.groupby("wilayah")["nilai"].mean()
    others = means.drop(shifted.iloc[0])
    assert means[shifted.iloc[0]] > others.max() + 0.15
    by_role = r.groupby("peran_penilai")["nilai"].mean()
    assert by_role["diri"] > by_role["atasan"] + 0.2


def test_360_tracks_truth():
    r = pd.read_csv(SAMPLES / "penilaian_360.csv", dtype={"nip": str, "nip_penilai": str})
    kb = pd.read_csv(SAMPLES / "kebenaran" / "pegawai.csv", dtype={"nip": str}).set_index("nip")
    mean_others = r[r["peran_penilai"] != "diri"].groupby("nip")["nilai"].mean()
    rho = np.corrcoef(mean_others.reindex(kb.index), kb["skor_sebenarnya"])[0, 1]
    assert 0.4 < rho < 0.9  # informative but far from perfect: rater effects dominate


def test_skm_units_cover_all_mutu_classes():
    s = pd.read_csv(SAMPLES / "survei_skm.csv")
    cols = [f"u{i}" for i in range(1, 10)]
    assert s[cols].isin([1, 2, 3, 4]).all().all()
    n = s.groupby(["periode", "kode_instansi", "unit_layanan"]).size()
    assert n.between(40, 150).all()
    ikm = s.groupby(["periode", "kode_instansi", "unit_layanan"])[cols].mean().mean(axis=1) * 25
    mutu = pd.cut(ikm, [0, 64.99, 76.60, 88.30, 100], labels=list("DCBA"))
    assert set(mutu) == set("ABCD")
    assert s["id_responden"].is_unique


def test_kompetensi_complete():
    k = _csv("kompetensi")
    peg = _csv("pegawai")
    assert k["kompetensi"].nunique() == 9
    assert len(k) == 9 * len(peg)
    assert set(k["level_aktual"]) <= {"1", "2", "3", "4", "5"}
    assert set(k["level_standar"]) <= {"1", "2", "3", "4", "5"}


def test_weak_indicators_documented():
    lemah = pd.read_csv(SAMPLES / "kebenaran" / "indikator_lemah.csv")
    ind = _csv("indikator")
    assert len(lemah) >= 3
    assert set(lemah["kode_indikator"]) <= set(ind["kode_indikator"])
    assert lemah["penjelasan"].str.len().gt(40).all()


def test_readmes_exist_in_indonesian():
    for p in (SAMPLES / "README.md", SAMPLES / "kebenaran" / "README.md"):
        text = p.read_text(encoding="utf-8")
        assert re.search(r"\bpegawai\b", text) and "buat_sampel.py" in text


def test_load_workbook_accepts_samples():
    wb = kc.load_workbook(SAMPLES)
    assert len(wb.pegawai) == len(_csv("pegawai"))
    assert list(wb.periode) == ["2026-S1", "2026-S2"]
    sub = wb.untuk_instansi("JMB-DINKES")
    assert set(sub.pegawai["kode_instansi"]) == {"JMB-DINKES"}


# ---------------------------------------------------------------------------
# The generator reads its catalogue from data files (scripts/sampel/)
# ---------------------------------------------------------------------------

SUMBER = ROOT / "scripts" / "sampel"


def _copy_sources(tmp_path: Path) -> Path:
    dst = tmp_path / "sumber"
    shutil.copytree(SUMBER, dst)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_script_holds_the_model_not_the_catalogue():
    text = SCRIPT.read_text(encoding="utf-8")
    # the dead internal 360 generator is gone
    for dead in ("ratings_internal", "_pairs_360", "OFFSET_PERAN", "MESIN_360"):
        assert dead not in text, dead
    # templates, catalogue, names and competencies are data, not literals
    literals = ["Simpang Kawat", "Kepala Dinas Kesehatan", "Jumlah pasien dilayani"]
    literals += ["Nazaruddin", "Perekat Bangsa", "A.Md.Kep", "Kab. Tanjung Jabung Timur"]
    for literal in literals:
        assert literal not in text, literal
    code = [s for s in map(str.strip, text.splitlines()) if s and not s.startswith("#")]
    assert len(code) < 600  # was 2,340 lines, about 1,300 of them literals


def test_competencies_come_from_the_rules():
    mod = _load_script()
    names = [k["nama"] for k in kc.rules.load("kompetensi-38-2017")["kompetensi"]]
    assert list(mod.baca_sumber().kompetensi) == names
    assert sorted(_csv("kompetensi")["kompetensi"].unique()) == sorted(names)


def test_generator_follows_edited_source_files(tmp_path):
    mod = _load_script()
    src = _copy_sources(tmp_path)
    _edit(src / "satuan.csv", "JMB-DINKES,Simpang Kawat", "JMB-DINKES,Simpang Rimbo")
    _edit(src / "instansi.csv", "Kecamatan Sekernan,", "Kecamatan Sekernan Baru,")
    tables = mod.build_tables(sumber=mod.baca_sumber(src))
    units = set(tables["pegawai"]["unit_kerja"])
    assert "UPT Puskesmas Simpang Rimbo" in units and "UPT Puskesmas Simpang Kawat" not in units
    heads = tables["pegawai"]["jabatan"]
    assert (heads == "Kepala UPT Puskesmas Simpang Rimbo").sum() == 1
    inst = tables["instansi"].set_index("kode_instansi")["nama_instansi"]
    assert inst["MRJ-KEC-SEKERNAN"] == "Kecamatan Sekernan Baru"
    # everything else is drawn exactly as before: same people, same ratings
    assert len(tables["pegawai"]) == len(_csv("pegawai"))
    assert len(tables["penilaian_360"]) == len(_csv("penilaian_360"))


def test_optional_indicator_column_flows_from_the_catalogue(tmp_path):
    """A column of the schema's optional ones (e.g. ``jenis``) added to indikator.csv."""
    mod = _load_script()
    opsional = kc.data.KOLOM_OPSIONAL["indikator"]
    if "jenis" not in opsional:
        pytest.fail(f"indikator has no optional column jenis: {opsional}")
    src = _copy_sources(tmp_path)
    cat = pd.read_csv(src / "indikator.csv", dtype=str, keep_default_na=False)
    cat["jenis"] = np.where(cat.groupby("tipe_indikator").cumcount() == 0, "utama", "tambahan")
    cat.loc[cat["tipe_indikator"] == "dokter", "jenis"] = ""
    cat.to_csv(src / "indikator.csv", index=False, lineterminator="\n")
    out = tmp_path / "keluaran"
    assert mod.main(["--keluaran", str(out), "--sumber", str(src)]) == 0
    ind = pd.read_csv(out / "indikator.csv", dtype=str, keep_default_na=False)
    assert list(ind.columns) == [*kc.data.KOLOM["indikator"], "jenis"]
    assert set(ind["jenis"]) == {"utama", "tambahan", ""}
    assert (ind.loc[ind["jabatan"] == "Dokter Ahli Muda", "jenis"] == "").all()
    # the other files do not move
    for name in ("pegawai", "realisasi", "penilaian_360"):
        assert (out / f"{name}.csv").read_bytes() == (SAMPLES / f"{name}.csv").read_bytes()


@pytest.mark.parametrize(
    ("berkas", "old", "new", "expected"),
    [
        (
            "organisasi.toml",
            '["Sanitarian Terampil", 1]',
            '["Sanitarian Trampil", 1]',
            ["organisasi.toml", "Sanitarian Trampil", "jabatan.csv"],
        ),
        (
            "instansi.csv",
            ",rsud,1.6",
            ",rumah_sakit,1.6",
            ["instansi.csv", "PROV-RSUD-RM", "rumah_sakit", "organisasi.toml"],
        ),
        (
            "indikator.csv",
            "Jumlah pasien dilayani,pasien,1800,,,naik,kuantitas,laporan,35",
            "Jumlah pasien dilayani,pasien,1800,,,naik,kuantitas,laporan,45",
            ["indikator.csv", "dokter", "110", "100"],
        ),
        (
            "jabatan.csv",
            "Dokter Ahli Muda,fungsional,dokter,",
            "Dokter Ahli Muda,fungsional,dokterr,",
            ["jabatan.csv", "Dokter Ahli Muda", "dokterr", "indikator.csv"],
        ),
        (
            "indikator_lemah.toml",
            'jabatan = "Perawat Terampil"',
            'jabatan = "Perawat Trampil"',
            ["indikator_lemah.toml", "Perawat Trampil", "MRJ-DINKES"],
        ),
        (
            "satuan.csv",
            "MRJ-DISDIK,SMP Negeri 1 Muaro Jambi",
            "MRJ-DISDIK,SMA Negeri 1 Muaro Jambi",
            ["satuan.csv", "MRJ-DISDIK", "SMA Negeri 1 Muaro Jambi", "per_satuan"],
        ),
        (
            "nama.toml",
            "[gelar_depan]",
            "[gelar_depan",
            ["nama.toml", "TOML"],
        ),
    ],
)
def test_bad_source_file_gives_a_clear_message(tmp_path, capsys, berkas, old, new, expected):
    mod = _load_script()
    src = _copy_sources(tmp_path)
    _edit(src / berkas, old, new)
    assert mod.main(["--keluaran", str(tmp_path / "out"), "--sumber", str(src)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for part in expected:
        assert part in err, (part, err)
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_missing_source_file_is_named(tmp_path, capsys):
    mod = _load_script()
    src = _copy_sources(tmp_path)
    (src / "jabatan.csv").unlink()
    assert mod.main(["--keluaran", str(tmp_path / "out"), "--sumber", str(src)]) == 1
    err = capsys.readouterr().err
    assert "jabatan.csv" in err and "tidak ditemukan" in err
