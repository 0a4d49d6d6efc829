"""Tests of kinerja_calib.talent (9-box peta talenta, PermenPANRB 3/2020)."""

from __future__ import annotations

import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib.errors import DataError, ParameterError
from kinerja_calib.labels import POTENSI, PREDIKAT, RATING

BAWAH, SESUAI, ATAS = RATING
RENDAH, MENENGAH, TINGGI = POTENSI

# regulasi.md §6 table [S39][S40]: (kinerja, potensi) -> kotak
TABLE_S39 = [
    (BAWAH, TINGGI, 6),
    (SESUAI, TINGGI, 8),
    (ATAS, TINGGI, 9),
    (BAWAH, MENENGAH, 3),
    (SESUAI, MENENGAH, 5),
    (ATAS, MENENGAH, 7),
    (BAWAH, RENDAH, 1),
    (SESUAI, RENDAH, 2),
    (ATAS, RENDAH, 4),
]


@pytest.mark.parametrize(("kinerja", "potensi", "expected"), TABLE_S39)
def test_all_nine_cells(kinerja, potensi, expected):
    assert kc.talent.kotak(kinerja, potensi) == expected


def test_vectorised_series():
    k = pd.Series([c[0] for c in TABLE_S39], index=range(10, 19))
    p = pd.Series([c[1] for c in TABLE_S39], index=range(10, 19))
    out = kc.talent.kotak(k, p)
    assert out.dtype == "Int64"
    assert out.tolist() == [c[2] for c in TABLE_S39]
    assert list(out.index) == list(range(10, 19))
    assert sorted(out.tolist()) == list(range(1, 10))


def test_missing_and_case():
    out = kc.talent.kotak(pd.Series(["di atas ekspektasi", None]), pd.Series(["Tinggi", "rendah"]))
    assert out.iloc[0] == 9 and pd.isna(out.iloc[1])
    assert kc.talent.kotak(None, TINGGI) is None


def test_unknown_label_message():
    with pytest.raises(ParameterError, match="potensi"):
        kc.talent.kotak(ATAS, "sangat tinggi")


def test_matrix_layout():
    m = kc.talent.matriks_kotak()
    assert m.index.tolist() == [TINGGI, MENENGAH, RENDAH]
    assert m.to_numpy().tolist() == [[6, 8, 9], [3, 5, 7], [1, 2, 4]]


def test_tindak_lanjut_texts():
    # regulasi.md §6 follow-up table (UNCONFIRMED at regulation level)
    assert kc.talent.tindak_lanjut(9).startswith("Dipromosikan dan dipertahankan")
    assert kc.talent.tindak_lanjut(1) == "Diproses sesuai ketentuan peraturan perundang-undangan"
    assert "tugas belajar" in kc.talent.tindak_lanjut(7)
    s = kc.talent.tindak_lanjut(pd.Series([4, None], dtype="Int64"))
    assert s.iloc[0] == "Rotasi; pengembangan kompetensi" and pd.isna(s.iloc[1])


def test_kinerja_dari_predikat():
    out = kc.talent.kinerja_dari_predikat(pd.Series(list(PREDIKAT)))
    assert out.tolist() == [BAWAH, BAWAH, BAWAH, SESUAI, ATAS]


def _pegawai() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "nip": [f"19900101201503100{i}" for i in range(1, 10)],
            "kinerja": [c[0] for c in TABLE_S39],
            "potensi": [c[1] for c in TABLE_S39],
        }
    )


def test_peta_talenta_flags_without_competency():
    out = kc.talent.peta_talenta(_pegawai())
    assert out["kotak"].tolist() == [6, 8, 9, 3, 5, 7, 1, 2, 4]
    # kotak 7-9 = kelompok rencana suksesi [S39]
    assert out.loc[out["kelompok_suksesi"], "kotak"].sort_values().tolist() == [7, 8, 9]
    assert out.loc[out["usulan_pendidikan_lanjutan"], "kotak"].sort_values().tolist() == [7, 8, 9]
    assert out["tindak_lanjut"].notna().all()


def test_peta_talenta_with_competency_gaps():
    peg = _pegawai()
    # kotak 9 pegawai meets every standard; kotak 8 and 7 have one gap; kotak 5 has gaps
    levels = {
        peg.loc[2, "nip"]: [3, 3],  # kotak 9, no gap -> promotion, not education
        peg.loc[1, "nip"]: [2, 3],  # kotak 8, one gap -> education
        peg.loc[5, "nip"]: [3, 2],  # kotak 7, one gap -> education
        peg.loc[4, "nip"]: [1, 1],  # kotak 5, gaps but outside 7-9 -> no
    }
    komp = pd.DataFrame(
        [
            (nip, k, 3, lvl)
            for nip, lv in levels.items()
            for k, lvl in zip(["Integritas", "Kerjasama"], lv, strict=True)
        ],
        columns=["nip", "kompetensi", "level_standar", "level_aktual"],
    )
    out = kc.talent.peta_talenta(peg, kompetensi=komp).set_index("kotak")
    assert not out.loc[9, "usulan_pendidikan_lanjutan"]
    assert out.loc[8, "usulan_pendidikan_lanjutan"]
    assert out.loc[7, "usulan_pendidikan_lanjutan"]
    assert not out.loc[5, "usulan_pendidikan_lanjutan"]
    assert out.loc[8, "kompetensi_kurang"] == ("Integritas",)
    assert out.loc[9, "kategori_jpm"] == "Optimal"
    # kotak 1..6 without competency data stay unflagged; none outside 7-9 is proposed
    assert not out.loc[[1, 2, 3, 4, 6], "usulan_pendidikan_lanjutan"].any()
    # configurable: the box alone decides
    alone = kc.talent.peta_talenta(peg, kompetensi=komp, minimal_kompetensi_kurang=0)
    assert alone.loc[alone["usulan_pendidikan_lanjutan"], "kotak"].sort_values().tolist() == [
        7,
        8,
        9,
    ]
    only7 = kc.talent.peta_talenta(peg, kotak_pendidikan=[7])
    assert only7.loc[only7["usulan_pendidikan_lanjutan"], "kotak"].tolist() == [7]


def test_peta_talenta_from_predikat():
    df = pd.DataFrame(
        {"nip": ["1", "2", "3"], "predikat": ["Sangat Baik", "Baik", "Sangat Kurang"]}
    ).assign(potensi=[TINGGI, MENENGAH, RENDAH])
    out = kc.talent.peta_talenta(df, kolom_kinerja="predikat")
    assert out["kotak"].tolist() == [9, 5, 1]
    assert out["kinerja_9box"].tolist() == [ATAS, SESUAI, BAWAH]


def test_peta_talenta_missing_column():
    with pytest.raises(DataError, match="potensi"):
        kc.talent.peta_talenta(_pegawai().drop(columns="potensi"))


def test_ringkasan_counts_all_boxes():
    peta = kc.talent.peta_talenta(_pegawai().iloc[[0, 0, 2]].reset_index(drop=True))
    r = kc.talent.ringkasan_kotak(peta)
    assert r["kotak"].tolist() == list(range(1, 10))
    assert r.set_index("kotak")["jumlah"].to_dict() == {
        1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 2, 7: 0, 8: 0, 9: 1
    }  # fmt: skip
    assert r["persen"].sum() == pytest.approx(100.0)


def test_figures_smoke():
    from matplotlib.figure import Figure

    from kinerja_calib.plots import talent as plots_talent

    peta = kc.talent.peta_talenta(_pegawai())
    assert isinstance(plots_talent.peta_sembilan_kotak(peta), Figure)
    survei = pd.DataFrame({f"u{i}": [4.0, 3.0, 2.0, 3.0] for i in range(1, 10)})
    survei["unit_layanan"] = ["A", "A", "B", "B"]
    assert isinstance(plots_talent.ikm_per_unit(kc.survey.ikm(survei, by="unit_layanan")), Figure)
    komp = pd.DataFrame(
        {
            "nip": ["1", "1", "2"],
            "kompetensi": ["Integritas", "Kerjasama", "Integritas"],
            "level_standar": [3, 3, 3],
            "level_aktual": [2, 4, 3],
        }
    )
    assert isinstance(
        plots_talent.heatmap_kesenjangan(kc.competency.matriks_kesenjangan(komp)), Figure
    )
    assert isinstance(plots_talent.distribusi_jpm(kc.competency.jpm_table(komp)), Figure)


@pytest.mark.parametrize(
    ("name", "override", "message"),
    [
        ("talenta-3-2020", {"kotak": [[1, 2, 3], [3, 5, 7], [6, 8, 9]]}, "3 x 3"),
        ("talenta-3-2020", {"pendidikan_lanjutan.kotak": [10]}, "pendidikan_lanjutan.kotak"),
        ("kompetensi-38-2017", {"jpm.kategori.batas_bawah": [0, 90, 78]}, "naik"),
        ("skm-14-2017", {"bobot.metode": "bobot_0_1111"}, "bobot.metode"),
    ],
)
def test_rules_validators_refuse_bad_overrides(name, override, message):
    import kinerja_calib.rules._validators_sdm  # noqa: F401

    with pytest.raises(ParameterError, match=message):
        kc.rules.load(name, overrides=override)


def test_overrides_through_loader_change_results():
    r = kc.rules.load("talenta-3-2020", overrides={"pendidikan_lanjutan": {"kotak": [9]}})
    out = kc.talent.peta_talenta(_pegawai(), rules=r)
    assert out.loc[out["usulan_pendidikan_lanjutan"], "kotak"].tolist() == [9]
    skm = kc.rules.load("skm-14-2017", overrides={"bobot.metode": "bobot_0_11"})
    df = pd.DataFrame({f"u{i}": [4.0] for i in range(1, 10)})
    assert kc.survey.ikm(df, rules=skm)["ikm"].item() == pytest.approx(99.0)
    # the overridden choice no longer counts as an unconfirmed default
    assert "bobot.metode" not in set(skm.belum_terkonfirmasi()["kunci"])


def test_box_numbers_monotone_in_both_axes():
    # a higher kinerja or a higher potensi never gives a lower box number (regulasi.md §6)
    m = kc.talent.matriks_kotak().iloc[::-1].to_numpy()  # rows potensi low -> high
    assert (m[:, 1:] > m[:, :-1]).all()
    assert (m[1:, :] > m[:-1, :]).all()
