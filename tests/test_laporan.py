"""The leader's report (issue 15): executive summary first, a short first view, plain
Indonesian without code, one rounding rule, and a PDF beside the HTML.

Fast tests build sections on the hand-made mini workbook and on one small sample instansi;
the slow browser tests run the real template through papermill for the largest sample
instansi (height as first shown, PDF pages) and a small one (PDF), in headless Chromium.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib import _catatan_aturan, _pdf, reports
from kinerja_calib.errors import ReportError
from kinerja_calib.reports import _sections_360, _sections_base

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FIXTURES = Path(__file__).parent / "fixtures" / "reports"
R6 = "permenpanrb-6-2022"

#: What must never appear in a leader's report: code spans, assignments, package calls,
#: source keys such as [S25], and snake_case identifiers (config keys, column names).
KODE = {
    "backtick": re.compile(r"`"),
    "sama dengan": re.compile(r"="),
    "panggilan paket": re.compile(r"\bkc\."),
    "kunci sumber": re.compile(r"\[S\d+[a-z]?\]"),
    "identifier": re.compile(r"\b[A-Za-z]+_[A-Za-z0-9_]+\b"),
    "nama berkas aturan": re.compile(r"\b(?:permenpanrb|pp|skm|kompetensi|talenta)-\d+-\d{4}\b"),
}


def _kode_dalam(teks: str) -> dict[str, list[str]]:
    found = {nama: pola.findall(teks) for nama, pola in KODE.items()}
    return {k: v[:5] for k, v in found.items() if v}


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("mini_workbook", FIXTURES / "mini.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    folder = tmp_path_factory.mktemp("mini")
    return folder, mod.tulis_mini(folder)


@pytest.fixture(scope="module")
def ctx_mini(mini):
    return reports.prepare_report(str(mini[0]), "UJI-A")


needs_samples = pytest.mark.skipif(
    not (SAMPLES / "instansi.csv").exists(), reason="data/samples belum ada"
)


def _sample_sizes() -> pd.Series:
    peg = pd.read_csv(SAMPLES / "pegawai.csv", dtype=str, usecols=["kode_instansi"])
    return peg["kode_instansi"].value_counts().sort_values(ascending=False, kind="stable")


# --------------------------------------------------------------------------- plain Indonesian


def test_rules_appendix_is_sentences_without_code(ctx_mini):
    teks = reports.section_aturan(ctx_mini).teks
    assert not _kode_dalam(teks), _kode_dalam(teks)
    # it still says which numbers are unconfirmed and that the instansi may decide
    assert "belum dapat dicocokkan dengan teks resmi" in teks
    assert "Instansi dapat menetapkan bobotnya sendiri" in teks
    assert "atasan 40 %, rekan kerja 20 %" in teks  # values read from the rules, as percent
    assert "capaian di bawah 80 %" in teks and "mulai 4,0" in teks
    assert "0,11" in teks  # the rounded IKM weight, not "0,1"
    assert "Anonimitas penilai 360" in teks


def test_rules_sentences_quote_what_the_instansi_set():
    """A value the instansi set itself is quoted as set, and named as its own decision."""
    r = kc.rules.load(
        R6,
        overrides={"ambang.capaian.batas_bawah": 85, "bobot_peran": {"atasan": 0.5, "rekan": 0.1}},
    )
    baris = _catatan_aturan.kalimat_aturan([r])
    teks = "\n".join(baris)
    assert "capaian di bawah 85 %" in teks  # other ambang numbers are still defaults
    assert "atasan 50 %, rekan kerja 10 %" in teks
    sendiri = next(b for b in baris if "Ditetapkan instansi sendiri" in b)
    assert "batas rating" in sendiri and "bobot sumber 360" in sendiri
    assert not _kode_dalam(teks)
    # every unconfirmed key of the built-in files is covered by a sentence
    for nama in (R6, "skm-14-2017", "kompetensi-38-2017", "talenta-3-2020"):
        assert not any(
            "angka bawaan lain" in b for b in _catatan_aturan.kalimat_aturan([kc.rules.load(nama)])
        ), nama


def test_section_texts_have_no_code(ctx_mini):
    for name in (n for n in reports.__all__ if n.startswith("section_")):
        b = getattr(reports, name)(ctx_mini)
        teks = "\n".join([b.teks, b.catatan, *(j for j, _ in b.tabel)])
        assert not _kode_dalam(teks), (name, _kode_dalam(teks))


# --------------------------------------------------------------------------- tables


def test_headers_are_words_and_text_columns_are_left_aligned():
    df = pd.DataFrame(
        {
            "jabatan": ["Analis"],
            "capaian_rata_rata": [101.25],
            "realisasi_rata_rata": [3.0],
            "proporsi": [0.6],
            "rwg": [0.5],
        }
    )
    page = _sections_base._tabel_html(df)
    assert "Capaian rata-rata" in page and "Realisasi rata-rata" in page
    assert "rata rata" not in page and "r_wg" not in page
    assert "60 %" in page and "0,6<" not in page  # a share reads as a percentage
    classes = re.search(r'class="([^"]*tabel-laporan[^"]*)"', page).group(1).split()
    assert "kiri-1" in classes  # the text column
    assert not [c for c in classes if c.startswith("kiri-") and c != "kiri-1"]
    # the stylesheet aligns exactly those columns left
    assert ".tabel-laporan.kiri-1 td:nth-child(1)" in _sections_base.GAYA


def test_text_and_table_round_agreement_the_same_way(ctx_mini):
    """ICC 0,55 in a sentence and 0,6 in the table beside it was one value rounded twice."""
    b = reports.section_agreement(ctx_mini)
    (_, tab), *_ = b.tabel
    page = _sections_base._tabel_html(tab)
    shown = tab.dropna(subset=["icc1"])
    assert len(shown)
    for row in shown.itertuples(index=False):
        for kolom in ("icc1", "icc1k"):
            cell = _sections_base.sel(kolom, getattr(row, kolom))
            assert re.search(re.escape(cell) + r"(?![\d,])", b.teks), (kolom, cell, b.teks)
            assert f"<td>{cell}</td>" in page, (kolom, cell)


def test_ikm_axis_is_the_25_to_100_scale(ctx_mini):
    tab = _sections_base.ikm_table(ctx_mini)
    fig = _sections_base.plots().gambar_ikm(tab)
    ax = fig.axes[0]
    assert ax.get_xlim() == (25.0, 100.0)
    assert "25–100" in ax.get_xlabel() and "0–100" not in ax.get_xlabel()


def test_capaian_chart_lowest_on_top_with_whole_wrapped_names():
    """The lowest capaian is the top bar whether or not the chart is cut to ``maks``; a long
    jabatan name is wrapped (narrow pages), never shortened, so two names that differ only
    at the end stay two labels, and the figure grows with the lines of its longest label."""
    panjang = "Kepala Seksi Ketenteraman dan Ketertiban Umum Kecamatan Telanaipura"
    tab = pd.DataFrame(
        {
            "jabatan": ["Camat", panjang + " A", panjang + " B", "Lurah"],
            "capaian_rata_rata": [120.0, 99.0, 104.0, 70.0],
        }
    )
    plots = _sections_base.plots()
    for maks in (10, 3):  # uncut, then cut to the three lowest
        ax = plots.gambar_capaian_jabatan(tab, maks=maks).axes[0]
        ticks = ax.get_yticks()
        labels = [t.get_text() for t in ax.get_yticklabels()]
        top = labels[int(np.argmax(ticks))]
        assert top == "Lurah", (maks, labels)
        assert len(labels) == min(4, maks)
        whole = {" ".join(t.split("\n")) for t in labels}
        assert {panjang + " A", panjang + " B"} <= whole, whole
        assert max(len(line) for t in labels for line in t.split("\n")) <= 26
        assert max(t.count("\n") for t in labels) == 2  # three lines, not four
    tinggi = plots.gambar_capaian_jabatan(tab).get_size_inches()[1]
    pendek = plots.gambar_capaian_jabatan(tab.assign(jabatan=list("ABCD"))).get_size_inches()[1]
    assert tinggi > pendek + 0.5  # three-line labels need taller rows than one-line ones


def test_long_per_pegawai_tables_are_closed(ctx_mini):
    """Per-pegawai lists are shown only inside closed details, never in the body."""
    per_pegawai = {
        "section_360": "per pegawai",
        "section_talenta": "Kelompok suksesi",
        "section_capaian": "semua jabatan",
    }
    for name, kata in per_pegawai.items():
        b = getattr(reports, name)(ctx_mini)
        judul = [j for j, _ in b.tabel if kata in j]
        assert judul and set(judul) <= set(b.tertutup), name
    html = _sections_base._rincian_html("Daftar", pd.DataFrame({"nama": ["A"]}))
    assert html.startswith("<details class='rincian'>") and " open" not in html


# --------------------------------------------------------------------------- executive summary


@needs_samples
def test_summary_names_the_kurva_decision_and_what_it_means():
    """Kecamatan Telanaipura: the proposal moves many staff to Butuh Perbaikan under an
    unconfirmed rule; the summary says how many, what it means for them, and that the
    rule is unconfirmed."""
    sizes = _sample_sizes()
    inst = pd.read_csv(SAMPLES / "instansi.csv", dtype=str)
    kode = inst.loc[inst["nama_instansi"] == "Kecamatan Telanaipura", "kode_instansi"].iloc[0]
    ctx = reports.prepare_report(str(SAMPLES), kode)
    teks = reports.section_ringkasan(ctx).teks
    moves = _sections_360.proposal(ctx, kc.calibrate)
    assert len(moves)
    n = int(ctx.jumlah_predikat().sum())
    assert n == sizes[kode]
    assert f"**{len(moves)} dari {n} pegawai**" in teks
    assert "Keputusan untuk pimpinan" in teks
    assert "*Artinya bagi" in teks and "pegawai yang diturunkan:*" in teks
    assert "**belum terkonfirmasi**" in teks
    assert teks.index("Predikat organisasi") < teks.index("Keputusan untuk pimpinan")
    assert not _kode_dalam(teks)


def test_summary_when_the_kurva_is_met(ctx_mini):
    teks = reports.section_ringkasan(ctx_mini).teks
    assert "Predikat organisasi" in teks and "Keputusan untuk pimpinan" in teks


# --------------------------------------------------------------------------- PDF errors


def test_pdf_without_chromium_is_one_indonesian_error_before_any_notebook(
    mini, tmp_path, monkeypatch
):
    out = tmp_path / "keluaran"
    monkeypatch.setenv(_pdf.ENV_CHROMIUM, str(tmp_path / "tidak-ada" / "chromium"))
    with pytest.raises(ReportError, match="Chromium") as err:
        reports.run_batch(mini[0], out, instansi=["UJI-A"], pdf=True, tampilkan=False)
    assert "apt-get install chromium" in str(err.value) and _pdf.ENV_CHROMIUM in str(err.value)
    assert not out.exists()  # failed before anything was written
    # none on PATH either
    monkeypatch.delenv(_pdf.ENV_CHROMIUM)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReportError, match="tidak ditemukan"):
        _pdf.validate_pdf()


def test_cli_pdf_without_chromium(mini, tmp_path, monkeypatch, capsys):
    from kinerja_calib import cli

    monkeypatch.setenv(_pdf.ENV_CHROMIUM, str(tmp_path / "bukan-program"))
    (tmp_path / "bukan-program").write_text("bukan program")
    code = cli.main(
        ["laporan", str(mini[0]), "--keluaran", str(tmp_path / "k"), "--pdf", "--hanya-laporan"]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert "Chromium" in err and "Traceback" not in err


def test_page_count_without_pypdf():
    import sys

    pdf = b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 2 >>\n2 0 obj << /Type /Page >>\n"
    pdf += b"3 0 obj <</Type/Page/Parent 1 0 R>>\n"

    saved = sys.modules.get("pypdf")
    sys.modules["pypdf"] = None  # import fails
    try:
        assert _pdf.jumlah_halaman(pdf) == 2
    finally:
        if saved is None:
            sys.modules.pop("pypdf", None)
        else:
            sys.modules["pypdf"] = saved


# --------------------------------------------------------------------------- real browser


def _chromium() -> str | None:
    return os.environ.get(_pdf.ENV_CHROMIUM) or shutil.which("chromium")


#: 1280 px wide, the report as first shown (details closed) must be at most this tall.
TINGGI_MAKS = 8000


@pytest.fixture(scope="module")
def laporan_sampel(tmp_path_factory):
    """The largest and the smallest sample instansi, report only, with PDF."""
    if not (SAMPLES / "instansi.csv").exists():
        pytest.skip("data/samples belum ada")
    if _chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium tidak ditemukan di CI: jalankan lewat `python3 jalankan.py uji`.")
        pytest.skip("Chromium tidak terpasang (apt-get install chromium)")
    sizes = _sample_sizes()
    besar, kecil = sizes.index[0], sizes.index[-1]
    out = tmp_path_factory.mktemp("laporan") / "keluaran"
    code = reports.run_batch(
        SAMPLES, out, instansi=[besar, kecil], hanya_laporan=True, pdf=True, tampilkan=False
    )
    assert code == 0, (out / "index.html").read_text(encoding="utf-8")
    return out, besar, kecil


@pytest.mark.slow
@pytest.mark.browser
def test_first_view_fits_eight_screens(laporan_sampel, tmp_path):
    """Measured in Chromium at 1280 px: the largest instansi's report, as first shown, is at
    most 8,000 px tall (it was ~24,000 with the per-pegawai tables in the body); opening
    the closed lists makes it longer (they hold the data), and the summary comes first."""
    from playwright.sync_api import sync_playwright

    out, besar, _ = laporan_sampel
    page_path = out / besar / "laporan_instansi.html"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        url = page_path.resolve().as_uri()
        page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
        page.goto(url, wait_until="load")
        tinggi = page.evaluate("document.documentElement.scrollHeight")
        shot = tmp_path / "laporan_atas.png"
        page.screenshot(path=str(shot))
        urutan = page.evaluate(
            "Array.from(document.querySelectorAll('h2, h3')).map(h => h.textContent)"
        )
        n_rincian = page.evaluate("document.querySelectorAll('details.rincian').length")
        n_terbuka = page.evaluate("document.querySelectorAll('details[open]').length")
        page.evaluate(
            "document.querySelectorAll('details').forEach(d => d.setAttribute('open', ''))"
        )
        terbuka = page.evaluate("document.documentElement.scrollHeight")
        browser.close()
    print(f"tinggi laporan {besar}: {tinggi} px (semua lipatan dibuka: {terbuka} px); {shot}")
    assert tinggi <= TINGGI_MAKS, tinggi
    assert terbuka > tinggi + 5000  # the per-pegawai lists are there, folded away
    assert n_rincian >= 5 and n_terbuka == 0
    judul = [t.strip().rstrip("¶") for t in urutan]
    assert judul.index("1. Ringkasan eksekutif") < judul.index("Keputusan untuk pimpinan")
    assert judul.index("Keputusan untuk pimpinan") < judul.index("2. Capaian indikator per jabatan")
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
@pytest.mark.browser
def test_phone_figures_keep_a_readable_size_and_scroll(laporan_sampel):
    """At a phone's 390 px a report figure is not shrunk to the screen (its labels would be
    ~5 px): it keeps its own width inside a box that scrolls sideways, with a one-line hint,
    while the page itself does not get wider; at 1280 px figures fit as before."""
    from playwright.sync_api import sync_playwright

    out, besar, _ = laporan_sampel
    url = (out / besar / "laporan_instansi.html").resolve().as_uri()
    ukur = """() => Array.from(document.querySelectorAll('.jp-RenderedImage img')).map(img => [
        img.naturalWidth, img.clientWidth, img.parentElement.scrollWidth,
        img.parentElement.clientWidth, getComputedStyle(img.parentElement, '::before').content])"""
    hasil = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        for lebar in (390, 1280):
            page = browser.new_page(viewport={"width": lebar, "height": 800})
            page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
            page.goto(url, wait_until="load")
            hasil[lebar] = (
                page.evaluate(ukur),
                page.evaluate("document.documentElement.scrollWidth"),
            )
            page.close()
        # the index too: phone-width (its viewport meta), the wide table scrolls in its box
        indeks = (out / "index.html").resolve().as_uri()
        page = browser.new_page(viewport={"width": 390, "height": 800}, is_mobile=True)
        page.route("**/*", lambda r: r.continue_() if r.request.url == indeks else r.abort())
        page.goto(indeks, wait_until="load")
        lebar_indeks = page.evaluate("document.documentElement.scrollWidth")
        kotak_tabel = page.evaluate(
            "(() => { const d = document.querySelector('.gulir');"
            " return [d.scrollWidth, d.clientWidth]; })()"
        )
        browser.close()
    assert lebar_indeks <= 390, lebar_indeks
    assert kotak_tabel[0] > kotak_tabel[1]  # the table is wider than the phone: it scrolls
    gambar, lebar_halaman = hasil[390]
    assert len(gambar) >= 4
    for alami, tampil, isi, kotak, petunjuk in gambar:
        assert tampil == alami  # the figure's own size: labels as drawn
        assert alami <= kotak or isi > kotak  # wider than its box: the box scrolls
        assert "Geser grafik" in petunjuk
    assert lebar_halaman <= 390  # only the figure's box scrolls, not the page
    gambar, lebar_halaman = hasil[1280]
    assert all(
        tampil <= kotak and "Geser" not in petunjuk for _, tampil, _, kotak, petunjuk in gambar
    )


@pytest.mark.slow
@pytest.mark.browser
def test_report_text_has_no_code(laporan_sampel):
    from bs4 import BeautifulSoup

    out, besar, kecil = laporan_sampel
    for kode in (besar, kecil):
        soup = BeautifulSoup(
            (out / kode / "laporan_instansi.html").read_text(encoding="utf-8"), "html.parser"
        )
        for tag in soup(["style", "script", "head"]):
            tag.decompose()
        teks = soup.get_text(" ")
        assert not _kode_dalam(teks), (kode, _kode_dalam(teks))
        assert "Catatan aturan" in teks and "belum terkonfirmasi" in teks


@pytest.mark.slow
@pytest.mark.browser
def test_pdf_beside_every_report(laporan_sampel):
    out, besar, kecil = laporan_sampel
    for kode in (kecil, besar):
        pdf = out / kode / "laporan_instansi.pdf"
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        halaman = _pdf.jumlah_halaman(data)
        assert 1 <= halaman <= 12, (kode, halaman)
        # A4 portrait: 595 x 842 points
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
        assert box and abs(float(box.group(1)) - 595) < 2 and abs(float(box.group(2)) - 842) < 2
        if kode == besar:
            assert halaman >= 4  # the whole report, not only its first screen
    # the index record lists the PDF with the report's files
    status = (out / kecil / ".status.json").read_text(encoding="utf-8")
    assert "laporan_instansi.pdf" in status
