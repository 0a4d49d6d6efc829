"""The training session's web pages in a real browser (Playwright + Debian Chromium)."""

from __future__ import annotations

import asyncio
import http.client
import os
import shutil
import socket
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from kinerja_calib.labels import ASPEK_BERAKHLAK, RATING
from kinerja_calib.pelatihan import BUTIR_DINILAI, Sesi
from kinerja_calib.pelatihan._server import make_app

CODES = ["V01", "V02"]
N_PESERTA = 20
# Screenshots to look at after a run (outside the checkout).
KUNCI = pd.DataFrame(
    [(k, "rating_hasil_kerja", RATING[1], "") for k in CODES]
    + [(k, "rating_perilaku", RATING[2], "") for k in CODES]
    + [(k, a, "3", "") for k in CODES for a in ASPEK_BERAKHLAK],
    columns=["kode", "butir", "nilai", "alasan"],
)
SHOTS = (
    Path(os.environ.get("KINERJA_CALIB_TANGKAPAN", tempfile.gettempdir()))
    / "kinerja-calib-pelatihan"
)


@dataclass
class FakeBank:
    kasus: pd.DataFrame

    def kasus_paralel(self, kode):
        return None


@pytest.fixture
def served(tmp_path):
    kasus = pd.DataFrame(
        {
            "kode": CODES,
            "judul": ["Perawat puskesmas", "Camat"],
            "ringkasan": ["Cakupan imunisasi 96 %.", "<b>x</b>"],
        }
    )
    sesi = Sesi.buat(tmp_path, "Kelas uji", kode_vinyet=CODES, ronde=2, bank=FakeBank(kasus))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ready, holder = threading.Event(), {}

    def run():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        server = make_app(sesi, kasus, refresh=1, kunci=KUNCI).listen(port, address="127.0.0.1")
        holder.update(loop=loop, server=server)
        ready.set()
        loop.run_forever()
        server.stop()
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(30)
    yield sesi, f"http://127.0.0.1:{port}", port
    holder["loop"].call_soon_threadsafe(holder["loop"].stop)
    thread.join(10)


def _get(port: int, path: str, host: str = "127.0.0.1") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": f"{host}:{port}"})
    status = conn.getresponse().status
    conn.close()
    return status


def test_trainer_page_needs_token_and_host_is_checked(served):
    sesi, _url, port = served
    assert _get(port, "/pelatih") == 403
    assert _get(port, "/pelatih?token=salah") == 403
    assert _get(port, f"/pelatih?token={sesi.token_pelatih}") == 200
    assert _get(port, "/daftar", host="evil.example") == 403
    assert _get(port, "/p/tidak-ada") == 404


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
    from playwright.sync_api import sync_playwright

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
        assert "<b>x</b>" in pages[0].locator("#kasus-V02").inner_text()  # escaped, not markup
        pages[0].screenshot(path=str(SHOTS / "peserta.png"), full_page=True)
        trainer.reload()
        assert f"selesai {N_PESERTA}" in trainer.locator("#ringkas").inner_text()
        trainer.screenshot(path=str(SHOTS / "pelatih.png"), full_page=True)
        trainer.get_by_role("button", name="Tutup ronde 1").click()
        numbers = trainer.locator("#angka-1").inner_text()
        assert "α ordinal" in numbers and "Bahas lebih dulu: V0" in numbers and "tepat" in numbers
        assert (
            f"selesai {N_PESERTA}." in trainer.locator("#ringkas").inner_text()
        )  # the closed round's
        trainer.screenshot(path=str(SHOTS / "pelatih_ronde1_ditutup.png"), full_page=True)
        trainer.get_by_role("button", name="Buka ronde 2").click()
        for i, page in enumerate(pages):
            page.reload()
            _rate(page, "V01", i + 1)
            text = page.content()
            assert f"Peserta Web {i:02d}" in text
            assert not any(f"Peserta Web {j:02d}" in text for j in range(N_PESERTA) if j != i)
        trainer.reload()
        assert (
            f"Ronde aktif: 2 (kiriman ronde 2); peserta {N_PESERTA}; selesai 0."
            in trainer.locator("#ringkas").inner_text()
        )  # round 2 has 2 cases, each participant sent one
        browser.close()
    rows = sesi.penilaian()
    assert len(rows) == N_PESERTA * (len(CODES) + 1) * len(BUTIR_DINILAI)
    r2 = rows[(rows["ronde"] == 2) & (rows["butir"] == "rating_hasil_kerja")].sort_values("nama")
    assert r2["nilai"].tolist() == [RATING[(i + 1) % 3] for i in range(N_PESERTA)]
