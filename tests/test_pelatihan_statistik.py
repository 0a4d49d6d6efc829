"""Live numbers and the simulated session of the rater training (kinerja_calib.pelatihan).

Hand-computed numbers use a four-case stand-in bank (``bank``); the simulated session, the
CLI and the report run on the packaged vignette bank (``real_bank``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from kinerja_calib.labels import ASPEK_BERAKHLAK, RATING
from kinerja_calib.pelatihan import Sesi, load_bank, simulate_session
from kinerja_calib.pelatihan._statistik import (
    accuracy,
    agreement,
    convergence,
    disagreement,
    group_summary,
    rater_summary,
)

CODES = ["V01", "V02", "V03", "V04"]
# Key per case: (hasil kerja, perilaku, aspect scores); spread so range and leniency show.
KEY = {
    "V01": (RATING[1], RATING[1], [3, 3, 4, 3, 3, 2, 3]),
    "V02": (RATING[2], RATING[1], [4, 4, 3, 4, 3, 4, 4]),
    "V03": (RATING[0], RATING[0], [2, 2, 2, 3, 2, 2, 3]),
    "V04": (RATING[1], RATING[2], [4, 3, 4, 4, 4, 3, 4]),
}


@dataclass
class FakeBank:
    kasus: pd.DataFrame
    kunci: pd.DataFrame

    def kasus_paralel(self, kode):
        return None


@pytest.fixture
def bank() -> FakeBank:
    rows = []
    for kode, (hk, pk, aspek) in KEY.items():
        rows += [
            (kode, "rating_hasil_kerja", hk, f"alasan hk {kode}"),
            (kode, "rating_perilaku", pk, "alasan"),
        ]
        rows += [
            (kode, a, str(v), f"alasan {a}") for a, v in zip(ASPEK_BERAKHLAK, aspek, strict=True)
        ]
        rows.append((kode, "predikat", "Baik", "matriks"))
    kunci = pd.DataFrame(rows, columns=["kode", "butir", "nilai", "alasan"])
    return FakeBank(kasus=pd.DataFrame({"kode": CODES}), kunci=kunci)


def _long(
    ratings: dict[str, dict[str, list[int]]], people: dict[str, tuple[str, str]]
) -> pd.DataFrame:
    """Build a penilaian table: person -> case -> 9 scores (hk, pk, aspects)."""
    butir = ["rating_hasil_kerja", "rating_perilaku", *ASPEK_BERAKHLAK]
    rows = [
        (pid, pid, *people[pid], 1, kode, b, s)
        for pid, cases in ratings.items()
        for kode, scores in cases.items()
        for b, s in zip(butir, scores, strict=True)
    ]
    cols = ["id_peserta", "nama", "instansi", "wilayah", "ronde", "kode_vinyet", "butir", "skor"]
    return pd.DataFrame(rows, columns=cols).assign(nilai=lambda f: f["skor"].astype(str))


def _key_scores(kode):
    hk, pk, aspek = KEY[kode]
    return [RATING.index(hk) + 1, RATING.index(pk) + 1, *aspek]


def test_accuracy_and_leniency_by_hand(bank):
    exact = {k: _key_scores(k) for k in CODES}
    lenient = {
        k: [min(s + 1, 3) for s in _key_scores(k)[:2]] + [s + 1 for s in _key_scores(k)[2:]]
        for k in CODES
    }
    frame = _long({"A": exact, "B": lenient}, {"A": ("X", "W1"), "B": ("Y", "W2")})
    raters = rater_summary(frame, bank.kunci).set_index(["id_peserta", "skala"])
    assert (
        raters.loc[("A", "aspek"), "tepat"] == 1.0
        and raters.loc[("A", "aspek"), "kelonggaran"] == 0
    )
    assert (
        raters.loc[("B", "aspek"), "kelonggaran"] == 1.0
        and raters.loc[("B", "aspek"), "tepat"] == 0
    )
    assert raters.loc[("A", "aspek"), "rentang"] == pytest.approx(1.0)
    # ratings: key 3 stays 3, so B is +1 on 6 of 8 ratings
    assert raters.loc[("B", "rating"), "kelonggaran"] == pytest.approx(6 / 8)
    acc = accuracy(frame, bank.kunci).set_index("skala")
    assert acc.loc["aspek", "tepat"] == 0.5 and acc.loc["aspek", "jarak"] == 0.5
    assert acc.loc["aspek", "n"] == 2 * 4 * 7


def test_group_summary_hides_small_groups(bank):
    people = {f"P{i}": ("Inst", "Besar" if i < 4 else "Kecil") for i in range(5)}
    frame = _long({p: {k: _key_scores(k) for k in CODES} for p in people}, people)
    groups = group_summary(rater_summary(frame, bank.kunci), "wilayah")
    assert set(groups["wilayah"]) == {
        "Besar"
    }  # one person in "Kecil" (→ "(lainnya)", n=1) is dropped
    assert (groups["n_peserta"] == 4).all()


def test_perfect_agreement_and_disagreement_ranking(bank):
    people = {f"P{i}": ("I", "W") for i in range(4)}
    same = {p: {k: _key_scores(k) for k in CODES} for p in people}
    for i, p in enumerate(people):  # V03 split: aspects 1,2,4,5
        same[p]["V03"] = _key_scores("V03")[:2] + [1 + i + (i >= 2)] * 7
    frame = _long(same, people)
    agree = agreement(frame, n_boot=50).set_index(["skala", "statistik"])
    assert agree.loc[("rating", "alpha_ordinal"), "nilai"] == pytest.approx(1.0)
    assert agree.loc[("aspek", "alpha_ordinal"), "nilai"] < 0.9
    assert agree.loc[("aspek", "gwet_ac2"), "ci_low"] <= agree.loc[("aspek", "gwet_ac2"), "nilai"]
    ranked = disagreement(frame, bank.kunci)
    assert ranked.iloc[0]["kode_vinyet"] == "V03" and ranked.iloc[0]["urutan_bahas"] == 1
    assert ranked.set_index("kode_vinyet").loc["V01", "sebaran"] == 0


@pytest.fixture(scope="module")
def real_bank():
    return load_bank()


@pytest.fixture
def simulated(tmp_path, real_bank):
    sesi = Sesi.buat(tmp_path, "Simulasi", ronde=2)  # every case of the packaged bank
    return simulate_session(sesi, real_bank.kunci, n_peserta=30, perbaikan=0.6, seed=7)


def test_simulated_session_recovers_planted_leniency(simulated, real_bank):
    rows = simulated.sesi.penilaian()
    n_kasus = len(real_bank.kasus)
    assert len(rows) == 30 * n_kasus * 9 * 2
    raters = rater_summary(rows[rows["ronde"] == 1], real_bank.kunci)
    got = raters[raters["skala"] == "aspek"].set_index("id_peserta")["kelonggaran"]
    planted = simulated.efek.set_index("id_peserta")["kelonggaran"]
    r = np.corrcoef(planted.loc[got.index], got)[0, 1]
    print(f"r = {r:.3f}")
    assert r >= 0.9, r


def test_simulated_room_converges_with_ci(simulated, real_bank):
    change = convergence(
        simulated.sesi.penilaian(), real_bank.kunci, n_boot=1000, seed=1
    ).set_index(["skala", "ukuran"])
    assert change.loc[("aspek", "jarak"), "ci_high"] < 0  # closer to the key in round 2
    assert change.loc[("aspek", "sebaran"), "ci_high"] < 0  # and closer to one another
    row = change.loc[("aspek", "jarak")]
    assert row["perubahan"] == pytest.approx(row["sesudah"] - row["sebelum"])
    assert (change["n_peserta"] == 30).all()


def test_private_feedback_holds_only_own_data(simulated, real_bank):
    sesi = simulated.sesi
    me = sesi.daftar_peserta().iloc[3]
    view = sesi.umpan_balik(me["id_peserta"])  # the packaged bank by default
    assert view.nama == me["nama"]
    assert len(view.deviasi) == len(real_bank.kasus) * 9 * 2
    # Each deviation carries the key's reason for that case and butir.
    reasons = real_bank.kunci.rename(columns={"kode": "kode_vinyet"})
    got = view.deviasi.merge(reasons, on=["kode_vinyet", "butir"], suffixes=("", "_kunci"))
    assert len(got) == len(view.deviasi) and (got["alasan"] == got["alasan_kunci"]).all()
    others = set(sesi.daftar_peserta()["nama"]) - {me["nama"]}
    text = view.deviasi.to_csv() + view.posisi.to_csv()
    assert not any(name in text for name in others)
    pos = view.posisi.set_index(["ronde", "skala"])
    assert (pos["n_peserta_ruang"] == 30).all() and pos["persentil"].between(0, 100).all()
    summary = sesi.ringkasan(n_boot=100)
    assert summary.perubahan is not None and set(summary.kesepakatan["ronde"]) == {1, 2}


def test_cli_buat_simulasi_ringkasan_ekspor(tmp_path, real_bank, capsys):
    from kinerja_calib.cli import main

    assert (
        main(
            [
                "pelatihan",
                "buat",
                "--db",
                str(tmp_path),
                "--nama",
                "Kelas A",
                "--kasus",
                "V01",
                "V02",
            ]
        )
        == 0
    )
    assert "Kasus ronde 1: V01, V02" in capsys.readouterr().out
    assert main(["pelatihan", "buat", "--db", str(tmp_path), "--nama", "X", "--kasus", "V99"]) == 1
    assert "'kode_vinyet' tidak dikenal: V99" in capsys.readouterr().err
    assert (
        main(["pelatihan", "simulasi", "--db", str(tmp_path), "--peserta", "12", "--seed", "3"])
        == 0
    )
    kode = capsys.readouterr().out.split("Sesi simulasi: ")[1].split(",")[0]
    assert main(["pelatihan", "ringkasan", "--db", str(tmp_path), "--sesi", kode]) == 0
    out = capsys.readouterr().out
    assert "alpha_ordinal" in out and "Perubahan ronde 1 → 2" in out and "tepat" in out
    assert (
        main(
            [
                "pelatihan",
                "ekspor",
                "--db",
                str(tmp_path),
                "--sesi",
                kode,
                "--keluaran",
                str(tmp_path / "a.csv"),
            ]
        )
        == 0
    )
    assert len(pd.read_csv(tmp_path / "a.csv")) == 12 * len(real_bank.kasus) * 9 * 2


def test_case_table_reads_in_indonesian(real_bank):
    from kinerja_calib.pelatihan import NAMA_KESALAHAN, tabel_vinyet

    t = tabel_vinyet()
    assert t["Kode"].tolist() == real_bank.kasus["kode"].tolist()
    named = set(t["Kesalahan yang diuji"].str.split(", ").explode())
    assert named <= set(NAMA_KESALAHAN.values()) and "kelonggaran" in named
    assert not named & set(NAMA_KESALAHAN)  # no English codes left


def test_report_and_private_pages(simulated, real_bank, tmp_path, capsys):
    from kinerja_calib._escape import escape_text
    from kinerja_calib.cli import main

    sesi = simulated.sesi
    out = tmp_path / "laporan"
    argv = [
        "pelatihan",
        "laporan",
        "--db",
        str(sesi.db),
        "--sesi",
        sesi.kode_sesi,
        "--keluaran",
        str(out),
    ]
    assert main(argv) == 0  # the key of the packaged bank
    assert "Halaman pribadi peserta: 30 berkas" in capsys.readouterr().out
    report = (out / "laporan_pelatihan.html").read_text("utf-8")
    assert "Laporan Sesi Pelatihan Penilai" in report and "menyatu" in report
    assert "data:image/png;base64," in report  # the leniency histogram
    assert "Peserta Simulasi" not in report and "kunci_csv" not in report  # no names, no code
    # Cases to revisit carry the bank's title and the error they test, in Indonesian.
    assert "Kesalahan yang diuji" in report
    assert any(escape_text(j) in report for j in real_bank.kasus["judul"])
    assert "central_tendency" not in report
    people = sesi.daftar_peserta()
    pages = sorted((out / "peserta").glob("*.html"))
    assert [p.stem for p in pages] == sorted(people["id_peserta"])
    for row in people.iloc[:5].itertuples():
        page = (out / "peserta" / f"{row.id_peserta}.html").read_text("utf-8")
        assert row.nama in page
        assert not any(other in page for other in set(people["nama"]) - {row.nama})


def test_report_pdf(simulated, real_bank, tmp_path):
    from kinerja_calib._pdf import cari_chromium, jumlah_halaman
    from kinerja_calib.pelatihan import render_report

    if cari_chromium() is None:
        pytest.skip("Chromium tidak tersedia untuk --pdf")
    kunci = tmp_path / "kunci.csv"
    real_bank.kunci.to_csv(kunci, index=False)  # the key given as a CSV file
    sesi = simulated.sesi
    written = render_report(sesi.db, sesi.kode_sesi, tmp_path / "out", pdf=True, kunci_csv=kunci)
    pdfs = [p for p in written if p.suffix == ".pdf"]
    assert len(pdfs) == 1 + 30
    assert jumlah_halaman((tmp_path / "out" / "laporan_pelatihan.pdf").read_bytes()) >= 1
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)


def test_simulated_effects_are_sized_by_the_rater_simulator_scenario(tmp_path, real_bank):
    from kinerja_calib.pelatihan._simulasi import rater_effects
    from kinerja_calib.simulate import Scenario

    base = Scenario()
    kappa = base.ambang()
    point = (kappa[-1] - kappa[0]) / (len(kappa) - 1)  # latent units per scale point
    one = rater_effects(500, np.random.default_rng(4), base)
    two = rater_effects(500, np.random.default_rng(4), base.replace(sd_keparahan=2.3))
    # Same draws, twice the scenario's leniency SD: exactly twice the planted leniency.
    np.testing.assert_allclose(two["kelonggaran"], 2 * one["kelonggaran"])
    assert one["galat"].iloc[0] == pytest.approx(base.sd_galat / point)
    assert np.sqrt((one["halo"] ** 2).mean()) == pytest.approx(base.sd_halo / point, rel=0.1)
    assert np.isinf(one["lebar"]).mean() == pytest.approx(1 - base.porsi_rentang_sempit, abs=0.04)
    lunak = rater_effects(
        500, np.random.default_rng(4), base.replace(porsi_penilai_lunak=0.2, besar_penilai_lunak=1)
    )
    shifted = lunak["kelonggaran"] - one["kelonggaran"]
    assert (shifted.round(9) > 0).sum() == 100  # 20 % planted, each + 1 total SD in points
    assert shifted.max() == pytest.approx(base.sd_skala / point)

    # A scenario without rater effects rates every case exactly as the key.
    perfect = Scenario.tanpa_bias(sd_galat=0.0)
    sesi = Sesi.buat(tmp_path, "Tanpa bias", kode_vinyet=["V01", "V03", "V05"], ronde=1)
    simulate_session(sesi, real_bank.kunci, n_peserta=5, seed=1, scenario=perfect)
    acc = accuracy(sesi.penilaian(), real_bank.kunci).set_index("skala")
    assert (acc["tepat"] == 1).all() and (acc["kelonggaran"] == 0).all()
