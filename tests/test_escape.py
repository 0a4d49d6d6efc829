"""Nothing from the data runs: escaping of data text, the pages' CSP, and a real browser.

The hostile workbook is the two-instansi workbook of ``tests/fixtures/reports/mini.py`` with
every free-text value (``nama_instansi``, ``wilayah``, ``nama``, ``unit_kerja``, ``jabatan``,
``kode_indikator``, ``nama_indikator``, ``satuan``, ``unit_layanan``, ``id_responden``,
``kompetensi``) carrying script, event-handler, ``javascript:`` link and mathtext payloads.
Codes, NIPs, periods and categories keep the forms the validation requires.
"""

from __future__ import annotations

import html
import importlib.util
import io
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from kinerja_calib import reports
from kinerja_calib._escape import CSP, add_csp, escape_mathtext, escape_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "reports"

#: One payload per attack; :func:`hostile` wraps every free-text value in all of them.
PAYLOADS = (
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=2;alert(2)">',
    "[klik](javascript:alert(3))",
    '<a href="javascript:alert(4)">tautan</a>',
    '"><svg onload=alert(5)>',
    "<iframe src=javascript:alert(6)></iframe>",
)
#: Text with markup meaning in Markdown and mathtext meaning in matplotlib.
EXTRA = r" *miring* `kode` | $\foo$ & \_"

#: The free-text columns of each table (data.py: kind "text", no pattern, no choices).
FREE_TEXT = {
    "instansi": ("nama_instansi", "wilayah"),
    "pegawai": ("nama", "unit_kerja", "jabatan"),
    "indikator": ("kode_indikator", "jabatan", "nama_indikator", "satuan"),
    "realisasi": ("kode_indikator",),
    "survei_skm": ("unit_layanan", "id_responden"),
    "kompetensi": ("kompetensi",),
}


def hostile(value: str, column: str) -> str:
    """``value`` wrapped in every payload; the same value always gives the same text."""
    k = sum(map(ord, column)) % len(PAYLOADS)
    first = PAYLOADS[k:] + PAYLOADS[:k]  # each column leads with a different payload
    return f"{first[0]}{value}{''.join(first[1:])}{EXTRA}"


def _tulis_mini(folder: Path) -> dict:
    spec = importlib.util.spec_from_file_location("mini_workbook", FIXTURES / "mini.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.tulis_mini(folder)


def tulis_hostile(folder: Path) -> dict:
    """Write the mini workbook with payloads in every free-text field; return its facts."""
    facts = _tulis_mini(folder)
    for table, cols in FREE_TEXT.items():
        path = folder / f"{table}.csv"
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in cols:
            df[col] = df[col].map(lambda v, c=col: hostile(v, c) if v else v)
        df.to_csv(path, index=False)
    return facts


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    return folder, tulis_hostile(folder)


# --------------------------------------------------------------------------- helpers

_RAW = re.compile(r"<\s*(script|img|svg|iframe|a)\b|on(error|load)\s*=|javascript:", re.I)


def _raw_markup(text: str) -> list[str]:
    """Payload markup still written raw in Markdown/HTML source ``text`` (not escaped)."""
    return [m.group(0) for m in _RAW.finditer(text)]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "img", "svg", "iframe", "object", "embed"):
            self.live.append(f"<{tag}>")
        for key, value in attrs:
            if key.startswith("on") or (value or "").strip().lower().startswith("javascript"):
                self.live.append(f"<{tag} {key}={value}>")


def _live_markup(page: str) -> list[str]:
    """Elements and attributes of rendered HTML that could run a payload."""
    parser = _Tags()
    parser.feed(page)
    return parser.live


# --------------------------------------------------------------------------- escape_text


@pytest.mark.parametrize("payload", [*PAYLOADS, EXTRA, hostile("Dinas", "nama_instansi")])
def test_escape_text_makes_every_payload_inert_and_reversible(payload):
    out = escape_text(payload)
    assert not _raw_markup(out)
    assert not set(out) & set("<>\"'`[]()*_$\\|=:")  # nothing Markdown or HTML reads
    assert html.unescape(out) == payload  # shown as written, not dropped


def test_escape_text_leaves_plain_names_alone_and_handles_none():
    assert escape_text("Dinas Kesehatan Kota Uji") == "Dinas Kesehatan Kota Uji"
    assert escape_text("André Ñúñez 2026") == "André Ñúñez 2026"
    assert escape_text(None) == ""
    assert escape_text(3.5) == "3&#46;5"


def test_escaped_markdown_renders_as_text():
    """The Markdown renderer nbconvert uses shows the payload as text, not as markup."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    for payload in (*PAYLOADS, EXTRA.strip(), "1. daftar", "# judul", "- butir", "---"):
        rendered = markdown2html_mistune(f"Unit **{escape_text(payload)}** ada.")
        assert not _live_markup(rendered), rendered
        assert "<a " not in rendered and "<em>" not in rendered and "<code>" not in rendered
        assert "<h1" not in rendered and "<li>" not in rendered and "<hr" not in rendered
        body = re.sub(r"<[^>]+>", "", rendered)
        assert html.unescape(body) == f"Unit {payload} ada.\n", rendered


def test_add_csp_is_first_in_head_and_idempotent():
    page = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>'
    out = add_csp(page)
    head = out.split("<head>", 1)[1]
    assert head.startswith(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">')
    assert add_csp(out) == out
    assert "script-src 'none'" in CSP and "default-src 'none'" in CSP
    with pytest.raises(ValueError):
        add_csp("<html><header></header></html>")


def test_rules_note_from_a_foreign_rules_file_is_inert(tmp_path):
    """``--aturan PATH`` reads any TOML file: its title and notes reach every notebook."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    import kinerja_calib as kc

    src = (ROOT / "kinerja_calib" / "rules" / "permenpanrb-6-2022.toml").read_text()
    bad = "".join(PAYLOADS)
    src = re.sub(r'(?m)^judul = ".*"$', f"judul = '{bad}'", src, count=1)
    src = re.sub(r'catatan = "Isi sel[^"]*"', f"catatan = '{bad}'", src, count=1)
    path = tmp_path / "aturan_lain.toml"
    path.write_text(src, encoding="utf-8")
    rules = kc.rules.load(path)
    note = kc.rules.catatan_belum_terkonfirmasi(rules)
    assert not _raw_markup(note)
    rendered = markdown2html_mistune(note)
    assert not _live_markup(rendered)
    assert html.unescape(re.sub(r"<[^>]+>", "", rendered)).count(bad) >= 2  # title + note


# --------------------------------------------------------------------------- matplotlib


def test_escape_mathtext_keeps_dollars_literal_in_a_figure():
    label = r"Biaya $\foo$ per $x$"
    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title(escape_mathtext(label))
    ax.barh([escape_mathtext(label)], [1])
    fig.savefig(io.BytesIO(), format="png")  # raw label: ValueError from mathtext (\foo)
    shown = [t.get_text() for t in ax.get_yticklabels()]
    assert shown == [escape_mathtext(label)]
    assert not ax.title._preprocess_math(ax.title.get_text())[1]  # not mathtext
    assert ax.title._preprocess_math(ax.title.get_text())[0] == label


# --------------------------------------------------------------------------- report sections

SECTIONS = [n for n in reports.__all__ if n.startswith("section_")]


@pytest.fixture(scope="module")
def hostile_ctx(hostile_data):
    return reports.prepare_report(str(hostile_data[0]), "UJI-A")


def test_hostile_workbook_passes_validation_with_payloads_intact(hostile_ctx):
    assert hostile_ctx.nama_instansi == hostile("Dinas Uji Alfa", "nama_instansi")
    assert hostile_ctx.wilayah == hostile("Kabupaten Contoh", "wilayah")
    assert hostile_ctx.wb.pegawai["jabatan"].str.contains("<script>").all()


def _section_html(bagian) -> str:
    """What the section puts into the notebook: Markdown (rendered) and table HTML."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from kinerja_calib.reports._sections_base import _tabel_html

    parts = [markdown2html_mistune(bagian.teks)]
    parts += [markdown2html_mistune(f"**{escape_text(j)}**") for j, _ in bagian.tabel]
    parts += [_tabel_html(df) for _, df in bagian.tabel]
    if bagian.catatan:
        parts.append(markdown2html_mistune(bagian.catatan))
    return "\n".join(parts)


@pytest.mark.parametrize("name", SECTIONS)
def test_sections_escape_every_data_string(hostile_ctx, name):
    bagian = getattr(reports, name)(hostile_ctx)
    assert not _raw_markup(bagian.teks), bagian.teks
    assert not _raw_markup(bagian.catatan)
    page = _section_html(bagian)
    assert not _live_markup(page), _live_markup(page)
    assert "&#" not in str(bagian)  # the plain-text repr shows the data as written


@pytest.mark.parametrize("name", ["section_capaian", "section_ikm"])
def test_section_figures_draw_data_labels_literally(hostile_ctx, name):
    """A ``$…$`` in a jabatan or unit name is no mathtext: the figure draws, label intact."""
    (fig,) = getattr(reports, name)(hostile_ctx).gambar
    fig.savefig(io.BytesIO(), format="png")  # raw labels: ValueError from mathtext
    labels = [t for ax in fig.axes for t in ax.get_yticklabels()]
    shown = [t._preprocess_math(t.get_text()) for t in labels]
    assert labels and all(r"$\foo$" in s and not math for s, math in shown), shown


def test_sections_show_the_data_as_text(hostile_ctx):
    """Escaped, not dropped: the payload is readable in the rendered text of the report."""
    pages = {n: _section_html(getattr(reports, n)(hostile_ctx)) for n in SECTIONS}
    text = html.unescape(re.sub(r"<[^>]+>", "", "\n".join(pages.values())))
    for value in (
        hostile("Dinas Uji Alfa", "nama_instansi"),
        hostile("Kabupaten Contoh", "wilayah"),
        hostile("Analis Layanan", "jabatan"),
        hostile("Loket Alfa", "unit_layanan"),
        hostile("Integritas", "kompetensi"),
    ):
        assert value in text, value
    judul = pages["section_judul"]
    assert html.unescape(re.sub(r"<[^>]+>", "", judul)).startswith(
        hostile("Dinas Uji Alfa", "nama_instansi")
    )


def test_index_page_escapes_names_and_carries_csp(tmp_path):
    bad = hostile("Dinas", "nama_instansi")
    path = reports.write_index(tmp_path, ["UJI-A"], {"UJI-A": bad}, [])
    page = path.read_text(encoding="utf-8")
    assert f'content="{CSP}"' in page
    assert not _live_markup(page)
    assert escape_text(bad) in page  # escape_text, as every page built by hand


def test_html_export_carries_csp_and_no_script():
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Judul"), nbformat.v4.new_code_cell("1")]
    nb.cells[1].outputs = [
        nbformat.v4.new_output("display_data", data={"text/markdown": escape_text(PAYLOADS[0])})
    ]
    page = reports.render_html(nb)
    head = page.split("<head>", 1)[1]
    assert head.startswith('<meta http-equiv="Content-Security-Policy"')
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing from outside


# --------------------------------------------------------------------------- real browser


def _chromium() -> str | None:
    return os.environ.get("KINERJA_CALIB_CHROMIUM") or shutil.which("chromium")


_INIT = """
window.__pwned = 0;
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""

_LIVE = """() => {
    const all = Array.from(document.querySelectorAll('*'));
    const handlers = all.flatMap(e => Array.from(e.attributes)
        .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name));
    const js = all.flatMap(e => ['href', 'src', 'action', 'formaction', 'data']
        .map(n => e.getAttribute(n)).filter(v => v && /^\\s*javascript:/i.test(v)));
    const tags = Array.from(document.querySelectorAll('script, iframe, object, embed, svg'))
        .map(e => e.tagName);
    return {pwned: window.__pwned, csp: window.__csp, handlers, js, tags,
            title: document.title};
}"""


def _open(browser, path: Path, shot: Path | None = None) -> dict:
    """Load ``path`` offline; report what ran, what the page holds and its text."""
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    context.add_init_script(_INIT)
    page = context.new_page()
    seen: dict = {"dialogs": [], "console": [], "requests": [], "errors": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    url = path.resolve().as_uri()

    def offline(route):
        if route.request.url == url or route.request.url.startswith("data:"):
            return route.continue_()
        seen["requests"].append(route.request.url)  # a beacon, or anything from outside
        return route.abort()

    page.route("**/*", offline)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # let any timer or late event handler fire (not asserted on)
    seen.update(page.evaluate(_LIVE))
    # the report folds long tables into closed <details>: open them, so their text is read
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    seen["text"] = page.inner_text("body")
    if shot is not None:
        page.screenshot(path=str(shot), full_page=True)
    context.close()
    return seen


def _ran(seen: dict) -> list[str]:
    problems = []
    if seen["pwned"]:
        problems.append(f"window.__pwned = {seen['pwned']}")
    problems += [f"dialog {m}" for m in seen["dialogs"]]
    problems += [f"request {u}" for u in seen["requests"]]
    problems += [f"handler {h}" for h in seen["handlers"]]
    problems += [f"javascript: {h}" for h in seen["js"]]
    problems += [f"tag {t}" for t in seen["tags"]]
    return problems


@pytest.mark.slow
@pytest.mark.browser
def test_hostile_workbook_runs_nothing_in_a_real_browser(hostile_data, tmp_path):
    """Report, every course copy and index.html of a hostile workbook, in Chromium:
    no script, handler or ``javascript:`` link runs or exists, nothing is fetched, the CSP
    reports no violation (so it blocks nothing the pages need), and the payloads are shown
    as text."""
    chromium = _chromium()
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium tidak ditemukan di CI: jalankan lewat `python3 jalankan.py uji`.")
        pytest.skip("Chromium tidak terpasang (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    out = tmp_path / "keluaran"
    code = reports.run_batch(hostile_data[0], out, instansi=["UJI-A"], tampilkan=False)
    assert code == 0, (out / "index.html").read_text(encoding="utf-8")
    pages = [out / "index.html", *sorted((out / "UJI-A").glob("*.html"))]
    assert [p.stem for p in pages[1:]] == [
        *(sorted(p.stem for p in (ROOT / "notebooks").glob("0[1-5]*_*.ipynb"))),
        "laporan_instansi",
    ]
    # Controls: the same payloads written raw run (the harness sees them), and the CSP
    # alone stops them (the second wall holds even if an escape were missed).
    raw = "<!DOCTYPE html><html><head><title>t</title></head><body>" + "".join(PAYLOADS)
    (tmp_path / "mentah.html").write_text(raw, encoding="utf-8")
    (tmp_path / "mentah_csp.html").write_text(add_csp(raw), encoding="utf-8")
    report = out / "UJI-A" / "laporan_instansi.html"
    bare = tmp_path / "laporan_tanpa_csp.html"  # same page without the CSP meta
    bare.write_text(
        re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", report.read_text()),
        encoding="utf-8",
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        control = _open(browser, tmp_path / "mentah.html")
        walled = _open(browser, tmp_path / "mentah_csp.html")
        seen = {path: _open(browser, path) for path in pages}
        shots = [tmp_path / "dengan_csp.png", tmp_path / "tanpa_csp.png"]
        _open(browser, report, shots[0])
        _open(browser, bare, shots[1])
        browser.close()

    assert control["pwned"] and control["dialogs"] and control["js"] and control["requests"]
    assert not walled["pwned"] and not walled["dialogs"] and not walled["requests"]
    assert walled["csp"]  # the violations were reported (and blocked)
    for path, s in seen.items():
        name = path.relative_to(out)
        assert not _ran(s), (name, _ran(s))
        assert not s["csp"], (name, s["csp"])  # the CSP blocked nothing on a real page
        assert not s["errors"], (name, s["errors"])
        assert "pwned" not in s["title"], name
        # the data a page holds is shown as text, not dropped (05 shows no free text;
        # pandas cuts long cells at 50 characters)
        if "pwned" in path.read_text(encoding="utf-8"):
            assert any(p[:30] in s["text"] for p in PAYLOADS), (name, s["text"][:2000])
    # the CSP changes nothing a reader sees
    assert shots[0].read_bytes() == shots[1].read_bytes()
    text = {path.name: s["text"] for path, s in seen.items()}
    assert hostile("Dinas Uji Alfa", "nama_instansi") in text["index.html"]
    for value in (
        hostile("Dinas Uji Alfa", "nama_instansi"),
        hostile("Kabupaten Contoh", "wilayah"),
        hostile("Analis Layanan", "jabatan"),
        hostile("Jumlah berkas diproses", "nama_indikator"),
        hostile("Loket Alfa", "unit_layanan"),
        hostile("Integritas", "kompetensi"),
        hostile("Bidang Layanan", "unit_kerja"),
    ):
        assert value in text["laporan_instansi.html"], value
    nama = hostile("Pegawai UJI-A 3", "nama")
    assert any(nama in t for t in text.values()), "nama pegawai tidak tampil di halaman mana pun"


def test_escaping_changes_nothing_a_reader_sees_on_ordinary_data(tmp_path):
    """On the ordinary mini workbook every section renders exactly as it did unescaped."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    _tulis_mini(tmp_path)
    ctx = reports.prepare_report(str(tmp_path), "UJI-A")

    def seen(markdown: str) -> str:
        return html.unescape(markdown2html_mistune(markdown))

    for name in SECTIONS:
        teks = getattr(reports, name)(ctx).teks
        assert seen(teks) == seen(html.unescape(teks)), name


def test_line_breaks_in_data_do_not_change_the_markdown_structure():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    value = "Dinas\n\n    <b>x</b>\n# judul\n- butir\r\n\takhir"
    rendered = markdown2html_mistune(f"Unit **{escape_text(value)}** ada.")
    assert rendered.count("<p>") == 1 and "<strong>" in rendered
    assert "<pre" not in rendered and "<h1" not in rendered and "<li" not in rendered
    assert "<b>" not in rendered and "&amp;#" not in rendered
