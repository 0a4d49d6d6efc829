"""Indonesian number format everywhere a person reads (issue 15).

One formatting module (:mod:`kinerja_calib._angka`): decimal comma, thousands dot, "60 %",
one rounding rule so a sentence and a table show the same digits. The fast tests pin the
functions and every place that uses them (notebook tables, plot ticks and labels, widget
readouts, printed objects, Excel headers and number formats); the slow test runs the batch
for one small instansi (report + every course notebook + Excel) and scans every produced page for
numbers written the English way.
"""

from __future__ import annotations

import importlib.util
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kinerja_calib as kc
from kinerja_calib import _angka, _display
from kinerja_calib._precision import bulatkan_setengah_atas

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
PLOTS = Path(kc.__file__).parent / "plots"

# --------------------------------------------------------------------------- the scanner

#: "0.78", "3.42", "6.1%" — a decimal point. Not "1.601" (a thousands dot: groups of three
#: after a leading 1–3 digits that is not 0), not versions/addresses with several dots
#: ("3.11.2", "127.0.0.1"), not part of a word or code ("v1.2", "x1.5", "PP 30/2019").
_DESIMAL_EN = re.compile(r"(?<![\w.,/\\])\d+\.\d+(?![\w]|[.,]\d)")
_RIBUAN_ID = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
#: "1,601 pegawai", "56,091 nilai" — a thousands comma before a count noun, or two groups.
_RIBUAN_EN = re.compile(
    r"(?<![\w.,])[1-9]\d{0,2}(?:,\d{3}){2,}(?![\w,])"
    r"|(?<![\w.,])[1-9]\d{0,2},\d{3}(?=\s+(?:pegawai|penilai|baris|nilai|responden|indikator"
    r"|instansi|orang|unit)\b)"
)
#: A date written dd-mm-yyyy and a space right before a match: the match is the time
#: ("pukul 18.45" is how Indonesian writes a clock time).
_JAM = re.compile(r"\b\d{2}-\d{2}-\d{4} $")
#: "60%" — percent glued to its number (Indonesian style writes "60 %").
_PERSEN_RAPAT = re.compile(r"\d%")


def temuan_angka(text: str) -> list[str]:
    """Every number of ``text`` written the English way, with some context."""
    found = []
    for m in _DESIMAL_EN.finditer(text):
        if _RIBUAN_ID.fullmatch(m.group()):
            continue
        if _JAM.search(text[: m.start()]):  # "04-12-2026 18.45": a clock time, Indonesian style
            continue
        found.append(m)
    found += list(_RIBUAN_EN.finditer(text)) + list(_PERSEN_RAPAT.finditer(text))
    return [
        f"{m.group()!r} in …{text[max(0, m.start() - 50) : m.end() + 30]!r}…"
        for m in sorted(found, key=lambda m: m.start())
    ]


class _Teks(HTMLParser):
    """Visible text of a page (no <style>, <script>, <title>, <code>, <pre> of code)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in ("style", "script", "title", "code") or "highlight" in cls:
            self._skip += 1
        elif self._skip and tag == "div":
            self._skip += 1  # nested <div> inside a skipped code block

    def handle_endtag(self, tag):
        if self._skip and tag in ("style", "script", "title", "code", "div"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def teks_terlihat(page: str) -> str:
    p = _Teks()
    p.feed(page)
    return "\n".join(s for s in (x.strip() for x in p.parts) if s)


def test_scanner_finds_english_numbers_and_spares_the_rest():
    bad = (
        "Predikat keliru 6.1% dari 1,000 pegawai · digambar ulang dalam 0.78 detik; rerata 3.42; "
        "Simulation(1,000 pegawai dinilai, 1,957 penilai, 48,251 baris penilaian); "
        "total 1,234,567; porsi 60%"
    )
    found = " ".join(temuan_angka(bad))
    for frag in ("'6.1'", "'0.78'", "'3.42'", "'1,000'", "'1,957'", "'48,251'", "'1,234,567'"):
        assert frag in found, frag
    assert len(temuan_angka("60%")) == 1
    good = (
        "Predikat keliru 6,1 % dari 1.000 pegawai; 12.345 nilai; 1.234.567 rupiah; alpha 0,233; "
        "PP 30/2019; PermenPANRB 6/2022; NIP 198503152010011002; periode 2026-S1; "
        "versi 3.11.2; 127.0.0.1; v1.2; tanggal 2026-12-04; Kotak 7–9; ICC(1,k); 25–100"
    )
    assert temuan_angka(good) == []
    page = "<p>rerata 3,42</p><pre class='highlight'><div>x = 0.5</div></pre><code>a=1.5</code>"
    assert temuan_angka(teks_terlihat(page)) == []


# --------------------------------------------------------------------------- the functions


def test_desimal_bilangan_persen():
    assert _angka.desimal(3.4167, 2) == "3,42"
    assert _angka.desimal(1234567.891, 2) == "1.234.567,89"
    assert _angka.desimal(-1234.5, 1) == "-1.234,5"
    assert _angka.bilangan(1601) == "1.601" and _angka.bilangan(999) == "999"
    assert _angka.bilangan(np.int64(48251)) == "48.251"
    assert _angka.persen(0.6, 0) == "60 %" and _angka.persen(0.0549) == "5,5 %"
    assert _angka.persen(1.0, 0) == "100 %" and _angka.persen(0.0, 0) == "0 %"
    assert _angka.persen(98.55, 1, dari_seratus=True) == "98,6 %"
    assert _angka.ringkas(0.7) == "0,7" and _angka.ringkas(30.0) == "30"
    # the public names
    assert kc.desimal(0.5, 2) == "0,50" and kc.persen(0.25, 0) == "25 %"
    assert kc.bilangan(1000) == "1.000" and kc.angka(1234.5, 1) == "1.234,5"


@pytest.mark.parametrize("kosong", [None, float("nan"), np.inf, -np.inf, pd.NA, "abc", True])
def test_missing_or_junk_is_a_dash(kosong):
    assert _angka.desimal(kosong) == "–"
    assert _angka.persen(kosong) == "–"
    assert _angka.bilangan(kosong) == "–"


def test_one_rounding_rule_half_up_on_the_written_decimal():
    # Python's f"{x:.2f}" rounds the binary value, ties to even: 0.125 -> 0.12,
    # 1.005 (binary 1.00499…) -> 1.00, 2.5 -> 2. The display rule rounds the decimal
    # written half away from zero, as the rules round their thresholds (_precision).
    assert f"{0.125:.2f}" == "0.12" and f"{1.005:.2f}" == "1.00" and f"{2.5:.0f}" == "2"
    assert _angka.desimal(0.125, 2) == "0,13"
    assert _angka.desimal(1.005, 2) == "1,01" and _angka.desimal(0.145, 2) == "0,15"
    assert _angka.bilangan(2.5) == "3" and _angka.bilangan(-2.5) == "-3"
    assert _angka.desimal(-0.125, 2) == "-0,13"  # a signed effect and its mirror look alike
    assert _angka.persen(0.145, 0) == "15 %"  # 100 × 0.145 = 14.499999… in binary
    assert _angka.desimal(-0.004, 2) == "0,00"  # never "-0,00"
    assert kc.angka(0.125, 2) == "0,13"  # the sentence helper of the course agrees


def test_rounding_agrees_with_presisi_on_many_values():
    rng = np.random.default_rng(15)
    x = np.round(rng.uniform(0, 200, 2000), 3)  # decimals a person writes, many halves
    for n in (0, 1, 2):
        expect = bulatkan_setengah_atas(x, n)
        shown = _angka.desimal_kolom(pd.Series(x), n)
        back = shown.str.replace(".", "", regex=False).str.replace(",", ".").astype(float)
        np.testing.assert_allclose(back.to_numpy(), expect, atol=1e-12)
        # a sentence and a table cell of the same value are the same text
        assert [_angka.desimal(v, n) for v in x[:50]] == shown.iloc[:50].tolist()


def test_indonesiakan_rewrites_only_lone_numbers():
    f = _angka.indonesiakan
    assert f("0.25") == "0,25" and f("−1.5") == "−1,5" and f("12000") == "12.000"
    assert f("60%") == "60 %" and f("1e−5") == "1e−5"
    assert f("3.11.2") == "3.11.2" and f("v1.2") == "v1.2"


def test_judul_kolom():
    j = _angka.judul_kolom
    assert j("capaian_rata_rata") == "Capaian rata-rata"
    assert j("persen") == "Persen (%)" and j("nip") == "NIP" and j("ikm") == "IKM"
    assert j("n_responden") == "Jumlah responden" and j("ambang_0_8") == "Ambang 0,8"


# --------------------------------------------------------------------------- notebook tables


def test_notebook_tables_are_indonesian():
    df = pd.DataFrame(
        {
            "nip": ["198503152010011002", "198607202011012003"],
            "n": [1601, 12],
            "rata": [3.4167, np.nan],
            "porsi": [0.25, 0.5],
            "tahun": [2026, 2025],
            "campur": [0.7, "Baik"],
            "ok": [True, False],
        }
    )
    page = _display._html_frame(df)
    text = teks_terlihat(page)
    assert temuan_angka(text) == [], text
    for frag in ("1.601", "3,4167", "25 %", "50 %", "0,7", "2026", "198503152010011002", "–"):
        assert frag in text, frag
    assert "2.026" not in text  # a year is a code, not a quantity
    # a share column is shown as percent: "70 %", "5,5 %", never "0,7"
    shares = pd.DataFrame({"proporsi": [0.7, 0.1, np.nan], "porsi_Baik": [0.055, 0.5, 0.25]})
    t = teks_terlihat(_display._html_frame(shares))
    assert "70 %" in t and "10 %" in t and "5,5 %" in t and "50,0 %" in t, t
    assert "0,7" not in t and temuan_angka(t) == []
    # float labels of the index (a rounded threshold, sd) are Indonesian too
    s = pd.Series([0.1, 0.2], index=pd.Index([0.5, 1.15], name="sd"), name="x")
    assert "1,15" in teks_terlihat(_display._html_series(s))
    # describe() labels its quantiles "25%": shown "25 %"
    d = teks_terlihat(_display._html_frame(pd.DataFrame({"x": [1.0, 2.0, 3.5]}).describe()))
    assert temuan_angka(d) == [] and "25 %" in d and "3,5" in d


def test_notebook_tables_only_format_the_rows_shown():
    big = pd.DataFrame({"x": np.arange(100_000) / 8})
    with pd.option_context("display.max_rows", 10, "display.min_rows", 10):
        page = _display._html_frame(big)
    assert "12.499,875" in page and page.count("<tr>") < 20


def test_styler_uses_decimal_comma():
    _display.pasang_tampilan()
    html = pd.DataFrame({"x": [1234.5]}).style.to_html()
    assert "1.234,5" in html


# --------------------------------------------------------------------------- plots


def _teks_gambar(fig) -> list[str]:
    from matplotlib.text import Text

    fig.savefig(io.BytesIO(), format="png")
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def test_plot_ticks_are_indonesian_by_default():
    from kinerja_calib.plots import agreement as gambar

    fig = gambar.sebaran_rwg(pd.Series(np.linspace(0.05, 0.95, 40)))
    texts = _teks_gambar(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "0,2" in ticks and "0,4" in ticks, ticks
    assert temuan_angka("\n".join(texts)) == [], texts
    # an axis a notebook adds later is covered too; a percent axis reads "60 %"
    from matplotlib.ticker import PercentFormatter

    ax = fig.add_subplot(2, 1, 2)
    ax.plot([0, 1], [1000, 12500])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    _teks_gambar(fig)
    assert "10.000" in [t.get_text() for t in ax.get_yticklabels()]
    assert "60 %" in [t.get_text() for t in ax.get_xticklabels()]


#: An f-string number format that writes English ("{v:.2f}", "{p:.0%}", "{n:,}", "{v:+.1f}").
_FORMAT_EN = re.compile(r"\{[^{}]*:[+\- ]?[,_]?(?:\.\d+)?[fFeEgG%]\}|\{[^{}]*:[,_]\}")


def test_every_plot_module_builds_figures_with_the_indonesian_class():
    """No figure of ``kinerja_calib.plots`` is a bare matplotlib Figure (its ticks would be
    English): every construction goes through ``Gambar``. No plot or widget module writes
    a number with an English f-string format."""
    for path in sorted(PLOTS.glob("*.py")):
        assert not re.search(r"(?<![\w.])Figure\(", path.read_text()), path.name
    for path in sorted(PLOTS.glob("*.py")) + sorted((PLOTS.parent / "widgets").glob("*.py")):
        assert not _FORMAT_EN.findall(path.read_text()), path.name
    assert _FORMAT_EN.findall('f"{v:.2f} {p:.0%} {n:,} {v:+.1f} {x:g}" f"{k:02d}"') == [
        "{v:.2f}",
        "{p:.0%}",
        "{n:,}",
        "{v:+.1f}",
        "{x:g}",
    ]


def test_plot_labels_use_the_module():
    from kinerja_calib import simulate as sim_mod
    from kinerja_calib.plots import simulate as gambar

    sim = sim_mod.simulate_ratings(sim_mod.Scenario(n_pegawai=1200), seed=4)
    tab = sim_mod.bandingkan_predikat(sim)
    fig = gambar.matriks_konfusi(tab)
    title = fig.axes[0].get_title()
    assert re.search(r"Predikat keliru: \d+,\d %", title) and "1.200 pegawai" in title, title
    assert temuan_angka("\n".join(_teks_gambar(fig))) == []


# --------------------------------------------------------------------------- printed objects


def test_simulation_prints_in_indonesian():
    from kinerja_calib import simulate as sim_mod

    sim = sim_mod.simulate_ratings(sim_mod.Scenario(n_pegawai=1000), seed=2)
    text = repr(sim)
    assert "Simulation(" not in text and "1.000 pegawai" in text, text
    assert temuan_angka(text) == [], text


def test_widget_readouts_are_indonesian():
    import matplotlib

    matplotlib.use("Agg")
    from kinerja_calib.widgets import simulate as w

    panel = w.panel_bias(n_pegawai=1200, seed=3)
    status = [c for c in panel.children if c.__class__.__name__ == "HTML"][-1].value
    assert re.search(r"\d+,\d{2} detik", status), status
    assert "1.200 pegawai" in status and re.search(r"\d+,\d %", status), status
    assert temuan_angka(teks_terlihat(status)) == [], status


def test_distribution_reasons_write_percent_the_indonesian_way():
    from kinerja_calib.calibrate import _distribution

    con = {"jenis": "maks", "idx": [3], "proporsi": 0.7, "predikat": ("Baik",)}
    text = _distribution._reason(3, 2, [con], 10)
    assert "70 %" in text and "70%" not in text, text


# --------------------------------------------------------------------------- Excel


def _load_kecil():
    spec = importlib.util.spec_from_file_location("kecil_workbook", FIXTURES / "kecil.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def data_kecil(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kecil")
    _load_kecil().tulis_kecil(folder)
    return folder


def test_excel_headers_and_number_formats(data_kecil, tmp_path):
    import openpyxl

    from kinerja_calib import reports

    target = tmp_path / "ringkasan.xlsx"
    reports.write_excel(data_kecil, "PENUH", target)
    wb = openpyxl.load_workbook(target)
    ws = wb["predikat"]
    heads = [c.value for c in ws[1]]
    assert heads == ["Predikat", "Jumlah", "Persen (%)"], heads
    for ws in wb.worksheets:
        for cell in ws[1]:
            assert "_" not in str(cell.value), (ws.title, cell.value)  # no raw keys
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, float):
                    assert cell.number_format.startswith("#,##0."), (ws.title, cell.number_format)
                elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                    assert cell.number_format in ("#,##0", "0"), (ws.title, cell.number_format)


# --------------------------------------------------------------------------- produced pages


@pytest.mark.slow
def test_batch_pages_show_no_english_numbers(data_kecil, tmp_path):
    """Report + every course notebook + Excel + index for one small instansi: every page is free of
    English-format numbers."""
    from kinerja_calib import reports

    out = tmp_path / "keluaran"
    reports.run_batch(data_kecil, out, instansi=["PENUH"], pekerja=1, excel=True, tampilkan=False)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 2 + len(reports.KURSUS), [p.name for p in pages]
    found = {
        str(p.relative_to(out)): temuan_angka(teks_terlihat(p.read_text(encoding="utf-8")))
        for p in pages
    }
    # every page: the course, the leader's report and the index
    assert {k: v for k, v in found.items() if v} == {}


def test_scanner_spares_a_clock_time_after_a_date():
    assert temuan_angka("dibuat 04-12-2026 18.45; proses ini 44 detik") == []
    assert temuan_angka("rerata 18.45") != []  # without the date it is a decimal point
