"""Per-instansi reports: parameters, privacy in the output, atomic writes, the batch.

Fast tests use the hand-made two-instansi workbook of ``tests/fixtures/reports/mini.py``;
the papermill runs (marked slow) use it too, plus two small instansi of ``data/samples``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from contextlib import contextmanager, suppress
from html import unescape
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from _reference import require

import kinerja_calib as kc
from kinerja_calib import ParameterError, _nbclient, _processes, reports
from kinerja_calib.privacy import assert_no_rater_ids
from kinerja_calib.reports import _batch, _preflight, _sections_base, _status, _tasks, _tasks_base

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
TEMPLATE = ROOT / "notebooks" / "laporan_instansi.ipynb"
FAILING = FIXTURES / "gagal_untuk_uji_b.ipynb"


def _load_mini():
    spec = importlib.util.spec_from_file_location("mini_workbook", FIXTURES / "mini.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.tulis_mini


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """(folder, facts) of the two-instansi hand-made workbook."""
    folder = tmp_path_factory.mktemp("mini")
    facts = _load_mini()(folder)
    return folder, facts


@pytest.fixture(scope="module")
def ctx_a(mini):
    return reports.prepare_report(str(mini[0]), "UJI-A")


def _row(html: str, nip: str) -> str:
    """The <tr> of the per-pegawai 360 table holding ``nip``."""
    rows = [r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if nip in r]
    assert rows, f"no table row for {nip}"
    return rows[-1]


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    "kode", ["../../etc", "/etc/passwd", "", "a b", "..", "a/b", "a\\b", "x" * 65, "kode.1"]
)
def test_periksa_kode_refuses_escaping_codes(kode):
    with pytest.raises(ParameterError, match="tidak sah"):
        reports.validate_kode(kode)


@pytest.mark.parametrize("kode", [101, 1.5, None, True])
def test_periksa_kode_refuses_non_text(kode):
    with pytest.raises(ParameterError, match="harus teks"):
        reports.validate_kode(kode)


def test_periksa_kode_accepts_sample_style_codes():
    assert reports.validate_kode("JMB-KEC-TELANAI") == "JMB-KEC-TELANAI"
    assert reports.validate_kode("0101") == "0101"


def test_run_batch_refuses_bad_codes_before_writing(mini, tmp_path):
    out = tmp_path / "keluaran"
    with pytest.raises(ParameterError, match="tidak sah"):
        reports.run_batch(mini[0], out, instansi=["../../etc"], hanya_laporan=True, tampilkan=False)
    with pytest.raises(ParameterError, match="tidak ada di data"):
        reports.run_batch(mini[0], out, instansi=["UJI-Z"], hanya_laporan=True, tampilkan=False)
    assert not out.exists()
    assert not (tmp_path / "etc").exists()


def test_run_batch_refuses_bad_numbers(mini, tmp_path):
    for kw in ({"pekerja": 0}, {"ulang": -1}, {"ambang_anonimitas": 0}):
        with pytest.raises(ParameterError):
            reports.run_batch(mini[0], tmp_path, hanya_laporan=True, tampilkan=False, **kw)
    with pytest.raises(ParameterError, match="tidak ditemukan"):
        reports.run_batch(tmp_path / "tidak-ada", tmp_path, tampilkan=False)


def test_siapkan_laporan_validates_parameters(mini):
    data = str(mini[0])
    with pytest.raises(ParameterError, match="tidak ada di data"):
        reports.prepare_report(data, "UJI-Z")
    with pytest.raises(ParameterError, match="-r kode_instansi"):
        reports.prepare_report(data, 101)
    with pytest.raises(ParameterError, match="Periode '2030-S1'"):
        reports.prepare_report(data, "UJI-A", periode="2030-S1")
    with pytest.raises(ParameterError, match="ambang_anonimitas"):
        reports.prepare_report(data, "UJI-A", ambang_anonimitas=0)
    with pytest.raises(ParameterError, match="tidak ditemukan"):
        reports.prepare_report(data + "-tidak-ada", "UJI-A")
    with pytest.raises(ParameterError, match="tidak dikenal"):
        reports.prepare_report(data, "UJI-A", aturan="aturan-fiktif")


def test_context_holds_only_own_instansi(ctx_a, mini):
    facts = mini[1]
    assert ctx_a.periode == "2026-S2"  # latest by default
    assert set(ctx_a.wb.pegawai["nip"]) == facts["nip"]["UJI-A"]
    assert set(ctx_a.penilaian["nip"]) <= facts["nip"]["UJI-A"]
    assert set(ctx_a.skor["nip"]) <= facts["nip"]["UJI-A"]
    # the rekan group of "kurang" (2 raters) and the heads' bawahan group (2) are dropped
    hidden = ctx_a.ditekan.set_index("nip")["peran_penilai"].to_dict()
    assert hidden[facts["kurang"]] == "rekan"
    assert (ctx_a.penilaian["nip"] == facts["kurang"]).any()  # atasan/diri still shown
    assert not (
        (ctx_a.penilaian["nip"] == facts["kurang"]) & (ctx_a.penilaian["peran_penilai"] == "rekan")
    ).any()


# --------------------------------------------------------------------------- sections


SECTIONS = [
    "section_judul",
    "section_ringkasan",
    "section_capaian",
    "section_kurva",
    "section_360",
    "section_agreement",
    "section_penilai",
    "section_ikm",
    "section_kompetensi",
    "section_talenta",
    "section_tren",
    "section_aturan",
]


def test_template_calls_every_section_by_its_new_name():
    """The report template calls each ``section_*`` once and none of the issue-14 aliases."""
    root = Path(__file__).resolve().parents[1]
    nb = nbformat.read(root / "notebooks" / reports.TEMPLAT, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    called = re.findall(r"kc\.reports\.(\w+)\(", code)
    assert [n for n in called if n.startswith("section_")] == SECTIONS
    assert {"prepare_report", "show_summary"} <= set(called)
    assert not re.search(r"\b(bagian_\w+|siapkan_laporan|tampilkan_ringkasan)\(", code)


@pytest.mark.parametrize("name", SECTIONS)
def test_sections_render_without_rater_ids(ctx_a, name):
    bagian = getattr(reports, name)(ctx_a)
    assert isinstance(bagian, reports.Bagian)
    assert bagian.teks.strip()
    assert "belum tersedia" not in bagian.teks  # every section calls the real module
    for _, df in bagian.tabel:
        assert_no_rater_ids(df)
    html = "".join(_sections_base._tabel_html(df) for _, df in bagian.tabel)
    assert "nip_penilai" not in html and "nip_penilai" not in bagian.teks


def test_sections_without_optional_tables(mini, tmp_path):
    """An agency's own workbook may lack survei_skm, kompetensi and potensi: every section
    still renders, saying in Indonesian what is missing."""
    folder = tmp_path / "data"
    shutil.copytree(mini[0], folder)
    (folder / "survei_skm.csv").unlink()
    (folder / "kompetensi.csv").unlink()
    peg = pd.read_csv(folder / "pegawai.csv", dtype=str).drop(columns="potensi")
    peg.to_csv(folder / "pegawai.csv", index=False)
    ctx = reports.prepare_report(str(folder), "UJI-B")
    texts = {name: getattr(reports, name)(ctx).teks for name in SECTIONS}
    assert "Tidak ada data survei" in texts["section_ikm"]
    assert "Tidak ada data kompetensi" in texts["section_kompetensi"]
    assert "potensi" in texts["section_talenta"]
    assert not any("belum tersedia" in t for t in texts.values())


def test_360_table_hides_sub_threshold_group(ctx_a, mini):
    facts = mini[1]
    b = reports.section_360(ctx_a)
    html = "".join(_sections_base._tabel_html(df) for _, df in b.tabel)
    kurang, pas = _row(html, facts["kurang"]), _row(html, facts["pas"])
    assert "(2 penilai)" not in kurang and "1,00" not in kurang  # its rekan ratings were all 1
    assert "(3 penilai)" in pas
    # ambang 2: the same group is now shown
    ctx2 = reports.prepare_report(str(mini[0]), "UJI-A", ambang_anonimitas=2)
    html2 = "".join(_sections_base._tabel_html(df) for _, df in reports.section_360(ctx2).tabel)
    assert "1,00 (2 penilai)" in _row(html2, facts["kurang"])


def test_penilai_section_is_aggregated(ctx_a):
    b = reports.section_penilai(ctx_a)
    for _, df in b.tabel:
        assert "jumlah_penilai" in df.columns
        assert not any("nip" in str(c) for c in df.columns)


def test_summary_for_index(ctx_a, mini):
    s = reports.ringkasan_indeks(ctx_a)
    assert s["kode_instansi"] == "UJI-A" and s["periode"] == "2026-S2"
    assert s["predikat_organisasi"] == "Baik"
    # per-item ratings (issue 19): all 7 rated pegawai are Baik; a "Baik" organisation may
    # have at most 70 % Baik and must have some Butuh Perbaikan/Kurang — 2 rules, 3 moves
    assert s["kurva"] == {"memenuhi": False, "pelanggaran": 2, "perpindahan": 3}
    b = reports.prepare_report(str(mini[0]), "UJI-B")
    kurva = reports.ringkasan_indeks(b)["kurva"]
    assert kurva == {"memenuhi": False, "pelanggaran": 1, "perpindahan": 1}
    # the same figures the report's kurva section shows (one computation, cached)
    assert len(b._cache["usulan"]) == 1 and len(b._cache["cek_kurva"]) == 1
    assert set(s["porsi_predikat"]) == set(kc.labels.PREDIKAT)
    assert sum(s["porsi_predikat"].values()) == pytest.approx(1.0)
    json.dumps(s)  # serialisable


# --------------------------------------------------------------------------- writing


def test_tulis_atomik_interrupted_leaves_no_partial_file(tmp_path):
    target = tmp_path / "laporan.html"

    def broken(tmp: Path) -> None:
        tmp.write_text("<html>setengah")
        raise KeyboardInterrupt  # e.g. Ctrl-C after the temp file was written

    with pytest.raises(KeyboardInterrupt):
        reports.write_atomic(target, broken)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    # an existing report survives an interrupted rewrite untouched
    reports.write_atomic(target, "<html>lama</html>")
    with pytest.raises(KeyboardInterrupt):
        reports.write_atomic(target, broken)
    assert target.read_text() == "<html>lama</html>"
    assert [p.name for p in tmp_path.iterdir()] == ["laporan.html"]


def _notebook_with_widgets():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("import rahasia\nprint('kode')")
    code.outputs = [
        nbformat.v4.new_output(
            "display_data",
            {
                "application/vnd.jupyter.widget-view+json": {
                    "model_id": "abc",
                    "version_major": 2,
                    "version_minor": 0,
                },
                "text/plain": "IntSlider(value=3)",
            },
        ),
        nbformat.v4.new_output("display_data", {"text/markdown": "Hasil **terlihat**"}),
    ]
    hidden = nbformat.v4.new_code_cell("x = 1")
    hidden.metadata["tags"] = [reports.TAG_HAPUS]
    hidden.outputs = [nbformat.v4.new_output("stream", name="stdout", text="JANGAN-TAMPIL")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Judul uji"), code, hidden]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_html_export_is_code_free_and_offline():
    html = reports.render_html(_notebook_with_widgets())
    assert "Hasil" in html and "Judul uji" in html
    assert "import rahasia" not in html and "print(" not in html
    assert "JANGAN-TAMPIL" not in html
    assert "IntSlider" not in html and "widget-state" not in html
    assert not re.findall(r"<script[^>]+src=", html)  # no require.js/MathJax/widgets from a CDN
    assert "unpkg.com" not in html
    assert '<html lang="id">' in html


def test_html_export_figures_have_indonesian_alt_text():
    import base64

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("gambar()")
    code.outputs = [nbformat.v4.new_output("display_data", {"image/png": png})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Grafik"), code]
    html = reports.render_html(nb)
    alts = re.findall(r'<img[^>]*\balt="([^"]*)"', html)
    assert alts == ["Grafik; isi dan artinya dijelaskan pada teks di sekitarnya"]
    assert "No description" not in html


def test_html_export_links_point_to_delivered_pages():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "[← sebelumnya: 04b](04b_jumlah_penilai.ipynb) | [Daftar isi](00_mulai_di_sini.ipynb)"
            " | [berikutnya →](laporan_instansi.ipynb)\n\n"
            "Lihat [bagian 2](02b_kurva_dan_rezim.ipynb#Kurva) dan "
            "[jawaban/05_jawaban.ipynb](jawaban/05_jawaban.ipynb); "
            "[sumber](https://example.org/a.ipynb), ![gambar](01_x.ipynb)."
        )
    ]
    html = reports.render_html(nb)
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert "04b_jumlah_penilai.html" in hrefs and "laporan_instansi.html" in hrefs
    assert "02b_kurva_dan_rezim.html#Kurva" in hrefs
    assert "https://example.org/a.ipynb" in hrefs  # absolute links untouched
    assert not [h for h in hrefs if h.endswith(".ipynb") and "://" not in h]
    assert "jawaban/05_jawaban.ipynb" in html and "Daftar isi" in html  # kept as plain text
    assert not [h for h in hrefs if "jawaban" in h or h.startswith("00_")]


def test_excel_export_neutralises_formulas(mini, tmp_path):
    import openpyxl

    folder = tmp_path / "data"
    shutil.copytree(mini[0], folder)
    inst = pd.read_csv(folder / "instansi.csv", dtype=str)
    inst.loc[inst["kode_instansi"] == "UJI-A", "nama_instansi"] = '=HYPERLINK("http://x","y")'
    inst.to_csv(folder / "instansi.csv", index=False)
    skm = pd.read_csv(folder / "survei_skm.csv", dtype=str)
    skm.loc[skm["unit_layanan"] == "Loket Alfa", "unit_layanan"] = "+SUM(1,2)"
    skm.to_csv(folder / "survei_skm.csv", index=False)
    target = tmp_path / "ringkasan.xlsx"
    reports.write_excel(folder, "UJI-A", target)
    wb = openpyxl.load_workbook(target)
    assert {"info", "predikat", "capaian", "ikm", "360_ditekan"} <= set(wb.sheetnames)
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                values.append(cell.value)
    texts = [v for v in values if isinstance(v, str)]
    assert '\'=HYPERLINK("http://x","y")' in texts
    assert "'+SUM(1,2)" in texts
    assert not any(t.startswith(("=", "+", "@")) for t in texts)
    assert not any("nip_penilai" in t for t in texts)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_netralkan_formula():
    f = reports.netralkan_formula
    assert f("=1+1") == "'=1+1" and f("-2") == "'-2" and f("@x") == "'@x" and f("+a") == "'+a"
    assert f("Dinas") == "Dinas" and f(-2.0) == -2.0 and f(None) is None


def test_workbook_cache_used_and_invalidated(mini, tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(mini[0], folder)
    wb = kc.load_workbook(folder)
    cache = tmp_path / "cache"
    reports.write_cache(cache, folder, wb)
    assert sorted(p.name for p in cache.iterdir()) == ["UJI-A.pkl", "UJI-B.pkl", "_semua.pkl"]
    monkeypatch.setenv(reports.ENV_CACHE, str(cache))
    calls = []
    import kinerja_calib.data as data_mod

    real = data_mod.load_workbook
    monkeypatch.setattr(data_mod, "load_workbook", lambda p: calls.append(p) or real(p))
    ctx = reports.prepare_report(str(folder), "UJI-B")
    assert calls == [] and ctx.nama_instansi == "Dinas Uji Beta"
    whole = reports.load_cached_workbook(folder)
    assert len(whole.instansi) == 2 and len(whole.pegawai) == len(wb.pegawai)
    # a changed data file invalidates the cache: the data is read again
    (folder / "instansi.csv").write_text((folder / "instansi.csv").read_text() + "\n")
    reports.prepare_report(str(folder), "UJI-B")
    assert len(calls) == 1
    assert reports.load_cached_workbook(folder) is None


# --------------------------------------------------------------------------- papermill runs


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _no_temp_files(folder: Path) -> None:
    leftovers = [p for p in folder.rglob("*") if ".tmp" in p.name]
    assert leftovers == []


@pytest.mark.slow
def test_batch_on_mini_workbook(mini, tmp_path):
    data, facts = mini
    out = tmp_path / "keluaran"
    code = reports.run_batch(data, out, hanya_laporan=True, pekerja=2, tampilkan=False)
    assert code == 0
    for kode, other in (("UJI-A", "UJI-B"), ("UJI-B", "UJI-A")):
        nb = _read(out / kode / "laporan_instansi.ipynb")
        params = nb.metadata.papermill.parameters
        assert params["kode_instansi"] == kode and isinstance(params["kode_instansi"], str)
        assert params["data"] == str(Path(data).resolve())
        assert params["ambang_anonimitas"] == 3 and params["periode"] == ""
        assert nb.metadata.papermill.exception is None
        html = (out / kode / "laporan_instansi.html").read_text()
        assert facts["nama"][kode] in html
        assert facts["nama"][other] not in html
        assert not any(nip in html for nip in facts["nip"][other])
        assert "nip_penilai" not in html
        assert "kc.reports" not in html and "prepare_report" not in html  # no code
        assert 'class="jp-InputPrompt' not in html
        assert not re.findall(r"<script[^>]+src=", html)
        assert html.count("data:image/png;base64") >= 3  # static figures embedded
    html = (out / "UJI-A" / "laporan_instansi.html").read_text()
    assert "(2 penilai)" not in _row(html, facts["kurang"])
    assert "(3 penilai)" in _row(html, facts["pas"])
    index = (out / "index.html").read_text()
    assert "Dinas Uji Alfa" in index and "Dinas Uji Beta" in index
    assert "UJI-A/laporan_instansi.html" in index and "2 dari 2 instansi berhasil" in index
    # the index shows what each report computed: organisation predikat, kurva, shares
    a, b = _baris(index, "UJI-A"), _baris(index, "UJI-B")
    assert "<td>Baik</td><td class='kurva'>3 perpindahan diusulkan</td>" in a
    assert "100,0 %" in a  # 7 of 7 pegawai with a predikat are Baik (per-item ratings)
    assert "<td>Istimewa</td><td class='kurva'>1 perpindahan diusulkan</td>" in b
    assert "<td class='status'>Selesai" in a and "Galat" not in index
    status = json.loads((out / "UJI-B" / ".status.json").read_text())
    summary = status["tugas"]["laporan_instansi"]["ringkasan"]
    assert summary["predikat_organisasi"] == "Istimewa"
    assert summary["kurva"] == {"memenuhi": False, "pelanggaran": 1, "perpindahan": 1}
    _no_temp_files(out)
    assert not (out / ".cache").exists()


@pytest.mark.slow
def test_cli_laporan(mini, tmp_path, capsys):
    """The lead's CLI wiring: ``kinerja-calib laporan DATA --keluaran DIR ...``."""
    from kinerja_calib.cli import main

    out = tmp_path / "keluaran"
    argv = [
        "laporan",
        str(mini[0]),
        "--keluaran",
        str(out),
        "--hanya-laporan",
        "--instansi",
        "UJI-B",
        "--pekerja",
        "1",
        "--excel",
        "--ambang-anonimitas",
        "2",
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "Semua laporan berhasil dibuat." in printed and "index.html" in printed
    assert (out / "UJI-B" / "ringkasan_UJI-B.xlsx").is_file()
    params = _read(out / "UJI-B" / "laporan_instansi.ipynb").metadata.papermill.parameters
    assert params["ambang_anonimitas"] == 2
    assert main(["laporan", str(mini[0]), "--keluaran", str(out), "--instansi", "../x"]) == 1
    assert "tidak sah" in capsys.readouterr().err


@pytest.mark.slow
def test_failing_instansi_does_not_stop_the_others(mini, tmp_path, capsys, monkeypatch):
    data, _ = mini
    out = tmp_path / "keluaran"
    log = tmp_path / "catatan" / "pekerja.log"
    monkeypatch.setenv("KINERJA_CALIB_LOG", str(log))
    code = reports.run_batch(data, out, templat=FAILING, hanya_laporan=True, pekerja=2)
    assert code == 1
    printed = capsys.readouterr().out
    # the kernels' stderr goes to a log outside the folder users ship, and the message says where
    assert log.is_file() and f"pesan kernel ada di {log}" in printed
    assert _leftovers(out) == []
    assert "gagal" in printed and "sengaja gagal untuk UJI-B" in printed
    assert (out / "UJI-A" / "gagal_untuk_uji_b.html").is_file()
    kept = out / "UJI-B" / "gagal" / "gagal_untuk_uji_b.ipynb"
    assert kept.is_file()
    assert not (out / "UJI-B" / "gagal_untuk_uji_b.html").exists()
    nb = _read(kept)
    assert nb.metadata.papermill.exception is True
    assert any("sengaja gagal" in json.dumps(c.get("outputs", [])) for c in nb.cells)
    assert "papermill-error-cell-tag" in json.dumps(nb.cells[0].metadata)  # red banner on top
    index = (out / "index.html").read_text()
    assert "1 dari 2 instansi berhasil" in index and "galat teknis" in index
    assert "RuntimeError" not in index  # the raw error stays in the log and gagal/
    status = (out / "UJI-B" / ".status.json").read_text(encoding="utf-8")
    assert "RuntimeError" not in status and "sengaja gagal" not in status
    assert "galat teknis" in status
    _no_temp_files(out)

    # a re-run with a fixed notebook replaces the failure cleanly
    fixed_dir = tmp_path / "perbaikan"
    fixed_dir.mkdir()
    fixed = _read(FAILING)
    for cell in fixed.cells:
        cell.source = cell.source.replace('raise RuntimeError("sengaja gagal untuk UJI-B")', "pass")
    nbformat.write(fixed, fixed_dir / FAILING.name)
    code = reports.run_batch(
        data,
        out,
        templat=fixed_dir / FAILING.name,
        hanya_laporan=True,
        instansi=["UJI-B"],
        pekerja=1,
        tampilkan=False,
    )
    assert code == 0
    assert (out / "UJI-B" / "gagal_untuk_uji_b.html").is_file()
    assert not (out / "UJI-B" / "gagal").exists()


@pytest.mark.slow
def test_missing_course_notebook_is_a_clear_error(mini, tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(FAILING, folder / "laporan_instansi.ipynb")
    shutil.copy(FAILING, folder / "01_contoh.ipynb")
    out = tmp_path / "keluaran"
    code = reports.run_batch(mini[0], out, notebooks=folder, instansi=["UJI-A"], tampilkan=False)
    assert code == 1
    index = (out / "index.html").read_text()
    assert "02a_*.ipynb" in unescape(index) and "05_*.ipynb" in unescape(index)
    assert (out / "UJI-A" / "01_contoh.html").is_file()


@pytest.mark.slow
def test_interrupted_notebook_write_leaves_nothing(mini, tmp_path, monkeypatch):
    """The HTML writer dies after the executed notebook sits in its temp file: neither the
    .ipynb nor the .html target may appear, and no temporary file is left behind."""
    folder = tmp_path / "UJI-A"

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_tasks, "render_html", boom)
    task = reports.Tugas("UJI-A", "notebook", str(FAILING), str(folder), {"kode_instansi": "UJI-A"})
    with pytest.raises(KeyboardInterrupt):
        _tasks._run_notebook(task)
    assert sorted(p.name for p in folder.rglob("*")) == []


@pytest.mark.slow
def _notebook_uji(path: Path, *cells: str) -> Path:
    """Write a python3 notebook: a `parameters` cell (kode_instansi), then ``cells``."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('kode_instansi = "UJI-A"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def test_dead_kernel_is_retried_then_kept(tmp_path):
    source = _notebook_uji(tmp_path / "mati.ipynb", "import os\nos._exit(1)  # kernel mati")
    folder = tmp_path / "keluaran" / "UJI-A"
    task = reports.Tugas(
        "UJI-A", "notebook", str(source), str(folder), {"kode_instansi": "UJI-A"}, ulang=1
    )
    hasil = _tasks.run_task(task, in_worker=False)
    assert hasil.status == "gagal" and hasil.percobaan == 2
    assert "DeadKernelError" in hasil.galat
    kept = _read(folder / "gagal" / "mati.ipynb")
    assert "Gagal dijalankan" in kept.cells[0].source
    assert not (folder / "mati.html").exists()
    _no_temp_files(folder)


def test_retryable_errors():
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    assert _tasks_base.is_retryable(DeadKernelError("Kernel died"))
    assert _tasks_base.is_retryable(RuntimeError("Kernel didn't respond in 60 seconds"))
    assert _tasks_base.is_retryable(OSError("ZMQError: Address already in use"))
    assert not _tasks_base.is_retryable(ValueError("galat di sel"))
    assert not _tasks_base.is_retryable(RuntimeError("sengaja gagal"))
    # a cell time-out gets one retry with a fresh kernel (safety net)
    assert _tasks_base.is_retryable(CellTimeoutError("Cell execution timed out"))


class _FakeKernelClient:
    """Just enough of a jupyter_client KernelClient for nbclient's OutputWidget."""

    def __init__(self):
        from jupyter_client.session import Session

        self.session = Session()
        self.sent = []  # messages, and "EVENTS" where the socket's events were re-read
        self.shell_channel = self
        self.socket = self

    def send(self, msg):
        self.sent.append(msg)

    def get(self, option):
        import zmq

        assert option == zmq.EVENTS
        self.sent.append("EVENTS")
        return 0


def _display_msg(parent_id: str) -> dict:
    return {
        "msg_type": "display_data",
        "header": {"msg_type": "display_data"},
        "parent_header": {"msg_id": parent_id},
        "content": {"data": {"text/plain": "42"}, "metadata": {}, "transient": {}},
    }


def test_output_widget_echo_is_followed_by_a_socket_events_check():
    # nbclient's Output-widget stand-in echoes each captured output to the kernel with a
    # comm_msg on the shell socket while the reply to the running cell is awaited on that
    # socket; that plain send could swallow the execute_reply wake-up (cells "stalled" until
    # the cell time-out). The fixed class keeps the echo and then re-reads the socket's events.
    from nbclient import NotebookClient

    def capture(client):
        cls = client.widget_registry["@jupyter-widgets/output"]["OutputModel"]
        kc = _FakeKernelClient()
        client.widget_state["w1"] = {"outputs": []}
        widget = cls("w1", {"outputs": []}, kc, client)
        widget.output([], _display_msg("eksekusi-1"), None, 0)
        return kc.sent, client.widget_state["w1"]["outputs"]

    with _nbclient.patched_output_widgets():
        sent, outputs = capture(NotebookClient(nbformat.v4.new_notebook()))
    assert len(sent) == 2 and sent[0]["header"]["msg_type"] == "comm_msg"
    assert sent[0]["content"]["data"]["state"]["outputs"][0]["data"]["text/plain"] == "42"
    assert sent[1] == "EVENTS"  # re-armed right after the echo
    assert [o["data"]["text/plain"] for o in outputs] == ["42"]  # still captured

    sent, outputs = capture(NotebookClient(nbformat.v4.new_notebook()))  # restored afterwards
    assert len(sent) == 1 and sent[0]["header"]["msg_type"] == "comm_msg"
    assert [o["data"]["text/plain"] for o in outputs] == ["42"]


@pytest.mark.slow
def test_notebook_run_keeps_the_output_widget_echo(tmp_path):
    # end to end through papermill with the fix: the output is captured into the widget state
    # and the kernel still receives the echo (its own copy of Output.outputs holds the line,
    # as Voila's page needs)
    source = _notebook_uji(
        tmp_path / "widget.ipynb",
        "import ipywidgets as w\nout = w.Output()\nwith out:\n    print('di dalam')\nout",
        "print('gema', len(out.outputs))",
    )
    folder = tmp_path / "keluaran" / "UJI-A"
    task = reports.Tugas("UJI-A", "notebook", str(source), str(folder), {"kode_instansi": "UJI-A"})
    hasil = _tasks.run_task(task, in_worker=False)
    assert hasil.status == "berhasil", hasil.galat
    out = _read(folder / "widget.ipynb")
    assert out.cells[-1].outputs[0]["text"] == "gema 1\n"
    states = out.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    captured = [
        o["text"]
        for s in states.values()
        if s["model_name"] == "OutputModel"
        for o in s["state"]["outputs"]
    ]
    assert captured == ["di dalam\n"]


@pytest.mark.slow
def test_dask_local_cluster(mini, tmp_path):
    distributed = require("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        out = tmp_path / "keluaran"
        code = reports.run_batch(
            mini[0],
            out,
            templat=FAILING,
            hanya_laporan=True,
            dask_scheduler=cluster.scheduler_address,
            tampilkan=False,
        )
    assert code == 1  # UJI-B fails on purpose
    assert (out / "UJI-A" / "gagal_untuk_uji_b.html").is_file()
    assert (out / "UJI-B" / "gagal" / "gagal_untuk_uji_b.ipynb").is_file()


def test_dask_unreachable_scheduler_message(mini, tmp_path):
    require("distributed")
    with pytest.raises(kc.ReportError, match="scheduler Dask"):
        reports.run_batch(
            mini[0],
            tmp_path,
            templat=FAILING,
            hanya_laporan=True,
            dask_scheduler="tcp://127.0.0.1:9",
            dask_timeout=2,
            tampilkan=False,
            instansi=["UJI-A"],
        )


# --------------------------------------------------------------------------- samples


def _sample_codes():
    inst = pd.read_csv(SAMPLES / "instansi.csv", dtype=str)
    peg = pd.read_csv(SAMPLES / "pegawai.csv", dtype=str)
    small = peg["kode_instansi"].value_counts().sort_values(kind="stable")
    return inst, peg, list(small.index[:2])


needs_samples = pytest.mark.skipif(
    not (SAMPLES / "instansi.csv").exists(), reason="data/samples belum ada"
)


@pytest.mark.slow
@needs_samples
def test_template_on_two_sample_instansi(tmp_path):
    inst, peg, codes = _sample_codes()
    out = tmp_path / "keluaran"
    code = reports.run_batch(
        SAMPLES, out, instansi=codes, hanya_laporan=True, excel=True, tampilkan=False
    )
    assert code == 0
    rater_nips = set(
        pd.read_csv(SAMPLES / "penilaian_360.csv", dtype=str, usecols=["nip_penilai"])[
            "nip_penilai"
        ]
    )
    for kode in codes:
        nb = _read(out / kode / "laporan_instansi.ipynb")
        assert nb.metadata.papermill.parameters["kode_instansi"] == kode
        html = (out / kode / "laporan_instansi.html").read_text()
        name = inst.loc[inst["kode_instansi"] == kode, "nama_instansi"].iloc[0]
        assert name in html
        others = set(peg.loc[peg["kode_instansi"] != kode, "nip"])
        assert not [n for n in others if n in html]
        own = set(peg.loc[peg["kode_instansi"] == kode, "nip"])
        # raters who are not pegawai of this instansi (other agencies, service users)
        # never appear; own pegawai may appear for their own results (9-box, tables)
        assert not [n for n in rater_nips - own if n in html]
        assert "nip_penilai" not in html
        assert "belum tersedia" not in html
        assert (out / kode / f"ringkasan_{kode}.xlsx").is_file()
    index = (out / "index.html").read_text()
    assert all(k in index for k in codes)


COURSE = [sorted((ROOT / "notebooks").glob(f"{p}_*.ipynb")) for p in reports.KURSUS]


@pytest.mark.slow
@needs_samples
@pytest.mark.skipif(not all(COURSE), reason="notebook kursus belum lengkap")
def test_full_course_for_one_instansi(tmp_path):
    _, _, codes = _sample_codes()
    out = tmp_path / "keluaran"
    code = reports.run_batch(SAMPLES, out, instansi=codes[:1], tampilkan=False)
    status = (out / "index.html").read_text()
    assert code == 0, status
    for nbs in COURSE:
        stem = nbs[0].stem
        assert (out / codes[0] / f"{stem}.html").is_file()
        params = _read(out / codes[0] / f"{stem}.ipynb").metadata.papermill.parameters
        assert params["kode_instansi"] == codes[0]


# --------------------------------------------------------------------------- nothing left behind,
# failing fast and honestly (issue 13, items 4 and 5)

_PENANDA = "UJI_PENANDA"  # folder where the test notebooks leave their marks


def _templat_uji(folder: Path, *cells: str, nama: str = "templat.ipynb") -> Path:
    """A tiny report template (papermill injects data, kode_instansi, periode, …)."""
    folder.mkdir(parents=True, exist_ok=True)
    return _notebook_uji(folder / nama, *cells)


_SEL_CACHE = """\
import json, os, pathlib
from kinerja_calib import data as d
cache = os.environ.get(d.ENV_CACHE, "")
wb = d.load_cached_workbook(data, kode_instansi)
info = {"cache": cache, "mode": oct(os.stat(os.path.dirname(cache)).st_mode & 0o777),
        "hit": wb is not None and set(wb.instansi["kode_instansi"]) == {kode_instansi},
        "kernel": os.getpid(), "pekerja": os.getppid()}
pathlib.Path(os.environ["UJI_PENANDA"], kode_instansi).write_text(json.dumps(info))"""

_PENGEMUDI = """\
import sys
from kinerja_calib import cli, reports
if __name__ == "__main__":  # kinerja-calib laporan with a test template
    real = reports.run_batch
    reports.run_batch = lambda *a, **k: real(*a, templat=sys.argv[1], **k)
    sys.exit(cli.main(sys.argv[2:]))
"""


def _leftovers(*folders: Path) -> list[str]:
    """Caches, pickles, logs and temporary files anywhere under ``folders``."""
    bad = []
    for folder in folders:
        for p in folder.rglob("*"):
            if p.name in (".cache", ".log") or p.suffix in (".pkl", ".log") or ".tmp" in p.name:
                bad.append(str(p))
    return bad


def _baris(index: str, kode: str) -> str:
    """The row of ``kode`` in index.html, character references decoded (data text is escaped)."""
    rows = [
        unescape(r)
        for r in re.findall(r"<tr class=.*?</tr>", index, flags=re.S)
        if f">{kode}<" in unescape(r)
    ]
    assert len(rows) == 1, f"{kode} not listed once"
    return rows[0]


def _tunggu(cond, detik: float = 60.0) -> bool:
    import time

    end = time.monotonic() + detik
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.2)
    return cond()


def _mulai_cli(mini, tmp_path, templat: Path):
    """Start ``kinerja-calib laporan`` (two instansi, two workers) as a subprocess whose
    notebooks are running (each kernel has left its mark); return (proc, out, tmp root,
    marks folder, pids of every worker and kernel)."""
    import os
    import subprocess
    import sys

    psutil = require("psutil")
    out, root, marks = tmp_path / "keluaran", tmp_path / "tmp", tmp_path / "tanda"
    root.mkdir()
    marks.mkdir()
    driver = tmp_path / "pengemudi.py"
    driver.write_text(_PENGEMUDI)
    env = {**os.environ, "TMPDIR": str(root), _PENANDA: str(marks), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, str(driver), str(templat), "laporan", str(mini[0])]
    argv += ["--keluaran", str(out), "--hanya-laporan", "--pekerja", "2"]
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    ok = _tunggu(lambda: len(list(marks.iterdir())) == 2 or proc.poll() is not None, 120)
    if not ok or proc.poll() is not None:
        proc.kill()
        pytest.fail(f"the batch did not start its notebooks: {proc.communicate()[1][-3000:]}")
    infos = [json.loads(p.read_text()) for p in marks.iterdir()]
    pids = {i["kernel"] for i in infos} | {i["pekerja"] for i in infos}
    pids |= {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
    return proc, out, root, infos, pids


@contextmanager
def _tetap_bersih(proc, pids):
    """If the test fails, kill what it started (the CLI, its workers and kernels)."""
    import os
    import signal

    try:
        yield
    except BaseException:
        for pid in [proc.pid, *pids]:
            with suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        raise


def _semua_mati(pids) -> bool:
    import psutil

    def gone(pid):
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    return all(gone(p) for p in pids)


@pytest.mark.slow
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_signal_stops_the_batch_and_leaves_nothing(mini, tmp_path, sig):
    import signal

    templat = _templat_uji(tmp_path / "nb", _SEL_CACHE, "import time\ntime.sleep(300)")
    proc, out, root, infos, pids = _mulai_cli(mini, tmp_path, templat)
    with _tetap_bersih(proc, pids):
        # while it runs: the signed cache is used by the kernels, in a private folder
        # outside the output folder
        for info in infos:
            assert info["hit"] and info["mode"] == "0o700"
            assert Path(info["cache"]).is_relative_to(root)
            assert not Path(info["cache"]).is_relative_to(out)
        assert [p for p in _leftovers(out) if ".tmp" not in p] == []  # no cache, no pickle
        proc.send_signal(getattr(signal, sig))
        stdout, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 128 + getattr(signal, sig), stderr
        assert "Dihentikan" in stderr and "Traceback" not in stderr
        assert _tunggu(lambda: _semua_mati(pids), 10), "a worker or kernel outlived the CLI"
    assert _leftovers(out) == []
    assert list(root.iterdir()) == []  # the private folder is gone


@pytest.mark.slow
def test_sigkill_of_the_cli_takes_workers_and_kernels_with_it(mini, tmp_path, monkeypatch):
    import signal
    import tempfile

    templat = _templat_uji(tmp_path / "nb", _SEL_CACHE, "import time\ntime.sleep(300)")
    proc, out, root, infos, pids = _mulai_cli(mini, tmp_path, templat)
    with _tetap_bersih(proc, pids):
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        assert _tunggu(lambda: _semua_mati(pids), 15), "a worker or kernel outlived the CLI"
    # no handler could run: the raw data never was in the output folder, and the next
    # run removes the private folder and the temporary files of the killed run
    assert [p for p in _leftovers(out) if ".tmp" not in p] == []
    assert len(list(root.iterdir())) == 1
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    _batch._sapu_sesi_lama()
    _preflight.sapu_sementara(out)
    assert list(root.iterdir()) == [] and _leftovers(out) == []


class _Jahat:
    """Unpickling this creates a file: proof that a cache file was unpickled."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (Path(self.path).write_text, ("dijalankan",))


def test_tampered_cache_is_never_unpickled(mini, tmp_path, monkeypatch):
    import pickle

    from kinerja_calib import data as data_mod

    folder = tmp_path / "data"
    shutil.copytree(mini[0], folder)
    wb = kc.load_workbook(folder)
    cache = tmp_path / "cache"
    key = data_mod.write_cache(cache, folder, wb, kunci=b"k" * 32)
    monkeypatch.setenv(data_mod.ENV_CACHE, str(cache))
    monkeypatch.setenv(data_mod.ENV_KUNCI, key.hex())
    assert data_mod.load_cached_workbook(folder, "UJI-A") is not None  # signed: used
    proof = tmp_path / "bukti.txt"
    evil = pickle.dumps(_Jahat(str(proof)))
    good = (cache / "UJI-A.pkl").read_bytes()
    # 1) a planted pickle with no (or a wrong) signature; 2) a good file with its payload
    #    replaced; 3) another instansi's signed slice renamed; 4) no key in the environment
    (cache / "UJI-A.pkl").write_bytes(evil)
    assert data_mod.load_cached_workbook(folder, "UJI-A") is None
    (cache / "UJI-A.pkl").write_bytes(good[:36] + evil)
    assert data_mod.load_cached_workbook(folder, "UJI-A") is None
    (cache / "UJI-A.pkl").write_bytes((cache / "UJI-B.pkl").read_bytes())
    assert data_mod.load_cached_workbook(folder, "UJI-A") is None
    (cache / "_semua.pkl").write_bytes(evil)
    monkeypatch.delenv(data_mod.ENV_KUNCI)
    assert data_mod.load_cached_workbook(folder) is None
    assert not proof.exists()
    # the reader falls back to the data itself
    assert len(kc.load_workbook(folder).pegawai) == len(wb.pegawai)
    assert not proof.exists()


def _tanpa_pool(monkeypatch):
    """Make any notebook work fail the test (the checks must come first)."""
    monkeypatch.setattr(_batch, "_run_pool", lambda *a, **k: pytest.fail("notebooks ran"))
    monkeypatch.setattr(_batch, "_run_dask", lambda *a, **k: pytest.fail("notebooks ran"))


def test_bad_periode_aturan_instansi_fail_before_any_notebook(mini, tmp_path, monkeypatch):
    _tanpa_pool(monkeypatch)
    out = tmp_path / "keluaran"
    run = {"hanya_laporan": True, "tampilkan": False, "pekerja": 1}
    with pytest.raises(ParameterError, match=r"'2026-S3'.*2026-S1, 2026-S2"):
        reports.run_batch(mini[0], out, periode="2026-S3", **run)
    with pytest.raises(ParameterError, match=r"'2026-S3'.*instansi UJI-B"):
        reports.run_batch(mini[0], out, periode="2026-S3", instansi=["UJI-B"], **run)
    with pytest.raises(ParameterError, match="--aturan.*permenpanrb-6-2022"):
        reports.run_batch(mini[0], out, aturan="permenpanrb-6-2O22", **run)
    with pytest.raises(ParameterError, match="UJI-Z"):
        reports.run_batch(mini[0], out, instansi=["UJI-Z"], **run)
    assert not out.exists()


def test_cli_bad_periode_is_one_indonesian_error(mini, tmp_path, monkeypatch, capsys):
    from kinerja_calib.cli import main

    _tanpa_pool(monkeypatch)
    argv = ["laporan", str(mini[0]), "--keluaran", str(tmp_path / "k"), "--pekerja", "1"]
    assert main([*argv, "--periode", "2026-s2"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("galat: Periode '2026-s2' tidak ada") and "2026-S2" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_failed_partial_rerun_keeps_good_report_and_every_instansi(mini, tmp_path):
    ok = _templat_uji(tmp_path / "baik", "print('laporan baik')", nama="laporan.ipynb")
    bad = _templat_uji(tmp_path / "rusak", "raise ValueError('rusak')", nama="laporan.ipynb")
    out = tmp_path / "keluaran"
    run = {"hanya_laporan": True, "tampilkan": False, "pekerja": 1}
    assert reports.run_batch(mini[0], out, templat=ok, **run) == 0
    good = {n: (out / "UJI-B" / n).read_bytes() for n in ("laporan.html", "laporan.ipynb")}
    assert reports.run_batch(mini[0], out, templat=bad, instansi=["UJI-B"], **run) == 1
    # the good report is still there, untouched; the failure is kept beside it
    for n, content in good.items():
        assert (out / "UJI-B" / n).read_bytes() == content
    assert (out / "UJI-B" / "gagal" / "laporan.ipynb").is_file()
    index = (out / "index.html").read_text()
    rows = {k: _baris(index, k) for k in ("UJI-A", "UJI-B")}  # UJI-A is still listed
    assert "1 dari 2 instansi berhasil" in index
    assert "berhasil" in rows["UJI-A"] and "UJI-A/laporan.html" in rows["UJI-A"]
    assert "gagal" in rows["UJI-B"] and "galat teknis" in rows["UJI-B"]
    assert "ValueError" not in rows["UJI-B"]
    assert "Versi sebelumnya masih ada." in rows["UJI-B"]
    assert "href='UJI-B/laporan.html'" in rows["UJI-B"] and "(sebelumnya)" in rows["UJI-B"]
    assert "href='UJI-B/gagal/laporan.ipynb'" in rows["UJI-B"]
    status = json.loads((out / "UJI-B" / ".status.json").read_text())
    assert status["tugas"]["laporan"]["status"] == "gagal"
    assert status["tugas"]["laporan"]["berkas_lama"] == ["laporan.ipynb", "laporan.html"]
    assert not any(n in json.dumps(status) for n in mini[1]["nip"]["UJI-B"])  # no NIPs
    # a good rerun replaces the failure
    assert reports.run_batch(mini[0], out, templat=ok, instansi=["UJI-B"], **run) == 0
    assert not (out / "UJI-B" / "gagal").exists()
    assert "2 dari 2 instansi berhasil" in (out / "index.html").read_text()
    _no_temp_files(out)


_SEL_BUNUH = """\
import os, pathlib, signal, time
tanda = pathlib.Path(os.environ["UJI_PENANDA"], kode_instansi)
if kode_instansi == "UJI-A" and not tanda.exists():
    tanda.write_text("sekali")
    time.sleep(1)  # the other worker is mid-notebook too
    os.kill(os.getppid(), signal.SIGKILL)  # the kernel kills its worker process
time.sleep(2)"""


@pytest.mark.slow
@pytest.mark.parametrize("ulang", [1, 0])
def test_killed_worker_costs_only_its_own_task(mini, tmp_path, monkeypatch, ulang):
    marks = tmp_path / "tanda"
    marks.mkdir()
    monkeypatch.setenv(_PENANDA, str(marks))
    templat = _templat_uji(tmp_path / "nb", _SEL_BUNUH)
    out = tmp_path / "keluaran"
    code = reports.run_batch(
        mini[0], out, templat=templat, hanya_laporan=True, pekerja=2, ulang=ulang, tampilkan=False
    )
    assert (marks / "UJI-A").read_text() == "sekali"  # it did kill its worker
    assert (out / "UJI-B" / "templat.html").is_file()  # the other task was not charged
    status = json.loads((out / "UJI-A" / ".status.json").read_text())["tugas"]["templat"]
    if ulang:
        assert code == 0 and status["status"] == "berhasil"
        assert (out / "UJI-A" / "templat.html").is_file()
    else:
        assert code == 1 and status["status"] == "gagal"
        assert "Proses pekerja berhenti mendadak" in status["galat"]
        assert "1 dari 2 instansi berhasil" in (out / "index.html").read_text()
    _no_temp_files(out)


@pytest.mark.parametrize(
    ("nomor", "alasan"),
    [
        ("ENOSPC", "disk penuh"),
        ("EROFS", "sistem berkasnya hanya-baca"),
        ("EACCES", "tidak ada izin menulis"),
    ],
)
def test_unwritable_output_is_one_sentence_before_any_notebook(
    mini, tmp_path, monkeypatch, capsys, nomor, alasan
):
    import errno
    import tempfile

    from kinerja_calib.cli import main

    _tanpa_pool(monkeypatch)
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    real = _preflight._temp_in

    def full(folder, name):
        if Path(folder).name == "UJI-B":
            raise OSError(getattr(errno, nomor), "simulasi", str(folder / name))
        return real(folder, name)

    monkeypatch.setattr(_preflight, "_temp_in", full)
    out = tmp_path / "keluaran"
    argv = ["laporan", str(mini[0]), "--keluaran", str(out), "--pekerja", "1"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err == err.splitlines()[0]  # one line
    assert err.startswith(f"galat: Folder {out / 'UJI-B'} tidak dapat ditulis ({alasan}")
    assert list(root.iterdir()) == [] and _leftovers(out) == []


def _mount(*args: str) -> bool:
    import subprocess

    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.mark.parametrize("jenis", ["penuh", "hanya-baca"])
def test_real_full_or_read_only_instansi_folder(mini, tmp_path, monkeypatch, capsys, jenis):
    """A real tmpfs (root only): full, or mounted read-only on one instansi folder."""
    import subprocess

    from kinerja_calib.cli import main

    _tanpa_pool(monkeypatch)
    out = tmp_path / "keluaran"
    target = out / "UJI-B"
    target.mkdir(parents=True)
    opts = "size=64k" if jenis == "penuh" else "ro,size=64k"
    if not _mount("-t", "tmpfs", "-o", opts, "tmpfs", str(target)):
        pytest.skip("mount tmpfs tidak tersedia (bukan root?)")
    try:
        if jenis == "penuh":
            subprocess.run(
                ["dd", "if=/dev/zero", f"of={target}/isi", "bs=4k", "count=64"],
                capture_output=True,
            )
        argv = ["laporan", str(mini[0]), "--keluaran", str(out), "--pekerja", "1"]
        assert main(argv) == 1
        err = capsys.readouterr().err
        reason = "disk penuh" if jenis == "penuh" else "sistem berkasnya hanya-baca"
        assert f"galat: Folder {target} tidak dapat ditulis ({reason}" in err
        assert "gagal/" not in err
    finally:
        subprocess.run(["umount", str(target)], capture_output=True)


@pytest.mark.slow
def test_write_error_in_a_worker_is_reported_as_not_saved(tmp_path, monkeypatch, capsys):
    import errno

    source = _notebook_uji(tmp_path / "nb.ipynb", "print('isi')")
    folder = tmp_path / "keluaran" / "UJI-A"

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "nb.html"))

    monkeypatch.setattr(_tasks, "write_atomic", full)
    task = reports.Tugas("UJI-A", "notebook", str(source), str(folder), {"kode_instansi": "UJI-A"})
    hasil = _tasks.run_task(task, in_worker=False)
    assert hasil.status == "gagal" and hasil.berkas == []
    assert hasil.galat.startswith(f"Folder {folder} tidak dapat ditulis (disk penuh)")
    assert "tidak disimpan" in hasil.galat
    _no_temp_files(folder)
    status = _status.status_table(["UJI-A"], [hasil])
    _status.print_status(status, tmp_path / "keluaran", 1.0, [hasil])
    printed = capsys.readouterr().out
    assert "Tidak ada notebook gagal yang tersimpan untuk: UJI-A" in printed
    assert "disimpan di" not in printed


def test_read_error_outside_the_output_is_not_called_unwritable(tmp_path, monkeypatch):
    """A data file that vanished mid-run is not "Folder ... tidak dapat ditulis"."""
    import errno

    source = _notebook_uji(tmp_path / "nb.ipynb", "print('isi')")
    folder = tmp_path / "keluaran" / "UJI-A"
    hilang = tmp_path / "data" / "pegawai.csv"

    def gone(*a, **k):
        raise OSError(errno.EACCES, "Permission denied", str(hilang))

    monkeypatch.setattr(_tasks, "write_atomic", gone)
    task = reports.Tugas("UJI-A", "notebook", str(source), str(folder), {"kode_instansi": "UJI-A"})
    hasil = _tasks.run_task(task, in_worker=False)
    assert hasil.status == "gagal"
    assert "tidak dapat ditulis" not in hasil.galat and "PermissionError" in hasil.galat


def test_index_from_tampered_status_links_nothing_foreign(tmp_path):
    out = tmp_path / "keluaran"
    (out / "UJI-A").mkdir(parents=True)
    (out / "UJI-A" / "laporan_instansi.html").write_text("ok")
    (out / "...").mkdir()
    doc = {
        "nama_instansi": "<script>alert(1)</script>",
        "tugas": {
            "laporan_instansi": {
                "status": "berhasil",
                "laporan": True,
                "berkas": ["laporan_instansi.html", "../../etc/passwd.html", "javascript:x.html"],
                "ringkasan": {"porsi_predikat": {"Baik": "<b>"}, "periode": "<i>"},
            }
        },
    }
    (out / "UJI-A" / ".status.json").write_text(json.dumps(doc))
    codes, names, results = _status.load_status(out)
    assert codes == ["UJI-A"]
    assert [Path(f).name for f in results[0].berkas] == ["laporan_instansi.html"]
    page = reports.write_index(out, codes, names, results).read_text()
    assert "<script>alert" not in page and "passwd" not in page and "javascript:" not in page


def _status_uji(out: Path, kode: str, nama: str, tugas: dict) -> None:
    folder = out / kode
    folder.mkdir(parents=True, exist_ok=True)
    for entry in tugas.values():
        for f in entry.get("berkas", []):
            (folder / f).parent.mkdir(parents=True, exist_ok=True)
            (folder / f).write_text("ok")
    doc = {"versi": 1, "kode_instansi": kode, "nama_instansi": nama, "tugas": tugas}
    (folder / ".status.json").write_text(json.dumps(doc))


def test_index_a_bkpsdm_head_scans(tmp_path):
    """Per instansi: organisation predikat, kurva in words, shares in Indonesian format,
    status in words (no empty error column), HTML and PDF links; data text escaped."""
    out = tmp_path / "keluaran"
    page = _index_uji(out).read_text()
    assert "Content-Security-Policy" in page and "<b>Alfa</b>" not in page
    assert "Galat" not in page  # no error column, empty or not
    a = _baris(page, "UJI-A")
    assert "<td>Butuh Perbaikan</td><td class='kurva'>18 perpindahan diusulkan</td>" in a
    assert "<td class='angka'>60,0 %</td><td class='angka'>10,0 %</td>" in a  # Baik, S. Baik
    assert "<td class='angka'>–</td>" in a  # a predikat nobody had in the summary
    assert "<td class='status'>Selesai" in a
    assert "href='UJI-A/laporan_instansi.html'" in a and "href='UJI-A/laporan_instansi.pdf'" in a
    b = _baris(page, "UJI-B")
    assert "<td>Istimewa</td><td class='kurva'>memenuhi</td>" in b
    assert "laporan_instansi.pdf" not in b  # no PDF made: no link
    c = _baris(page, "UJI-C")
    assert "<td class='status'>Laporan instansi gagal dibuat. Periode '2030-S1' tidak ada di " in c
    assert "/srv" not in c and "ParameterError" not in c
    assert "<td>–</td><td class='kurva'>–</td>" in c  # no figures for a failed report
    assert "2 dari 3 instansi berhasil" in page


def _index_uji(out: Path) -> Path:
    """An output folder with three instansi: kurva not met (with PDF), met, and failed."""
    ringkasan = {
        "nama_instansi": "Dinas <b>Alfa</b>",
        "periode": "2026-S2",
        "predikat_organisasi": "Butuh Perbaikan",
        "porsi_predikat": {"Baik": 0.6, "Butuh Perbaikan": 0.3, "Sangat Baik": 0.1},
        "kurva": {"memenuhi": False, "pelanggaran": 2, "perpindahan": 18},
    }
    laporan = {
        "status": "berhasil",
        "laporan": True,
        "waktu": "2026-12-04 10:00",
        "berkas": ["laporan_instansi.ipynb", "laporan_instansi.html"],
        "ringkasan": ringkasan,
    }
    _status_uji(out, "UJI-A", "Dinas <b>Alfa</b>", {"laporan_instansi": laporan})
    (out / "UJI-A" / "laporan_instansi.pdf").write_bytes(b"%PDF-1.7")
    memenuhi = {**ringkasan, "predikat_organisasi": "Istimewa", "kurva": {"memenuhi": True}}
    _status_uji(
        out, "UJI-B", "Dinas Beta", {"laporan_instansi": {**laporan, "ringkasan": memenuhi}}
    )
    gagal = {
        "status": "gagal",
        "laporan": True,
        "galat": "ParameterError: Periode '2030-S1' tidak ada di /srv/data/realisasi.csv.",
        "berkas": ["gagal/laporan_instansi.ipynb"],
    }
    _status_uji(out, "UJI-C", "Dinas Gamma", {"laporan_instansi": gagal})
    codes, names, results = _status.load_status(out)
    return reports.write_index(out, codes, names, results)


@pytest.mark.slow
@pytest.mark.browser
def test_index_in_a_real_browser(tmp_path):
    """index.html in Chromium: nothing fetched, the columns a BKPSDM head reads, a failed
    instansi as a sentence; saves ``indeks_laporan.png`` (``KINERJA_CALIB_TANGKAPAN``)."""
    import os

    chromium = os.environ.get("KINERJA_CALIB_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium tidak terpasang (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    index = _index_uji(tmp_path / "keluaran")
    folder = Path(os.environ.get("KINERJA_CALIB_TANGKAPAN") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / "indeks_laporan.png"
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 600})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(index.as_uri())
        page.screenshot(path=str(shot), full_page=True)
        text = page.inner_text("body")
        browser.close()
    assert requests == [index.as_uri()]  # the page itself, nothing else
    assert "Dinas <b>Alfa</b>" in text  # shown as text
    assert "18 perpindahan diusulkan" in text and "memenuhi" in text and "60,0 %" in text
    assert "Selesai" in text and "Laporan instansi gagal dibuat. Periode '2030-S1'" in text
    assert "Galat" not in text and "ParameterError" not in text
    assert shot.stat().st_size > 10_000


def test_index_summary_is_type_checked_and_organisation_level():
    aman = _status._ringkasan_aman(
        {
            "predikat_organisasi": ["<x>"],
            "porsi_predikat": {"Baik": 7.0, "Kurang/Misconduct": True, "Sangat Baik": 0.25},
            "kurva": {"memenuhi": "ya", "perpindahan": 3},
            "nip": ["199001012020011001"],
        }
    )
    assert aman["predikat_organisasi"] == "" and aman["kurva"] is None
    assert aman["porsi_predikat"] == {"Sangat Baik": 0.25}
    assert "nip" not in aman
    aman = _status._ringkasan_aman({"kurva": {"memenuhi": False, "perpindahan": -4}})
    assert aman["kurva"] == {"memenuhi": False, "pelanggaran": 0, "perpindahan": 0}


def test_descendants_without_psutil(monkeypatch):
    import subprocess
    import sys

    proc = subprocess.Popen(["sh", "-c", "sleep 30 & wait"])
    try:
        assert _tunggu(lambda: len(_processes.keturunan([proc.pid])) == 1, 10)
        with_psutil = _processes.keturunan([proc.pid])
        with monkeypatch.context() as m:
            m.setitem(sys.modules, "psutil", None)
            assert _processes.keturunan([proc.pid]) == with_psutil
        _processes.bunuh([proc.pid])
        proc.wait(timeout=10)
        assert _tunggu(lambda: not _processes.hidup(with_psutil[0]), 10)
    finally:
        proc.kill()


def test_index_lists_folders_made_by_an_older_version(tmp_path):
    """An instansi folder without .status.json (older version) is still listed after a
    partial rerun, with its files and an unknown status."""
    out = tmp_path / "keluaran"
    lama = out / "UJI-C"
    lama.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    summary = {"nama_instansi": "Dinas Lama", "periode": "2026-S1", "porsi_predikat": {"Baik": 0.5}}
    cell.outputs = [nbformat.v4.new_output("display_data", data={reports.MIME_RINGKASAN: summary})]
    nb.cells = [cell]
    nbformat.write(nb, lama / "laporan_instansi.ipynb")
    (lama / "laporan_instansi.html").write_text("ok")
    (out / "UJI-D" / "gagal").mkdir(parents=True)
    nbformat.write(nb, out / "UJI-D" / "gagal" / "02a_rating.ipynb")
    baru = reports.HasilTugas("UJI-A", "laporan_instansi", "berhasil", 1.0, laporan=True)
    _status.write_status(out, {"UJI-A": "Dinas Uji Alfa"}, [baru])
    codes, names, results = _status.load_status(out)
    assert codes == ["UJI-A", "UJI-C", "UJI-D"] and names["UJI-C"] == "Dinas Lama"
    page = reports.write_index(out, codes, names, results).read_text()
    row = _baris(page, "UJI-C")
    assert "tidak diketahui (dibuat versi lama)" in row and "50,0 %" in row
    assert "href='UJI-C/laporan_instansi.html'" in row
    row = _baris(page, "UJI-D")
    assert "<td class='status'>Notebook kursus 02a gagal dibuat." in row
    assert "dibuat versi lama" in row
    assert "href='UJI-D/gagal/02a_rating.ipynb'" in row
    assert "1 dari 3 instansi berhasil" in page
