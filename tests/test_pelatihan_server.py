"""The training session's web pages in a real browser (Playwright + Debian Chromium)."""

from __future__ import annotations

import asyncio
import http.client
import os
import shutil
import socket
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import segno

from kinerja_calib._angka import desimal
from kinerja_calib._escape import escape_text
from kinerja_calib.labels import ASPEK_BERAKHLAK, RATING
from kinerja_calib.pelatihan import BUTIR_DINILAI, Sesi, convergence, load_bank, simulate_session
from kinerja_calib.pelatihan._server import make_app, qr_teks

CODES = ["V01", "V03"]  # of the packaged bank: a "turun" indicator, a range target
N_PESERTA = 20
# Screenshots to look at after a run (outside the checkout).
SHOTS = (
    Path(os.environ.get("KINERJA_CALIB_TANGKAPAN", tempfile.gettempdir()))
    / "kinerja-calib-pelatihan"
)


@dataclass
class FakeBank:
    """Stand-in holding only case texts, to check that data text is escaped."""

    kasus: pd.DataFrame

    def kasus_paralel(self, kode):
        return None


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@contextmanager
def _serving(sesi, **app_kwargs):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ready, holder = threading.Event(), {}

    def run():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        app = make_app(sesi, refresh=1, url_peserta=f"http://127.0.0.1:{port}/daftar", **app_kwargs)
        server = app.listen(port, address="127.0.0.1")
        holder.update(loop=loop, server=server)
        ready.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(30)
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        holder["loop"].call_soon_threadsafe(holder["loop"].stop)
        thread.join(10)


@pytest.fixture
def served(tmp_path, bank):
    sesi = Sesi.buat(tmp_path, "Kelas uji", kode_vinyet=CODES, ronde=2, bank=bank)
    with _serving(sesi, bank=bank) as (url, port):
        yield sesi, url, port


def _fetch(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": f"{host}:{port}"})
    response = conn.getresponse()
    status, body = response.status, response.read().decode("utf-8")
    conn.close()
    return status, body


def _get(port: int, path: str, host: str = "127.0.0.1") -> int:
    return _fetch(port, path, host)[0]


def test_trainer_page_needs_token_and_host_is_checked(served):
    sesi, _url, port = served
    assert _get(port, "/pelatih") == 403
    assert _get(port, "/pelatih?token=salah") == 403
    status, page = _fetch(port, f"/pelatih?token={sesi.token_pelatih}")
    assert status == 200
    # The join address with its QR code, for the projector (an inline SVG the CSP allows).
    assert "<img src='data:image/svg+xml" in page and "alt='Kode QR alamat peserta'" in page
    assert escape_text(f"http://127.0.0.1:{port}/daftar") in page
    assert _get(port, "/daftar", host="evil.example") == 403
    assert _get(port, "/p/tidak-ada") == 404


def test_terminal_qr_code_is_a_square_of_modules():
    url = "http://192.168.1.20:8866/daftar"
    lines = qr_teks(url).strip("\n").splitlines()
    n = len(segno.make(url, error="m").matrix) + 4  # symbol and a border of 2 each side
    assert len(lines) == (n + 1) // 2 and {len(line) for line in lines} == {n}  # two rows a line
    assert qr_teks(url) != qr_teks(url + "x")


def test_participant_page_shows_the_whole_case_from_the_bank(served, bank):
    sesi, _url, port = served
    me = sesi.daftar("Peserta Satu", "Kecamatan", "Wilayah A")
    other = sesi.daftar("Peserta Dua", "Dinas Perikanan", "Wilayah Tujuh")
    sesi.kirim(other, "V01", 1, RATING[2], RATING[2], dict.fromkeys(ASPEK_BERAKHLAK, 5))
    status, page = _fetch(port, f"/p/{me.token}")
    assert status == 200
    ind, per = bank.indikator, bank.perilaku
    for kode in CODES:
        assert escape_text(bank.kasus.set_index("kode").loc[kode, "judul"]) in page
        for text in ind.loc[ind["kode"] == kode, "indikator"]:
            assert escape_text(text) in page
        for text in per.loc[per["kode"] == kode, "bukti"]:
            assert escape_text(text) in page
    # V01: "Rata-rata waktu penyiapan surat keterangan" is a "turun" indicator, 1200 berkas the
    # target of another; V03 has the range target 90-100.
    turun = escape_text("Rata-rata waktu penyiapan surat keterangan")
    assert f"{turun} (makin kecil makin baik)" in page
    assert f"<td>{escape_text('1.200')}</td><td>610</td>" in page
    assert "<td>90–100</td><td>92</td>" in page
    assert not any(x in page for x in ("Peserta Dua", "Perikanan", "Wilayah Tujuh"))
    assert "Kunci" not in page and "umpan-balik" not in page  # no key while the round is open
    # After the round closes, the participant sees their own deviations with the key's reasons.
    mine = dict.fromkeys(ASPEK_BERAKHLAK, 3) | {"kolaboratif": 5}
    sesi.kirim(me, "V01", 1, RATING[2], RATING[0], mine)
    sesi.tutup_ronde(1)
    page = _fetch(port, f"/p/{me.token}")[1]
    assert "id='umpan-balik'" in page and "Belum ada ronde yang dibuka" in page
    key = bank.kunci.set_index(["kode", "butir"])["alasan"]
    assert (
        escape_text(key.loc[("V01", "rating_hasil_kerja")]) in page
    )  # key: Di bawah, gave Di atas
    assert escape_text(key.loc[("V01", "kolaboratif")]) in page
    assert not any(x in page for x in ("Peserta Dua", "Perikanan", "Wilayah Tujuh"))
    assert 'http-equiv="refresh"' not in page  # no reload while reading


def test_dashboard_shows_closed_rounds_by_wilayah_and_the_change(tmp_path, bank):
    sesi = Sesi.buat(tmp_path, "Kelas simulasi", kode_vinyet=["V01", "V05", "V09"], bank=bank)
    simulate_session(sesi, bank.kunci, n_peserta=15, perbaikan=0.8, seed=3)
    with _serving(sesi, bank=bank) as (_url, port):
        page = _fetch(port, f"/pelatih?token={sesi.token_pelatih}")[1]
        assert "id='perubahan'" not in page  # round 2 still open
        sesi.tutup_ronde(2)
        page = _fetch(port, f"/pelatih?token={sesi.token_pelatih}")[1]
    assert "id='angka-1'" in page and "id='angka-2'" in page
    # 15 simulated participants over 5 wilayah: every group of 3 reaches the threshold.
    wilayah = sesi.daftar_peserta()["wilayah"].value_counts()
    assert (wilayah >= 3).all()
    for name in wilayah.index:
        assert escape_text(f"{name} (3 peserta)") in page
    change = convergence(sesi.penilaian(), bank.kunci, 1, 2, n_boot=500).set_index(
        ["skala", "ukuran"]
    )
    row = change.loc[("aspek", "jarak")]
    assert row["ci_high"] < 0  # the planted improvement shows
    shown = f"aspek jarak ke kunci {desimal(row['perubahan'], 2, tanda=True)}"
    assert escape_text(shown) in page


def test_case_text_is_escaped(tmp_path):
    kasus = pd.DataFrame({"kode": ["V01"], "judul": ["<i>Camat</i>"], "ringkasan": ["<b>x</b>"]})
    sesi = Sesi.buat(tmp_path, "Kelas uji", kode_vinyet=["V01"], ronde=1, bank=FakeBank(kasus))
    me = sesi.daftar("Peserta", "Kecamatan", "Wilayah A")
    with _serving(sesi, kasus=kasus) as (_url, port):
        page = _fetch(port, f"/p/{me.token}")[1]
    assert escape_text("<b>x</b>") in page and escape_text("<i>Camat</i>") in page
    assert "<b>x</b>" not in page and "<i>" not in page


def _rate(page, kode: str, i: int) -> None:
    section = page.locator(f"#kasus-{kode}")
    choices = {"hasil_kerja": RATING[i % 3], "perilaku": RATING[(i + 1) % 3]}
    choices.update({k: str(1 + (i + j) % 5) for j, k in enumerate(ASPEK_BERAKHLAK)})
    for name, value in choices.items():
        section.locator(f"input[name='{name}'][value='{value}']").check()
    section.get_by_role("button", name=f"Kirim {kode}").click()
    page.wait_for_load_state()


def test_twenty_participants_in_chromium(served):
    chromium = os.environ.get("KINERJA_CALIB_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium tidak terpasang (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    sesi, url, _port = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        trainer = browser.new_page()
        trainer.goto(f"{url}/pelatih?token={sesi.token_pelatih}")
        assert "selesai 0" in trainer.locator("#ringkas").inner_text()
        pages = []
        for i in range(N_PESERTA):
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()  # a phone
            page.goto(f"{url}/daftar")
            page.fill("#nama", f"Peserta Web {i:02d}")
            page.fill("#instansi", "Dinas Kesehatan" if i % 2 else "Kecamatan")
            page.fill("#wilayah", f"Wilayah {i % 4}")
            page.get_by_role("button", name="Daftar").click()
            page.wait_for_url(f"{url}/p/*")
            for kode in CODES:
                _rate(page, kode, i)
            pages.append(page)
        case = pages[0].locator("#kasus-V03").inner_text()
        assert "Kelengkapan dokumentasi asuhan" in case and "90–100" in case
        pages[0].screenshot(path=str(SHOTS / "peserta.png"), full_page=True)
        # The dashboard refreshes itself (a reload would race its own refresh).
        expect(trainer.locator("#ringkas")).to_contain_text(f"selesai {N_PESERTA}.")
        trainer.screenshot(path=str(SHOTS / "pelatih.png"), full_page=True)
        trainer.get_by_role("button", name="Tutup ronde 1").click()
        numbers = trainer.locator("#angka-1").inner_text()
        assert "α ordinal" in numbers and "Bahas lebih dulu: V0" in numbers and "tepat" in numbers
        assert (
            f"selesai {N_PESERTA}." in trainer.locator("#ringkas").inner_text()
        )  # the closed round's
        trainer.screenshot(path=str(SHOTS / "pelatih_ronde1_ditutup.png"), full_page=True)
        pages[0].reload()  # between rounds: the private feedback with the key's reasons
        feedback = pages[0].locator("#umpan-balik").inner_text()
        assert "Posisi Anda di ruangan" in feedback and f"{N_PESERTA} peserta" in feedback
        pages[0].screenshot(path=str(SHOTS / "peserta_umpan_balik.png"), full_page=True)
        trainer.get_by_role("button", name="Buka ronde 2").click()
        for i, page in enumerate(pages):
            page.reload()
            _rate(page, "V01", i + 1)
            text = page.content()
            assert f"Peserta Web {i:02d}" in text
            assert not any(f"Peserta Web {j:02d}" in text for j in range(N_PESERTA) if j != i)
        expect(trainer.locator("#ringkas")).to_contain_text(
            f"Ronde aktif: 2 (kiriman ronde 2); peserta {N_PESERTA}; selesai 0."
        )  # round 2 has 2 cases, each participant sent one
        browser.close()
    rows = sesi.penilaian()
    assert len(rows) == N_PESERTA * (len(CODES) + 1) * len(BUTIR_DINILAI)
    r2 = rows[(rows["ronde"] == 2) & (rows["butir"] == "rating_hasil_kerja")].sort_values("nama")
    assert r2["nilai"].tolist() == [RATING[(i + 1) % 3] for i in range(N_PESERTA)]
