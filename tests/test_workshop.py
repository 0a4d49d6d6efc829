"""Workshop: environment check, Voila command, and the dashboard driven in a real browser."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import kinerja_calib as kc
from kinerja_calib import workshop


def test_cek_lingkungan_reports_every_runtime_dependency_as_ok():
    cek = workshop.cek_lingkungan()
    assert list(cek.columns) == ["paket", "dibutuhkan", "terpasang", "status", "saran"]
    assert {"pandas", "papermill", "voila", "ipywidgets"} <= set(cek["paket"])
    assert (cek["status"] == "OK").all(), cek[cek["status"] != "OK"]


def test_cek_lingkungan_names_missing_and_mismatched_packages(monkeypatch):
    fake = [Requirement("paket-yang-tidak-ada>=1"), Requirement("pandas<1")]
    monkeypatch.setattr(workshop, "_requirements", lambda: fake)
    cek = workshop.cek_lingkungan().set_index("paket")
    assert cek.loc["paket-yang-tidak-ada", "status"] == "BELUM TERPASANG"
    assert "jalankan.py siapkan" in cek.loc["paket-yang-tidak-ada", "saran"]
    assert cek.loc["pandas", "status"] == "VERSI TIDAK COCOK"
    assert cek.loc["pandas", "saran"] == 'pip install "pandas<1"'


def test_voila_command_serves_the_dashboard_locally():
    cmd = workshop._voila_command(port=9999, open_browser=False)
    assert cmd[:3] == [sys.executable, "-m", "kinerja_calib._voila"]
    assert Path(cmd[3]).name == workshop.DASBOR and Path(cmd[3]).exists()
    assert "--port=9999" in cmd and "--no-browser" in cmd and "--Voila.ip=127.0.0.1" in cmd


def test_cli_help_is_indonesian():
    out = subprocess.run(
        [sys.executable, "-m", "kinerja_calib.cli", "workshop", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "jangan buka peramban otomatis" in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium() -> str | None:
    return os.environ.get("KINERJA_CALIB_CHROMIUM") or shutil.which("chromium")


@pytest.fixture
def voila_server(tmp_path):
    port = _free_port()
    log = (tmp_path / "voila.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kinerja_calib.cli", "workshop", f"--port={port}", "--no-browser"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    try:
        yield url, proc
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()


@pytest.mark.slow
@pytest.mark.browser
def test_dashboard_in_headless_chromium(voila_server, tmp_path):
    """Open the Voila dashboard, move a slider, and see the figure change (offline)."""
    chromium = _chromium()
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium tidak ditemukan di CI: jalankan lewat `python3 jalankan.py uji`.")
        pytest.skip("Chromium tidak terpasang (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    url, proc = voila_server
    assert proc.poll() is None, (tmp_path / "voila.log").read_text()
    blocked: list[str] = []

    def offline(route):
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:")):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 2200})
        page.route("**/*", offline)
        page.goto(url, timeout=180_000)
        slider = page.locator(".widget-slider .noUi-handle").first
        slider.wait_for(timeout=180_000)
        figure = page.locator(".widget-output img").first
        figure.wait_for(timeout=120_000)
        before = figure.get_attribute("src")
        slider.focus()
        for _ in range(5):
            slider.press("ArrowRight")
        page.wait_for_function(
            "(before) => { const img = document.querySelector('.widget-output img');"
            " return img && img.getAttribute('src') !== before; }",
            arg=before,
            timeout=60_000,
        )
        shot = tmp_path / "dasbor_workshop.png"
        page.screenshot(path=str(shot), full_page=True)
        text = page.inner_text("body")
        browser.close()

    assert shot.stat().st_size > 10_000
    assert "Simulator bias penilai" in text
    assert "def " not in text and "import kinerja_calib" not in text  # no code shown
    # The page works with every non-local request refused (offline workshop room).
    assert all("127.0.0.1" not in u for u in blocked)
    print(f"tangkapan layar: {shot}")


def test_dashboard_notebook_has_a_literal_parameters_cell():
    import nbformat

    nb = nbformat.read(workshop.folder_notebook() / workshop.DASBOR, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    code = [ln for ln in params[0].source.splitlines() if ln.strip() and not ln.startswith("#")]
    assert code and all("(" not in ln and "kc." not in ln for ln in code), code
    assert kc.workshop.DASBOR == "workshop_dasbor.ipynb"


def test_voila_executor_gets_the_fixed_output_widget():
    # The dashboard is served by `python -m kinerja_calib._voila`, which patches nbclient's
    # Output-widget stand-in before Voila starts: Voila's executor has no cell time-out, so a
    # reply lost after the widget's echo left the page loading for ever (kinerja_calib._nbclient).
    import nbclient.client as nbc
    import nbformat
    from voila.execute import VoilaExecutor

    from kinerja_calib import _nbclient

    original = nbc.OutputWidget
    try:
        assert _nbclient.patch_output_widgets()
        executor = VoilaExecutor(nbformat.v4.new_notebook())
        cls = executor.widget_registry["@jupyter-widgets/output"]["OutputModel"]
        assert cls is _nbclient.output_widget_class()
        assert issubclass(cls, original) and cls is not original
    finally:
        nbc.OutputWidget = original
    assert (
        VoilaExecutor(nbformat.v4.new_notebook()).widget_registry["@jupyter-widgets/output"][
            "OutputModel"
        ]
        is original
    )
