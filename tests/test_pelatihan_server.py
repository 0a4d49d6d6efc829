"""The training session's web pages in a real browser (Playwright + Debian Chromium)."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import shutil
import socket
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest
import segno

from kinerja_calib._angka import desimal, persen
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
    assert _get(port, "/pelatih/tunggu?versi=x") == 403  # the long-poll too
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
        assert f"<tr><td>{escape_text(name)}</td><td>3</td>" in page
    change = convergence(sesi.penilaian(), bank.kunci, 1, 2, n_boot=500).set_index(
        ["skala", "ukuran"]
    )
    row = change.loc[("aspek", "jarak")]
    assert row["ci_high"] < 0  # the planted improvement shows
    shown = f"aspek jarak ke kunci {desimal(row['perubahan'], 2, tanda=True)}"
    assert escape_text(shown) in page


def test_dashboard_by_instansi_on_the_simulated_session(tmp_path, bank):
    sesi = Sesi.buat(tmp_path, "Kelas simulasi", kode_vinyet=["V01", "V05", "V09"], bank=bank)
    simulate_session(sesi, bank.kunci, n_peserta=15, perbaikan=0.8, seed=3)
    # Two more in round 2 from an instansi of their own (below the threshold of 3), both in
    # Kab. Sleman: the instansi and the wilayah groupings now differ.
    key = bank.kunci.set_index(["kode", "butir"])["nilai"]
    for i in range(2):
        extra = sesi.daftar(f"Tambahan {i}", "Puskesmas Depok", "Kab. Sleman")
        for kode in ["V01", "V05", "V09"]:
            aspek = {a: int(key[(kode, a)]) for a in ASPEK_BERAKHLAK}
            k = key[(kode, "rating_hasil_kerja")], key[(kode, "rating_perilaku")]
            sesi.kirim(extra, kode, 2, *k, aspek)
    sesi.tutup_ronde(2)
    with _serving(sesi, bank=bank) as (_url, port):
        page = _fetch(port, f"/pelatih?token={sesi.token_pelatih}")[1]
    # By hand: per participant the exact share and mean signed distance on the aspects of
    # round 2, then the mean over the instansi's participants.
    rows = sesi.penilaian(2)
    rows = rows[rows["butir"].isin(list(ASPEK_BERAKHLAK))]
    gap = rows["skor"] - [
        int(key[(k, b)]) for k, b in zip(rows["kode_vinyet"], rows["butir"], strict=True)
    ]
    person = (
        rows.assign(tepat=gap.eq(0), beda=gap)
        .groupby(["instansi", "id_peserta"])[["tepat", "beda"]]
        .mean()
        .groupby("instansi")
        .agg(n=("tepat", "size"), tepat=("tepat", "mean"), beda=("beda", "mean"))
    )
    assert person.loc["Puskesmas Depok", "n"] == 2 and (person["n"] == 3).sum() == 5
    start = page.index("<table class='kelompok' id='instansi-2'>")
    shown = page[start : page.index("</table>", start)]
    assert "<caption>Per instansi (aspek)</caption>" in shown
    for name, r in person[person["n"] >= 3].iterrows():
        cells = (name, "3", persen(r["tepat"], 0), desimal(r["beda"], 2, tanda=True))
        assert "<tr>" + "".join(f"<td>{escape_text(c)}</td>" for c in cells) + "</tr>" in shown
    assert "Puskesmas" not in shown and "lainnya" not in shown  # 2 < 3: not shown at all
    assert shown.count("<tr><td>") == 5
    # The wilayah view keeps them: Kab. Sleman has 3 + 2 participants in round 2.
    start = page.index("<table class='kelompok' id='wilayah-2'>")
    sleman = f"<tr><td>{escape_text('Kab. Sleman')}</td><td>5</td>"
    assert sleman in page[start : page.index("</table>", start)]


class _Browser:
    """HTTP keeping the ``_xsrf`` cookie, as a participant's browser does."""

    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8")
        cookie = resp.getheader("Set-Cookie")
        if cookie and cookie.startswith("_xsrf="):
            self.cookie = cookie.split(";", 1)[0]
        out = resp.status, text, resp.getheader("Location") or ""
        conn.close()
        return out


def _wait_in_thread(port: int, path: str) -> tuple[threading.Thread, dict]:
    answer: dict = {}

    def run():
        answer["status"], answer["versi"], answer["body"] = _fetch_long(port, path)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answer


def _fetch_long(port: int, path: str) -> tuple[int, str, str]:
    """Status, ``X-Versi`` header and body (no time limit that matters: 120 s)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    response = conn.getresponse()
    out = response.status, response.getheader("X-Versi"), response.read().decode("utf-8")
    conn.close()
    return out


def test_long_poll_wakes_on_a_submission_and_returns_it(tmp_path, bank):
    sesi = Sesi.buat(tmp_path, "Kelas uji", kode_vinyet=CODES, ronde=2, bank=bank)
    # A fingerprint check once an hour: only the submission's own wake-up can answer.
    with _serving(sesi, bank=bank, tunggu=3600, periksa=3600) as (_url, port):
        client = _Browser(port)
        page = client.request("GET", "/daftar")[1]
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
        person = {"nama": "Peserta Dorong", "instansi": "RSUD", "wilayah": "Kota Malang"}
        personal = client.request("POST", "/daftar", {"_xsrf": xsrf, **person})[2]
        token = sesi.token_pelatih
        _status, before, dashboard = _fetch_long(port, f"/pelatih?token={token}")
        assert before == sesi.versi() and f'v="{before}"' in dashboard  # the script's start
        row = "<tr><td>Peserta Dorong</td><td>RSUD</td><td>Kota Malang</td><td>{}/2</td></tr>"
        assert row.format(0) in dashboard
        thread, answer = _wait_in_thread(port, f"/pelatih/tunggu?token={token}&versi={before}")
        form = {"_xsrf": xsrf, "kode_vinyet": "V01", "ronde": "1"}
        form |= {"hasil_kerja": RATING[1], "perilaku": RATING[1]}
        form |= dict.fromkeys(ASPEK_BERAKHLAK, "3")
        assert "Penilaian V01 tersimpan" in client.request("POST", personal, form)[1]
        thread.join()
    assert answer["status"] == 200 and answer["versi"] == sesi.versi() != before
    # The answer is the new dashboard body, showing the submission (no second request).
    assert row.format(1) in answer["body"] and row.format(0) not in answer["body"]
    assert answer["body"].startswith("<h1>Dasbor pelatih: Kelas uji</h1>")


def test_long_poll_sees_writes_from_elsewhere_and_needs_the_token(tmp_path, bank):
    sesi = Sesi.buat(tmp_path, "Kelas uji", kode_vinyet=CODES, ronde=2, bank=bank)
    with _serving(sesi, bank=bank, tunggu=3600, periksa=0.2) as (_url, port):
        assert _get(port, "/pelatih/tunggu") == 403
        assert _get(port, "/pelatih/tunggu?token=salah&versi=x") == 403
        path = f"/pelatih/tunggu?token={sesi.token_pelatih}&versi={sesi.versi()}"
        thread, answer = _wait_in_thread(port, path)
        sesi.tutup_ronde(1)  # another process's write: no wake-up, the fingerprint check sees it
        thread.join()
    assert (answer["status"], answer["versi"]) == (200, sesi.versi())
    assert "Ronde aktif: –" in answer["body"] and "<button>Buka ronde 2</button>" in answer["body"]


def test_long_poll_answers_nothing_new_when_nothing_changes(tmp_path, bank):
    sesi = Sesi.buat(tmp_path, "Kelas uji", kode_vinyet=CODES, ronde=2, bank=bank)
    with _serving(sesi, bank=bank, tunggu=0.3, periksa=0.1) as (_url, port):
        base = f"/pelatih/tunggu?token={sesi.token_pelatih}&versi="
        status, versi, body = _fetch_long(port, base + "lama")
        assert (status, versi) == (200, sesi.versi()) and "id='ringkas'" in body  # at once
        status, again, body = _fetch_long(port, base + versi)
    assert (status, again, body) == (200, versi, "")  # unchanged: after the hold, no body


def test_dashboard_script_is_the_only_one_and_nonced(served):
    sesi, _url, port = served
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/pelatih?token={sesi.token_pelatih}")
    resp = conn.getresponse()
    page, csp = resp.read().decode(), resp.getheader("Content-Security-Policy")
    conn.close()
    nonce = re.search(r"script-src 'nonce-([A-Za-z0-9_-]+)'; connect-src 'self'", csp).group(1)
    assert page.count("<script") == 1 and f'<script nonce="{nonce}">' in page
    assert '<noscript><meta http-equiv="refresh" content="1"></noscript>' in page
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/daftar")
    assert "script-src 'none'" in conn.getresponse().getheader("Content-Security-Policy")
    conn.close()


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
