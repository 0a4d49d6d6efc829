"""Small and odd instansi (issue 13 item 6): every notebook runs, no page shows a raw error.

The workbook of ``tests/fixtures/reports/kecil.py`` holds instansi with 1, 2, 3 and 5
pegawai, one without 360/SKM/kompetensi rows, one with data in one periode only and one
pegawai without realisasi. The fast tests build every report section for each of them; the
slow test runs the whole batch (report + every course notebook) once and scans every produced page.
"""

from __future__ import annotations

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kinerja_calib import reports
from kinerja_calib.reports import _sections_base

FIXTURES = Path(__file__).parent / "fixtures" / "reports"


def _load_kecil():
    spec = importlib.util.spec_from_file_location("kecil_workbook", FIXTURES / "kecil.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


KECIL = _load_kecil()


@pytest.fixture(scope="module")
def data_kecil(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kecil")
    KECIL.tulis_kecil(folder)
    return folder


# --------------------------------------------------------------------------- the scanner

#: What a reader must never see on a produced page (in its visible text).
TERLARANG = [
    ("traceback", re.compile(r"Traceback")),
    ("nama kelas galat", re.compile(r"\b[A-Z]\w*(?:Error|Warning|Exception|Interrupt)\b")),
    ("baris berkas", re.compile(r'File "')),
    ("jalur", re.compile(r"/work\b|/tmp\b|/home\b|/usr\b|site-packages|\w\.py\b")),
    ("nilai kosong mentah", re.compile(r"(?<![\w-])(?:nan|NaN|NaT|None|inf|-inf|<NA>)(?![\w-])")),
]


class _Teks(HTMLParser):
    """Visible text of a page (no <style>, <script>, <title>; no <code>: the course narrative
    quotes code such as ``shrinkage=None`` on purpose)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title", "code"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def teks_terlihat(page: str) -> str:
    p = _Teks()
    p.feed(page)
    return "\n".join(s for s in (x.strip() for x in p.parts) if s)


def temuan(text: str) -> list[str]:
    """Every forbidden fragment of ``text``, with some context."""
    found = []
    for nama, pola in TERLARANG:
        for m in pola.finditer(text):
            a, b = max(0, m.start() - 60), m.end() + 60
            found.append(f"{nama}: …{text[a:b]!r}…")
    return found


def test_scanner_catches_raw_errors():
    page = (
        "<html><head><style>.nan{}</style></head><body><p>Nilai nan dan <b>None</b></p>"
        '<pre>Traceback (most recent call last):\n  File "/work/x.py", line 3\n'
        "KeyError: 'nip'</pre><td>&lt;NA&gt;</td><p>RuntimeWarning: Mean of empty slice</p>"
        "</body></html>"
    )
    found = " ".join(temuan(teks_terlihat(page)))
    for word in ("Traceback", "KeyError", "RuntimeWarning", "/work", "x.py", "nan", "None",
                 "<NA>"):  # fmt: skip
        assert word in found, word
    clean = "<p>Rata-rata 3,5; – tidak ada; Nonaktif; financial; info; Kinerja</p>"
    assert temuan(teks_terlihat(clean)) == []


# --------------------------------------------------------------------------- report sections

SECTIONS = [n for n in reports.__all__ if n.startswith("section_")]


def _render(bagian: reports.Bagian) -> str:
    """What the reader sees of a section: text, tables (as exported), figures drawn."""
    for fig in bagian.gambar:
        _sections_base._png(fig)
    tables = "".join(f"<p>{j}</p>{_sections_base._tabel_html(df)}" for j, df in bagian.tabel)
    return f"<p>{bagian.teks}</p>{tables}<p>{bagian.catatan}</p>"


@pytest.mark.parametrize("kode", list(KECIL.INSTANSI))
def test_report_sections_on_small_instansi(data_kecil, kode):
    """Every section of the report builds without an exception or a Python warning and
    shows no raw value (nan, None, <NA>, inf), no exception name and no path."""
    import warnings

    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ctx = reports.prepare_report(str(data_kecil), kode)
        pages = {name: _render(getattr(reports, name)(ctx)) for name in SECTIONS}
        summary = reports.ringkasan_indeks(ctx)
    plt.close("all")
    found = {n: temuan(teks_terlihat(p)) for n, p in pages.items()}
    assert {n: f for n, f in found.items() if f} == {}
    assert all(v == v for v in summary["porsi_predikat"].values())  # no NaN share


# --------------------------------------------------------------------------- helpers


def test_index_shows_a_plain_sentence_for_a_failure(tmp_path):
    """index.html names no exception and no path; the raw detail stays in the result."""
    raw = [
        "KeyError: \"['n_subjek', 'icc1'] not in index\"",
        "ValueError: zero-size array to reduction operation minimum which has no identity",
        'RuntimeWarning: Mean of empty slice; File "/work/x/kinerja_calib/plots/a.py"',
        "ParameterError: Data tidak ditemukan: /home/u/data/prov. Periksa jalur folder.",
        "notebook kursus tidak ditemukan: 03_*.ipynb (di /tmp/nb)",
    ]
    hasil = [
        reports.HasilTugas("K1", f"0{i}_x", "gagal", 1.0, g) for i, g in enumerate(raw, start=1)
    ]
    page = reports.write_index(tmp_path, ["K1"], {"K1": "Dinas Kecil"}, hasil).read_text()
    text = teks_terlihat(page)
    assert temuan(text) == []
    assert "Data tidak ditemukan: prov. Periksa jalur folder." in text
    assert "galat teknis" in text
    assert hasil[0].galat == raw[0]  # the raw detail is kept for the log / status table


def test_pesan_galat_is_one_indonesian_sentence():
    assert reports.pesan_galat("CellTimeoutError: cell timed out after 180 s").startswith(
        "Notebook ini melebihi batas waktu"
    )
    assert "Kernel Python berhenti" in reports.pesan_galat("DeadKernelError: Kernel died")
    assert reports.pesan_galat("ParameterError: Periode '2030-S1' tidak ada") == (
        "Periode '2030-S1' tidak ada."
    )
    for g in ("TypeError: float() argument must be a string", "ZeroDivisionError: x", ""):
        assert temuan(reports.pesan_galat(g)) == []


def test_tables_show_a_dash_for_missing_values():
    import numpy as np
    import pandas as pd

    from kinerja_calib import _display

    df = pd.DataFrame(
        {
            "a": [1.5, np.nan, np.inf],
            "b": pd.array([1, None, 3], dtype="Int64"),
            "c": ["x", None, pd.NA],
        }
    )
    text = teks_terlihat(_display._html_frame(df))
    assert temuan(text) == []
    assert text.count("–") == 5 and "1,5" in text
    assert _display.TABEL_KOSONG in _display._html_frame(df.iloc[:0])  # no header-only table
    assert len(_display.contoh(df, 6, seed=1)) == 3
    assert not _display.contoh(df.iloc[:0], 6)  # a DataKurang note
    assert str(_display.memerlukan(2, 1, "pegawai dengan penilaian 360")) == (
        "Bagian ini memerlukan minimal 2 pegawai dengan penilaian 360; instansi ini memiliki 1."
    )


def test_figures_on_empty_input_are_a_sentence():
    import pandas as pd

    from kinerja_calib import competency
    from kinerja_calib.plots import talent as plots_talent

    kosong = pd.DataFrame(columns=["nip", "kompetensi", "level_standar", "level_aktual"])
    jpm = competency.jpm_table(kosong)
    ikm = pd.DataFrame(columns=["unit_layanan", "ikm", "mutu", "n_responden"])
    for note in (
        plots_talent.distribusi_jpm(jpm),
        plots_talent.ikm_per_unit(ikm),
        plots_talent.heatmap_kesenjangan(pd.DataFrame()),
    ):
        assert str(note).startswith("Bagian ini memerlukan")


# --------------------------------------------------------------------------- the batch


def _scan(out: Path, pages: list[Path]) -> None:
    found = {str(p.relative_to(out)): temuan(teks_terlihat(p.read_text())) for p in pages}
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.slow
def test_batch_on_small_instansi_shows_no_raw_error(data_kecil, tmp_path, monkeypatch):
    """Report + every course notebook for every tiny instansi: every page is free of tracebacks,
    warnings, exception names, paths and raw missing values (nan, None, <NA>, inf)."""
    import nbformat

    from kinerja_calib import _display

    monkeypatch.setenv(_display.ENV_PERINGATAN, "1")  # a warning must reach the page (and fail)
    out = tmp_path / "keluaran"
    reports.run_batch(data_kecil, out, pekerja=2, tampilkan=False)
    assert not list(out.glob("*/gagal/*.ipynb"))  # every notebook ran for every instansi
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 1 + (1 + len(reports.KURSUS)) * len(KECIL.INSTANSI)
    _scan(out, pages)
    for kode in KECIL.INSTANSI:
        nb = nbformat.read(out / kode / "laporan_instansi.ipynb", as_version=4)
        streams = [
            o.get("text", "")
            for c in nb.cells
            for o in c.get("outputs", [])
            if o.get("output_type") == "stream" and o.get("name") == "stderr"
        ]
        assert streams == [], (kode, streams)
    k1 = teks_terlihat((out / "K1" / "laporan_instansi.html").read_text())
    assert "Bagian ini memerlukan predikat pegawai" in k1
    assert "belum ada yang memperoleh predikat" in k1
    kosong = teks_terlihat((out / "KOSONG" / "laporan_instansi.html").read_text())
    assert "Tidak ada data kompetensi untuk instansi ini." in kosong
    for kode in ("K1", "KOSONG"):  # no 360 rating other than self: course 05 says so
        kal = teks_terlihat((out / kode / "05_kalibrasi_360.html").read_text())
        assert "Bagian ini memerlukan penilaian 360 dari atasan, rekan, bawahan" in kal


@pytest.mark.slow
def test_batch_without_optional_tables(data_kecil, tmp_path, monkeypatch):
    """A workbook without survei_skm and kompetensi (optional tables): every notebook runs
    for a small instansi and says what is missing."""
    import shutil

    from kinerja_calib import _display

    monkeypatch.setenv(_display.ENV_PERINGATAN, "1")
    data = tmp_path / "data"
    shutil.copytree(data_kecil, data)
    (data / "survei_skm.csv").unlink()
    (data / "kompetensi.csv").unlink()
    out = tmp_path / "keluaran"
    reports.run_batch(data, out, instansi=["K5"], pekerja=2, tampilkan=False)
    assert not list(out.glob("*/gagal/*.ipynb"))
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 2 + len(reports.KURSUS)  # index + report + course
    _scan(out, pages)
    ikm = teks_terlihat((out / "K5" / "02d_kepuasan_masyarakat.html").read_text())
    assert "Bagian ini memerlukan hasil survei kepuasan masyarakat (SKM)" in ikm
    talenta = teks_terlihat((out / "K5" / "02c_kompetensi_dan_talenta.html").read_text())
    assert "Bagian ini memerlukan data kompetensi pegawai" in talenta


# --------------------------------------------------------------------------- package functions


def _ratings_diri_saja():
    import pandas as pd

    return pd.DataFrame(
        {
            "periode": ["2026-S1"] * 2,
            "nip": ["a", "a"],
            "nip_penilai": ["a", "a"],
            "peran_penilai": ["diri", "diri"],
            "aspek": ["loyal", "adaptif"],
            "nilai": [5.0, 4.0],
        }
    )


def test_calibration_on_self_ratings_only_is_a_sentence():
    """Only self-ratings (an instansi of one, or none rated by others): documented empty
    results and one Indonesian sentence instead of a ParameterError."""
    from kinerja_calib import calibrate

    r = _ratings_diri_saja()
    fx = calibrate.rater_effects(r)
    assert fx.ratees.empty and fx.raters.empty
    assert {"skor_terkalibrasi", "koreksi"} <= set(fx.ratees.columns)
    assert "diagnosis" in fx.raters.columns
    assert fx.ringkasan() == calibrate._types.KURANG_PENILAI
    assert fx.ringkasan().startswith("Bagian ini memerlukan penilaian 360")
    for hasil in (
        calibrate.source_weights(r),
        calibrate.role_reliability_curve(r),
        calibrate.compare_weights(r),
    ):
        assert str(hasil) == calibrate._types.KURANG_PENILAI
        # a cell chaining on the note still shows the note
        assert str(hasil.ringkasan.drop(columns="x")) == str(hasil)
    from kinerja_calib.plots import calibrate as gambar

    assert str(gambar.sebelum_sesudah(fx)) == calibrate._types.KURANG_PENILAI
    assert str(gambar.bobot_sumber(calibrate.source_weights(r))) == str(fx.ringkasan())


def test_agreement_on_no_usable_group():
    import numpy as np

    from kinerja_calib import agreement as A

    r = _ratings_diri_saja().iloc[:0]
    tab = A.agreement_table(r, by=["aspek"], statistics=["icc1", "alpha", "ac1"])
    assert tab.empty
    assert {"n_subjek", "icc1", "icc1_ci_low", "alpha", "ac1", "kategori_icc"} <= set(tab.columns)
    # every subject rated the same: no spread between subjects, no ZeroDivisionError
    res = A.icc(np.array([[3.0, 3.0], [3.0, 3.0], [3.0, np.nan]]), missing="unbalanced")
    assert np.isnan(res.at["ICC1", "icc"])  # 0/0: undefined, shown as "–"
    from kinerja_calib.plots import agreement as gambar

    assert str(gambar.interval_kesepakatan(tab, "aspek")).startswith("Bagian ini memerlukan")


def test_score_workbook_periode_only_in_realisasi(data_kecil):
    """KOSONG has realisasi but no 360 rows: scoring a named periode works (capaian, no
    predikat) instead of "Periode ... tidak ada di data"."""
    import kinerja_calib as kc
    from kinerja_calib import ParameterError

    wb = kc.load_workbook(data_kecil).untuk_instansi("KOSONG")
    s = kc.score_workbook(wb, periode="2026-S2")
    assert len(s) == 4 and s["capaian"].notna().all() and s["predikat"].isna().all()
    with pytest.raises(ParameterError, match="2030-S1"):
        kc.score_workbook(wb, periode="2030-S1")


def test_course_setup_accepts_an_instansi_without_360(data_kecil):
    from kinerja_calib import agreement, calibrate

    p4 = agreement.prepare(str(data_kecil), "KOSONG")
    assert p4.periode == "2026-S2" and p4.ratings.empty
    p5 = calibrate.prepare(str(data_kecil), "KOSONG")
    assert p5.periode == "2026-S2" and p5.ratings.empty and len(p5.skor) == 4
    # with 360 ratings the latest 360 periode is still the default
    assert agreement.prepare(str(data_kecil), "K3").periode == "2026-S1"


def test_optional_tables_absent_give_empty_tables():
    from types import SimpleNamespace

    from kinerja_calib import competency, survey

    wb = SimpleNamespace(survei_skm=None, kompetensi=None)
    skm = survey.responden(wb, "2026-S1")
    assert skm.empty and "u9" in skm.columns
    assert competency.untuk_pegawai(wb, ["1"]).empty
    assert competency.jpm_table(competency.untuk_pegawai(wb)).empty


def test_angka_for_sentences():
    import kinerja_calib as kc

    assert kc.angka(0.51234) == "0,512"
    assert kc.angka(float("nan")) == "–" and kc.angka(None) == "–"
    assert kc.angka(float("-inf")) == "–"
    assert kc.angka(1234.5, 1) == "1.234,5"
