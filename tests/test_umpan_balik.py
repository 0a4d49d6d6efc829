"""Feedback sheets per pegawai and per rater (issue 18): privacy, content, batch, browser."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_angka import teks_terlihat, temuan_angka

import kinerja_calib as kc
from kinerja_calib import umpan_balik as ub
from kinerja_calib.cli import main
from kinerja_calib.privacy import suppress_360

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "reports"
SAMPEL_INSTANSI = ["JMB-KEC-TELANAI", "MRJ-BKPSDM"]
NIP_RE = re.compile(r"(?<!\d)\d{18}(?!\d)")


def _tulis_mini(folder: Path) -> dict:
    spec = importlib.util.spec_from_file_location("mini_workbook", FIXTURES / "mini.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.tulis_mini(folder)


@pytest.fixture(scope="module")
def sampel():
    return kc.load_workbook(ROOT / "data" / "samples")


@pytest.fixture(scope="module")
def keluaran_sampel(sampel, tmp_path_factory):
    out = tmp_path_factory.mktemp("ub_sampel")
    hasil = ub.tulis_semua(sampel, out, instansi=SAMPEL_INSTANSI, tampilkan=False)
    return out, hasil


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ub_mini")
    return folder, _tulis_mini(folder)


def _sheets(out: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


# --------------------------------------------------------------------------- privacy


def test_each_sheet_holds_its_own_nip_and_no_other(keluaran_sampel, sampel):
    out, hasil = keluaran_sampel
    sheets = _sheets(out)
    peg = sampel.pegawai.set_index("nip")
    assert len(sheets) == int(hasil["pegawai"].sum() + hasil["penilai"].sum()) > 70
    nama = peg["nama"]
    unik = nama[~nama.duplicated(keep=False)]
    for path, page in sheets.items():
        nip = path.stem
        kode, jenis = path.parent.parent.name, path.parent.name
        assert peg.loc[nip, "kode_instansi"] == kode  # never in another instansi's folder
        assert set(NIP_RE.findall(page)) == {nip}, path
        assert page.count(nip) >= 1
        lain = unik.drop(nip, errors="ignore")
        shown = teks_terlihat(page)
        own = str(peg.loc[nip, "nama"])
        assert not [n for n in lain if len(n) > 12 and n in shown and n not in own], path
        assert "nip_penilai" not in page and "penilai_id" not in page
        assert jenis in ("pegawai", "penilai")


def test_no_rater_identity_even_from_other_instansi(keluaran_sampel, sampel):
    out, _ = keluaran_sampel
    raters = set(sampel.penilaian_360["nip_penilai"].astype(str))
    for path, page in _sheets(out).items():
        assert not (set(NIP_RE.findall(page)) - {path.stem}) & raters


def test_rater_sheets_exactly_for_raters_of_at_least_n(sampel, keluaran_sampel, tmp_path):
    out, _ = keluaran_sampel
    periode = sorted(sampel.penilaian_360["periode"].unique())[-1]
    for kode in SAMPEL_INSTANSI:
        sub = sampel.untuk_instansi(kode)
        r = sub.penilaian_360
        kept, _ = suppress_360(r.loc[r["periode"] == periode], 3)
        kept = kept.loc[kept["peran_penilai"] != "diri"]
        n = kept.groupby("nip_penilai")["nip"].nunique()
        for minimal, folder in ((5, out), (8, tmp_path / "n8")):
            if minimal == 8:
                ub.tulis_semua(sampel, folder, instansi=[kode], minimal_dinilai=8, tampilkan=False)
            expect = set(n[n >= minimal].index) & set(sub.pegawai["nip"])
            got = {p.stem for p in (folder / kode / "penilai").glob("*.html")}
            assert got == expect, (kode, minimal)
            assert len(expect) >= 1 or minimal == 8
    with pytest.raises(kc.ParameterError, match="sedikitnya 5 pegawai"):
        ub.lembar_penilai(sampel.untuk_instansi(SAMPEL_INSTANSI[0]), sub.pegawai["nip"].iloc[-1])


def _redraw_hidden(tables: dict, seed: int) -> tuple[dict, int]:
    r = tables["penilaian_360"].copy()
    kept, _ = suppress_360(r, 3)
    hidden = ~r.index.isin(kept.index)
    rng = np.random.default_rng(seed)
    r.loc[hidden, "nilai"] = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], size=int(hidden.sum()))
    return {**tables, "penilaian_360": r}, int(hidden.sum())


def test_hidden_groups_change_no_sheet(mini, tmp_path):
    """DESIGN §9: re-drawing only the hidden groups' ratings leaves every sheet identical."""
    folder, _ = mini
    wb = kc.load_workbook(folder)
    base = {k: v for k, v in wb.tables.items() if v is not None}
    ub.tulis_semua(wb, tmp_path / "asli", tampilkan=False)
    asli = {p.relative_to(tmp_path / "asli"): b for p, b in _bytes(tmp_path / "asli").items()}
    for seed in (1, 2):
        tables, n_hidden = _redraw_hidden(base, seed)
        assert n_hidden > 0
        wb2 = kc.data.validate_tables(tables, source="ubah")
        assert not wb2.penilaian_360["nilai"].equals(wb.penilaian_360["nilai"])
        ub.tulis_semua(wb2, tmp_path / f"ubah{seed}", tampilkan=False)
        ubah = {
            p.relative_to(tmp_path / f"ubah{seed}"): b
            for p, b in _bytes(tmp_path / f"ubah{seed}").items()
        }
        assert ubah == asli
    # control: changing a kept rating does change a sheet
    r = base["penilaian_360"].copy()
    kept, _ = suppress_360(r, 3)
    i = kept.index[kept["peran_penilai"] == "atasan"][0]
    r.loc[i, "nilai"] = 6.0 - r.loc[i, "nilai"] if r.loc[i, "nilai"] != 3 else 5.0
    ub.tulis_semua(
        kc.data.validate_tables({**base, "penilaian_360": r}, source="c"),
        tmp_path / "c",
        tampilkan=False,
    )
    assert {p.relative_to(tmp_path / "c"): b for p, b in _bytes(tmp_path / "c").items()} != asli


def _bytes(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- content


def test_numbers_are_indonesian_and_no_raw_error(keluaran_sampel):
    out, _ = keluaran_sampel
    for path, page in _sheets(out).items():
        teks = teks_terlihat(page)
        assert temuan_angka(teks) == [], path
        assert "Traceback" not in teks and "nan" not in teks.split() and "None" not in teks.split()
        # one sign for negative numbers, as in the tables (desimal): the hyphen, never U+2212
        assert not re.search(r"\u2212\s*\d", teks), path


def test_sheet_content_matches_the_scores(sampel, keluaran_sampel):
    out, _ = keluaran_sampel
    skor = kc.score_workbook(sampel.untuk_instansi(SAMPEL_INSTANSI[1]))
    skor = skor.loc[skor["periode"] == skor["periode"].max()].set_index("nip")
    for nip in skor.index[:10]:
        page = (out / SAMPEL_INSTANSI[1] / "pegawai" / f"{nip}.html").read_text()
        head = page[page.index("1. Ringkasan") : page.index("2. Hasil kerja")]
        assert str(skor.loc[nip, "predikat"]) in head
        assert kc.persen(skor.loc[nip, "capaian"], 1, dari_seratus=True) in head
        assert page.count('class="anda"') == 1  # one cell of the predikat matrix
        assert page.count('http-equiv="Content-Security-Policy"') == 1
        assert "<script" not in page


def test_daftar_csv_lists_every_sheet(keluaran_sampel, sampel):
    out, hasil = keluaran_sampel
    for kode in SAMPEL_INSTANSI:
        d = pd.read_csv(out / kode / "daftar.csv", dtype=str)
        assert list(d.columns) == ["nip", "nama", "unit", "jenis", "file"]
        files = {p.relative_to(out / kode).as_posix() for p in (out / kode).rglob("*.html")}
        assert set(d["file"]) == files
        assert set(d.loc[d["jenis"] == "pegawai", "nip"]) == set(
            sampel.pegawai.loc[sampel.pegawai["kode_instansi"] == kode, "nip"]
        )


def test_missing_data_gives_a_complete_sheet(mini):
    folder, facts = mini
    wb = kc.load_workbook(folder)
    nip = facts["kurang"]
    t = {k: v for k, v in wb.tables.items() if v is not None}
    t["penilaian_360"] = t["penilaian_360"].loc[t["penilaian_360"]["nip"] != nip]
    if "kompetensi" in t:
        t["kompetensi"] = t["kompetensi"].loc[t["kompetensi"]["nip"] != nip]
    t["realisasi"] = t["realisasi"].loc[t["realisasi"]["periode"] == "2026-S2"]
    t["penilaian_360"] = t["penilaian_360"].loc[t["penilaian_360"]["periode"] == "2026-S2"]
    page = ub.lembar_pegawai(kc.data.validate_tables(t, source="kurang"), nip)
    for judul in range(1, 10):
        assert f"<h2>{judul}. " in page
    assert "Belum ada umpan balik 360 yang dapat ditampilkan" in page
    assert "Data kompetensi Anda belum ada" in page
    assert "Baru ada satu periode penilaian" in page
    assert "Data yang belum ada:" in page
    assert page.rstrip().endswith("</html>")
    assert len(re.findall(r"<ol class=\"langkah\"><li>", page)) == 1


# --------------------------------------------------------------------------- batch, CLI


def test_split_instansi_gives_the_rows_of_untuk_instansi(sampel):
    """The batch's one-pass split equals filtering every table per instansi, row for row."""
    from kinerja_calib.umpan_balik._batch import _sub, split_instansi

    kode = sorted(sampel.instansi["kode_instansi"])[::-1]  # any order, not only sorted
    seen = []
    for k, sub in split_instansi(sampel, kode):
        ref = sampel.untuk_instansi(k)
        seen.append(k)
        for name in ("instansi", "pegawai", "indikator", "realisasi", "penilaian_360"):
            pd.testing.assert_frame_equal(getattr(sub, name), getattr(ref, name))
        for name in ("survei_skm", "kompetensi"):
            a, b = getattr(sub, name), getattr(ref, name)
            assert (a is None) == (b is None)
            if a is not None:
                pd.testing.assert_frame_equal(a, b)
        assert set(sub.penilaian_360["nip"]) <= set(sub.pegawai["nip"])
    assert seen == kode and len(seen) == 13
    # the positions are cached per workbook, and recomputed when a table is replaced
    wb = kc.data.Workbook(**sampel.tables, path=None)
    k = SAMPEL_INSTANSI[1]
    pd.testing.assert_frame_equal(_sub(wb, k).penilaian_360, wb.untuk_instansi(k).penilaian_360)
    wb.penilaian_360 = wb.penilaian_360.iloc[::3]
    pd.testing.assert_frame_equal(_sub(wb, k).penilaian_360, wb.untuk_instansi(k).penilaian_360)
    assert len(_sub(wb, k).penilaian_360) < len(sampel.untuk_instansi(k).penilaian_360)


def test_lanjut_skips_complete_sheets_and_rewrites_broken(mini, tmp_path):
    folder, _ = mini
    wb = kc.load_workbook(folder)
    first = ub.tulis_semua(wb, tmp_path, tampilkan=False)
    again = ub.tulis_semua(wb, tmp_path, lanjut=True, tampilkan=False)
    assert again["pegawai"].sum() == again["penilai"].sum() == 0
    assert again["dilewati"].sum() == first["pegawai"].sum() + first["penilai"].sum()
    broken = next((tmp_path / "UJI-A" / "pegawai").glob("*.html"))
    broken.write_text(broken.read_text()[:500])
    third = ub.tulis_semua(wb, tmp_path, lanjut=True, tampilkan=False)
    assert third["pegawai"].sum() == 1 and broken.read_text().rstrip().endswith("</html>")
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]  # no temp left


def test_cli_writes_the_layout(mini, tmp_path, capsys):
    folder, facts = mini
    assert main(["umpan-balik", str(folder), "--keluaran", str(tmp_path)]) == 0
    said = capsys.readouterr().out
    assert "13 lembar pegawai dan 5 lembar penilai ditulis" in said
    for kode, nips in facts["nip"].items():
        assert {p.stem for p in (tmp_path / kode / "pegawai").glob("*.html")} == nips
    assert main(["umpan-balik", str(folder), "--keluaran", str(tmp_path), "--periode", "2030"]) == 1
    assert "Periode '2030' tidak ada" in capsys.readouterr().err


def _satu_periode(wb, periode: str):
    """``wb`` with only the rows of ``periode`` in every table that has periods."""
    t = {k: v for k, v in wb.tables.items() if v is not None}
    for name in ("realisasi", "penilaian_360", "survei_skm"):
        if name in t:
            t[name] = t[name].loc[t[name]["periode"] == periode]
    return kc.data.validate_tables(t, source=periode)


@pytest.mark.parametrize("data", ["mini", "sampel"])
def test_every_period_sheet_holds_only_its_period(data, mini, sampel, tmp_path):
    """``periode="semua"``: one sheet per pegawai per period, each byte-identical to the sheet
    of a workbook that holds that period only and earlier ones, so no later value leaks in;
    the trend of the latest sheet legitimately shows the earlier period."""
    if data == "mini":
        wb, kode = kc.load_workbook(mini[0]), ["UJI-A", "UJI-B"]
    else:
        wb, kode = sampel, [SAMPEL_INSTANSI[0]]
    hasil = ub.tulis_semua(wb, tmp_path / "semua", periode="semua", instansi=kode, tampilkan=False)
    assert set(hasil["periode"]) == {"2026-S1,2026-S2"}
    awal = ub.tulis_semua(
        _satu_periode(wb, "2026-S1"), tmp_path / "s1", instansi=kode, tampilkan=False
    )
    akhir = ub.tulis_semua(wb, tmp_path / "s2", instansi=kode, tampilkan=False)
    assert hasil["pegawai"].sum() == awal["pegawai"].sum() + akhir["pegawai"].sum()
    assert hasil["penilai"].sum() == awal["penilai"].sum() + akhir["penilai"].sum()
    for k in kode:
        folder = tmp_path / "semua" / k
        assert not (folder / "pegawai").exists() and not (folder / "penilai").exists()
        for per, ref in (("2026-S1", tmp_path / "s1" / k), ("2026-S2", tmp_path / "s2" / k)):
            got = {
                p.relative_to(folder / per): p.read_bytes() for p in (folder / per).rglob("*.html")
            }
            exp = {p.relative_to(ref): p.read_bytes() for p in ref.rglob("*.html")}
            assert got == exp, (k, per)
        for path in (folder / "2026-S1").rglob("*.html"):
            assert "2026-S2" not in path.read_text(), path
        for path in (folder / "2026-S2" / "pegawai").glob("*.html"):
            page = path.read_text()
            tren = page[page.index("<h2>8. Tren") : page.index("<h2>9. ")]
            assert "2026-S1" not in page.replace(tren, "")
        d = pd.read_csv(folder / "daftar.csv", dtype=str)
        assert list(d.columns) == ["nip", "nama", "unit", "jenis", "periode", "file"]
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*.html")}
        assert set(d["file"]) == files and len(d) == len(files)
        assert (d["file"].str.split("/").str[0] == d["periode"]).all()


def test_every_period_of_single_period_data_keeps_the_flat_layout(mini, tmp_path):
    wb = _satu_periode(kc.load_workbook(mini[0]), "2026-S2")
    ub.tulis_semua(wb, tmp_path / "semua", periode="semua", tampilkan=False)
    ub.tulis_semua(wb, tmp_path / "biasa", tampilkan=False)

    def isi(folder):
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert isi(tmp_path / "semua") == isi(tmp_path / "biasa")
    assert (tmp_path / "biasa" / "UJI-A" / "pegawai").is_dir()


def test_cli_every_period_and_restart(mini, tmp_path, capsys):
    folder, facts = mini
    args = ["umpan-balik", str(folder), "--keluaran", str(tmp_path), "--periode", "semua"]
    assert main(args) == 0
    said = capsys.readouterr().out
    assert "26 lembar pegawai dan 10 lembar penilai ditulis" in said
    assert "(periode 2026-S1, 2026-S2)." in said
    for kode, nips in facts["nip"].items():
        for per in ("2026-S1", "2026-S2"):
            assert {p.stem for p in (tmp_path / kode / per / "pegawai").glob("*.html")} == nips
    assert main([*args, "--lanjut"]) == 0
    assert "0 lembar pegawai dan 0 lembar penilai ditulis, 36 dilewati" in capsys.readouterr().out


# --------------------------------------------------------------------------- browser

PAYLOADS = (
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=2;alert(2)">',
    '"><svg onload=alert(5)>',
    "<iframe src=javascript:alert(6)></iframe>",
)
FREE_TEXT = {
    "instansi": ("nama_instansi",),
    "pegawai": ("nama", "unit_kerja", "jabatan"),
    "indikator": ("nama_indikator", "satuan", "jabatan"),
    "kompetensi": ("kompetensi",),
}
_LIVE = """() => {
    const all = Array.from(document.querySelectorAll('*'));
    const handlers = all.flatMap(e => Array.from(e.attributes)
        .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name));
    const tags = Array.from(document.querySelectorAll('script, iframe, object, embed, img'))
        .map(e => e.tagName);
    return {pwned: window.__pwned, csp: window.__csp, handlers, tags};
}"""


def _only(url: str, seen: list):
    def handler(route):
        if route.request.url == url:
            return route.continue_()
        seen.append(route.request.url)
        return route.abort()

    return handler


@pytest.mark.slow
@pytest.mark.browser
def test_injected_script_never_runs_in_a_real_browser(mini, tmp_path):
    chromium = os.environ.get("KINERJA_CALIB_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium tidak terpasang (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "data"
    shutil.copytree(mini[0], folder)
    for table, cols in FREE_TEXT.items():
        df = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        for col in cols:
            df[col] = df[col].map(lambda v: "".join(PAYLOADS) + v if v else v)
        df.to_csv(folder / f"{table}.csv", index=False)
    out = tmp_path / "out"
    ub.tulis_semua(kc.load_workbook(folder), out, instansi=["UJI-A"], tampilkan=False)
    pages = sorted((out / "UJI-A" / "pegawai").glob("*.html"))[:3]
    pages += sorted((out / "UJI-A" / "penilai").glob("*.html"))[:2]
    assert len(pages) == 5
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for path in pages:
            ctx = browser.new_context(viewport={"width": 390, "height": 900})
            ctx.add_init_script(
                "window.__pwned=0; window.__csp=[]; document.addEventListener("
                "'securitypolicyviolation', e => window.__csp.push(e.violatedDirective));"
            )
            page = ctx.new_page()
            dialogs, requests = [], []
            page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
            url = path.resolve().as_uri()
            page.route("**/*", _only(url, requests))
            page.goto(url, wait_until="load")
            page.wait_for_timeout(200)
            live = page.evaluate(_LIVE)
            text = page.inner_text("body")
            ctx.close()
            assert not live["pwned"] and not dialogs and not requests, path
            assert not live["handlers"] and not live["tags"] and not live["csp"], (path, live)
            assert "<script>window.__pwned=1" in text  # the payload is shown as text
        browser.close()


def test_period_without_realisasi_still_gives_sheets(mini):
    folder, facts = mini
    wb = kc.load_workbook(folder)
    t = {k: v for k, v in wb.tables.items() if v is not None}
    t["realisasi"] = t["realisasi"].loc[t["realisasi"]["periode"] == "2026-S1"]
    page = ub.lembar_pegawai(kc.data.validate_tables(t, source="tanpa"), facts["pas"], "2026-S2")
    assert "Belum ada realisasi indikator untuk periode 2026-S2" in page
    assert page.rstrip().endswith("</html>")


@pytest.mark.slow
@pytest.mark.browser
def test_pdf_uses_one_browser_for_the_batch(mini, tmp_path, monkeypatch):
    if not (os.environ.get("KINERJA_CALIB_CHROMIUM") or shutil.which("chromium")):
        pytest.skip("Chromium tidak terpasang (apt-get install chromium)")
    from kinerja_calib import _pdf

    started = []
    enter = _pdf.Pencetak.__enter__
    monkeypatch.setattr(
        _pdf.Pencetak, "__enter__", lambda self: (started.append(1), enter(self))[1]
    )
    hasil = ub.tulis_semua(kc.load_workbook(mini[0]), tmp_path, pdf=True, tampilkan=False)
    pdfs = sorted(tmp_path.rglob("*.pdf"))
    assert started == [1]
    assert len(pdfs) == int(hasil["pegawai"].sum() + hasil["penilai"].sum()) == 18
    assert all(_pdf.jumlah_halaman(p.read_bytes()) >= 1 for p in pdfs)


def test_hidden_groups_change_no_sheet_on_a_sample_instansi(sampel, tmp_path):
    """The same property on a real-sized instansi (46 pegawai, 10 rater sheets)."""
    sub = sampel.untuk_instansi("MRJ-BKPSDM")
    base = {k: v for k, v in sub.tables.items() if v is not None}
    ub.tulis_semua(sub, tmp_path / "asli", tampilkan=False)
    tables, n_hidden = _redraw_hidden(base, 7)
    assert n_hidden > 50
    ub.tulis_semua(kc.data.validate_tables(tables, source="ubah"), tmp_path / "u", tampilkan=False)
    asli = {p.relative_to(tmp_path / "asli"): b for p, b in _bytes(tmp_path / "asli").items()}
    ubah = {p.relative_to(tmp_path / "u"): b for p, b in _bytes(tmp_path / "u").items()}
    assert len(asli) > 50 and ubah == asli


_LABEL_BOXES = """() => Array.from(document.querySelectorAll('svg.grafik')).flatMap(svg => {
    const w = svg.viewBox.baseVal.width;
    return Array.from(svg.querySelectorAll('text')).map(t => {
        const b = t.getBBox();
        return {text: t.textContent, left: b.x, right: b.x + b.width, w};
    });
})"""


@pytest.mark.slow
@pytest.mark.browser
def test_chart_labels_fit_inside_their_chart(tmp_path):
    """The longest sample indicator names, cut to the chart's label length, are not clipped."""
    chromium = os.environ.get("KINERJA_CALIB_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium tidak terpasang (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from kinerja_calib.umpan_balik import _svg

    names = pd.read_csv(ROOT / "data" / "samples" / "indikator.csv", dtype=str)["nama_indikator"]
    longest = sorted(set(names), key=len)[-12:] + ["Indeks kepuasan masyarakat puskesmas"]
    rows = [(n, 100.0 + i, f"{100 + i} %") for i, n in enumerate(longest)]
    page_html = (ROOT / "kinerja_calib" / "umpan_balik" / "templat" / "_kepala.html.j2").read_text()
    css = re.search(r"<style>(.*?)</style>", page_html, re.S).group(1)
    body = _svg.bars(rows, 0, 130, [(80, "80 %"), (110, "110 %")], judul="uji")
    path = tmp_path / "grafik.html"
    path.write_text(f"<html><head><style>{css}</style></head><body>{body}</body></html>")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.resolve().as_uri())
        boxes = page.evaluate(_LABEL_BOXES)
        browser.close()
    assert len(boxes) >= len(rows) * 2
    clipped = [b["text"] for b in boxes if b["left"] < 0 or b["right"] > b["w"]]
    assert not clipped, clipped


def test_instansi_report_states_the_sheet_counts_never_a_sheet(keluaran_sampel):
    """The report's rater section counts the sheets the batch wrote, and links none."""
    out, _ = keluaran_sampel
    for kode in SAMPEL_INSTANSI:
        daftar = pd.read_csv(out / kode / "daftar.csv", dtype=str)["jenis"].value_counts()
        ctx = kc.reports.prepare_report(str(ROOT / "data" / "samples"), kode)
        catatan = kc.reports.section_penilai(ctx).catatan
        assert f"bagi {daftar['pegawai']} pegawai" in catatan, (kode, catatan)
        assert f"bagi {daftar['penilai']} penilai" in catatan, (kode, catatan)
        assert "pegawai/" not in catatan and ".html" not in catatan
        assert not NIP_RE.search(catatan)
