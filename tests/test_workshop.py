"""Workshop: environment check, Voila command, and the dashboard driven in a real browser."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from packaging.requirements import Requirement

import kinerja_calib as kc
from kinerja_calib import workshop


def test_cek_lingkungan_reports_every_runtime_dependency_as_ok():
    cek = workshop.check_environment()
    assert list(cek.columns) == ["paket", "dibutuhkan", "terpasang", "status", "saran"]
    assert {"pandas", "papermill", "voila", "ipywidgets"} <= set(cek["paket"])
    assert (cek["status"] == "OK").all(), cek[cek["status"] != "OK"]


def test_cek_lingkungan_names_missing_and_mismatched_packages(monkeypatch):
    fake = [Requirement("paket-yang-tidak-ada>=1"), Requirement("pandas<1")]
    monkeypatch.setattr(workshop, "_requirements", lambda: fake)
    cek = workshop.check_environment().set_index("paket")
    assert cek.loc["paket-yang-tidak-ada", "status"] == "BELUM TERPASANG"
    assert "jalankan.py siapkan" in cek.loc["paket-yang-tidak-ada", "saran"]
    assert cek.loc["pandas", "status"] == "VERSI TIDAK COCOK"
    assert cek.loc["pandas", "saran"] == 'pip install "pandas<1"'


def test_voila_command_serves_the_dashboard_locally_with_a_capped_culled_kernel_pool():
    cmd = workshop._voila_command(port=9999, open_browser=False)
    assert cmd[:3] == [sys.executable, "-m", "kinerja_calib._voila"]
    assert Path(cmd[3]).name == workshop.DASBOR and Path(cmd[3]).exists()
    assert "--port=9999" in cmd and "--no-browser" in cmd and "--Voila.ip=127.0.0.1" in cmd
    assert not any("token" in part.lower() for part in cmd)  # the token travels in the env
    assert (
        "--VoilaConfiguration.multi_kernel_manager_class="
        "kinerja_calib._voila.WorkshopKernelManager" in cmd
    )
    assert "--WorkshopKernelManager.max_kernels=40" in cmd
    assert "--MappingKernelManager.cull_idle_timeout=1200" in cmd  # 20 minutes
    assert "--MappingKernelManager.cull_interval=60" in cmd
    assert "--MappingKernelManager.cull_connected=False" in cmd  # an open page keeps its kernel
    small = workshop._voila_command(9999, False, maks_kernel=3, menganggur_menit=0.1)
    assert "--WorkshopKernelManager.max_kernels=3" in small
    assert "--MappingKernelManager.cull_idle_timeout=6" in small
    assert "--MappingKernelManager.cull_interval=3" in small


def test_cli_help_is_indonesian_and_ties_the_lan_option_to_the_token():
    out = subprocess.run(
        [sys.executable, "-m", "kinerja_calib.cli", "workshop", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "jangan buka peramban otomatis" in out
    assert "--ip" in out and "tetap mewajibkan token" in " ".join(out.split())
    assert "--maks-kernel" in out and "--batas-menganggur" in out


def test_cli_defaults_are_the_workshop_defaults():
    from kinerja_calib.cli import _build_parser

    args = _build_parser().parse_args(["workshop"])
    assert args.ip == "127.0.0.1" and args.port == 8866
    assert args.maks_kernel == workshop.MAKS_KERNEL == 40
    assert args.batas_menganggur == workshop.MENGANGGUR_MENIT == 20.0


@pytest.mark.parametrize(
    ("argv", "pesan"),
    [
        (["--ip", "0.0.0.0"], "semua jaringan"),
        (["--ip", "::"], "semua jaringan"),
        (["--ip", "laptop-instruktur.local"], "bukan alamat IP"),
        (["--ip", "203.0.113.7"], "harus alamat laptop ini"),  # not an address of this machine
        (["--maks-kernel", "0"], "--maks-kernel harus 1 atau lebih"),
        (["--batas-menganggur", "0"], "--batas-menganggur harus lebih dari 0"),
    ],
)
def test_workshop_refuses_a_bad_address_or_limit_in_indonesian(argv, pesan):
    res = subprocess.run(
        [sys.executable, "-m", "kinerja_calib.cli", "workshop", "--no-browser", *argv],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 1, res.stdout + res.stderr
    assert res.stderr.startswith("galat: ") and pesan in res.stderr
    assert "Traceback" not in res.stderr and "token=" not in res.stdout


def test_workshop_refuses_a_port_in_use():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        res = subprocess.run(
            [
                sys.executable,
                "-m",
                "kinerja_calib.cli",
                "workshop",
                "--no-browser",
                f"--port={port}",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert res.returncode == 1 and f"port {port}" in res.stderr and "--port" in res.stderr


def test_allowed_host_names_and_parent_env_name():
    from kinerja_calib import _voila

    assert _voila.allowed_host_names("127.0.0.1") == ["127.0.0.1", "localhost"]
    assert _voila.allowed_host_names("192.168.1.10") == ["192.168.1.10"]
    assert _voila.allowed_host_names("::1") == ["[::1]", "localhost"]
    assert _voila.ENV_INDUK == workshop.ENV_INDUK


# --- the running server ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie awaiting its reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _wait_until(predicate, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for: {what}")


class Workshop:
    """A ``kinerja-calib workshop`` process started for a test, and how to reach it."""

    def __init__(self, tmp_path: Path, *args: str):
        self.port = _free_port()
        self.log_path = tmp_path / f"workshop-{self.port}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kinerja_calib.cli", "workshop", f"--port={self.port}"]
            + ["--no-browser", *args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.url = _wait_until(self._printed_url, "the URL line")
        self.token = self.url.split("?token=", 1)[1]
        self.voila = _wait_until(lambda: _children(self.proc.pid), "Voila")[0]

        def listening():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
            except OSError:
                assert self.proc.poll() is None, self.log()
                return False
            return True

        _wait_until(listening, "Voila listening", 120)

    def _printed_url(self) -> str | None:
        assert self.proc.poll() is None, self.log()
        for line in self.log().splitlines():
            if line.startswith("Dasbor workshop: "):
                return line.split(": ", 1)[1].strip()
        return None

    def log(self) -> str:
        return self.log_path.read_text()

    def kernels(self) -> list[int]:
        return _children(self.voila)

    def get(self, path: str, headers: dict[str, str] | None = None, limit: float = 300.0):
        """GET without following redirects; return (status, headers, body text).

        The whole response must arrive within ``limit`` seconds: Voila streams the page while
        the kernel starts, and when the kernel never answers (seen on an overloaded machine)
        it leaves the chunked response open — the test fails with the server log instead of
        hanging the suite.
        """
        deadline = time.monotonic() + limit
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=headers or {})
            res = conn.getresponse()
            body = bytearray()
            while chunk := self._read_some(res, deadline):
                body += chunk
            return res.status, res.headers, body.decode("utf-8", "replace")
        finally:
            conn.close()

    def _read_some(self, res: http.client.HTTPResponse, deadline: float) -> bytes:
        while True:
            if time.monotonic() > deadline:
                pytest.fail(f"no complete answer from the workshop server:\n{self.log()[-3000:]}")
            try:
                return res.read1(65536)
            except TimeoutError:
                continue

    def open_dashboard(self) -> tuple[str, str]:
        """Load the dashboard with the token; return (kernel id, login cookie)."""
        status, headers, body = self.get(f"/?token={self.token}")
        assert status == 200, (status, body[:500])
        assert "Simulator bias penilai" in body
        cookies = [c.split(";", 1)[0] for c in headers.get_all("Set-Cookie", [])]
        cookie = next(c for c in cookies if c.startswith("username-"))
        return re.search(r'"kernelId": "([0-9a-f-]{36})"', body).group(1), cookie

    def websocket(self, kernel_id: str, *, cookie: str, origin: str, host=None, token=False):
        """Open the kernel websocket; return the connection or the refusal's HTTP status."""
        import websocket  # websocket-client, a jupyter_server dependency

        url = f"ws://127.0.0.1:{self.port}/api/kernels/{kernel_id}/channels"
        if token:
            url += f"?token={self.token}"
        extra = {"host": host} if host else {}
        try:
            return websocket.create_connection(
                url, header=[f"Cookie: {cookie}"], origin=origin, timeout=30, **extra
            )
        except websocket.WebSocketBadStatusException as err:
            return err.status_code

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for pid in [self.voila, *self.kernels()]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        self._log.close()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """One server with a cap of one kernel and a 6-second idle cull, shared by the checks."""
    server = Workshop(
        tmp_path_factory.mktemp("workshop"), "--maks-kernel=1", "--batas-menganggur=0.1"
    )
    try:
        yield server
    finally:
        server.close()


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")


@linux_only
def test_printed_url_carries_a_fresh_random_token(guarded, tmp_path):
    assert guarded.url == f"http://127.0.0.1:{guarded.port}/?token={guarded.token}"
    assert len(guarded.token) >= 40
    assert guarded.token not in Path(f"/proc/{guarded.voila}/cmdline").read_text()
    assert guarded.token not in guarded.log().split(guarded.url, 1)[1]  # not logged again


@linux_only
def test_requests_without_the_token_get_no_content(guarded):
    for path in ["/", "/?token=salah", "/voila/static/voila.js", "/voila/files/logo.png"]:
        status, headers, body = guarded.get(path)
        assert status == 302 and headers["Location"].startswith("/login"), (path, status)
        assert "Simulator" not in body and "voila" not in body.lower()
    status, _, body = guarded.get("/api/kernels/" + "0" * 8 + "-0000-0000-0000-" + "0" * 12)
    assert status == 403
    status, _, body = guarded.get("/login")  # the only page open to all: a token form
    assert status == 200 and "Simulator" not in body and "tempel tokennya" in body
    assert guarded.kernels() == []  # no request without the token started a kernel


@linux_only
def test_login_form_takes_the_token_and_nothing_else(guarded):
    status, headers, body = guarded.get("/login")
    xsrf_cookie = next(
        c.split(";", 1)[0] for c in headers.get_all("Set-Cookie") if c.startswith("_xsrf=")
    )
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', body).group(1)
    assert "new_password" not in body and "Setup a Password" not in body

    def post(fields: dict[str, str]):
        conn = http.client.HTTPConnection("127.0.0.1", guarded.port, timeout=60)
        try:
            form = urllib.parse.urlencode({"_xsrf": xsrf, **fields})
            conn.request(
                "POST",
                "/login?next=%2Fvoila%2Fstatic%2Fvoila.js",
                body=form,
                headers={
                    "Cookie": xsrf_cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            res = conn.getresponse()
            return res.status, res.headers, res.read().decode()
        finally:
            conn.close()

    for wrong in ["", "salah", guarded.token[:-1]]:
        status, headers, body = post({"password": wrong})
        assert status == 401 and "Token salah" in body
        assert not any(c.startswith("username-") for c in headers.get_all("Set-Cookie") or [])
    # a token holder cannot turn the token into a password (jupyter_server would write
    # jupyter_server_config.json into the working directory, here notebooks/)
    config = workshop.folder_notebook() / "jupyter_server_config.json"
    status, headers, _ = post({"password": guarded.token, "new_password": "rahasia"})
    assert status == 302 and headers["Location"] == "/voila/static/voila.js"
    assert not config.exists()
    assert post({"password": "rahasia"})[0] == 401
    login = next(c for c in headers.get_all("Set-Cookie") if c.startswith("username-"))
    status, _, _ = guarded.get("/voila/static/voila.js", {"Cookie": login.split(";", 1)[0]})
    assert status == 200


@linux_only
@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil"])
def test_a_foreign_host_header_is_refused_even_with_the_token(guarded, host):
    # a DNS-rebinding page at evil.example reaches 127.0.0.1 with its own name as Host
    for path in [f"/?token={guarded.token}", "/voila/static/voila.js", "/login"]:
        status, _, body = guarded.get(path, {"Host": f"{host}:{guarded.port}"})
        assert status == 403 and "Ditolak" in body and "Simulator" not in body
    assert guarded.kernels() == []


@linux_only
def test_token_page_origin_checked_websocket_and_capped_culled_kernels(guarded):
    """Token -> dashboard; websocket only from this origin; cap of 1; idle kernel culled."""
    kernel_id, cookie = guarded.open_dashboard()
    assert len(guarded.kernels()) == 1
    same = f"http://127.0.0.1:{guarded.port}"
    ws = guarded.websocket(kernel_id, cookie=cookie, origin=same)
    assert not isinstance(ws, int), ws
    try:
        # a page elsewhere riding the participant's cookie, even with the token, cannot connect
        assert guarded.websocket(kernel_id, cookie=cookie, origin="http://evil.example") == 403
        evil = guarded.websocket(kernel_id, cookie=cookie, origin="http://evil.example", token=True)
        assert evil == 403
        rebound = guarded.websocket(
            kernel_id,
            cookie=cookie,
            origin=f"http://evil.example:{guarded.port}",
            host=f"evil.example:{guarded.port}",
        )
        assert rebound == 403
        # the page is open (websocket connected): a second session is over the cap of 1
        status, _, body = guarded.get(f"/?token={guarded.token}")
        assert status == 503 and "Server workshop penuh: 1 sesi dasbor" in body
        assert "Simulator" not in body and len(guarded.kernels()) == 1
    finally:
        ws.close()
    # page closed: the idle kernel is culled (6 s) and a new session fits again
    status, _, _ = guarded.get(f"/api/kernels/{kernel_id}", {"Cookie": cookie})
    assert status == 200
    _wait_until(
        lambda: guarded.get(f"/api/kernels/{kernel_id}", {"Cookie": cookie})[0] == 404,
        "the idle kernel to be culled",
    )
    _wait_until(lambda: guarded.kernels() == [], "the culled kernel process to exit")
    guarded.open_dashboard()
    assert len(guarded.kernels()) == 1
    assert "Culling 'idle' kernel" in guarded.log()


@linux_only
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_cli_stops_voila_and_its_kernels(tmp_path, sig):
    server = Workshop(tmp_path)
    try:
        if sig == signal.SIGTERM:  # one kernel is enough to show kernels go too
            server.open_dashboard()
            assert len(server.kernels()) == 1
        kernels = server.kernels()
        server.proc.send_signal(sig)  # what Ctrl+C (SIGINT) or a service stop (SIGTERM) does
        assert server.proc.wait(timeout=60) == 0, server.log()
        for pid in [server.voila, *kernels]:
            _wait_until(lambda pid=pid: not _alive(pid), f"process {pid} to exit")
        _wait_until(lambda: _port_free(server.port), "the port to be free")
    finally:
        server.close()


@linux_only
def test_killing_the_cli_outright_takes_voila_and_its_kernels_down(tmp_path):
    server = Workshop(tmp_path)
    try:
        server.open_dashboard()
        kernels = server.kernels()
        assert len(kernels) == 1
        server.proc.kill()  # SIGKILL: no handler runs; PR_SET_PDEATHSIG must do it
        server.proc.wait(timeout=30)
        for pid in [server.voila, *kernels]:
            _wait_until(lambda pid=pid: not _alive(pid), f"process {pid} to exit")
        _wait_until(lambda: _port_free(server.port), "the port to be free")
    finally:
        server.close()


_STUBBORN = """
import signal, sys, time
from pathlib import Path
from kinerja_calib.workshop import run_child

child = [sys.executable, "-c", "import signal, time\\n"
         "signal.signal(signal.SIGTERM, signal.SIG_IGN)\\nprint('siap', flush=True)\\n"
         "time.sleep(600)"]
sys.exit(run_child(child, cwd=Path.cwd(), env=None, grace_s=1.0))
"""


@linux_only
def test_run_child_kills_a_child_that_ignores_the_stop_signal(tmp_path):
    # a server stuck in its shutdown must not outlive the CLI: after the grace period the
    # whole process group is killed
    log = (tmp_path / "out.txt").open("w")
    cli = subprocess.Popen(
        [sys.executable, "-c", _STUBBORN], stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path
    )
    child = None
    try:
        _wait_until(lambda: "siap" in (tmp_path / "out.txt").read_text(), "the child")
        (child,) = _children(cli.pid)
        cli.send_signal(signal.SIGTERM)
        assert cli.wait(timeout=60) == 128 + signal.SIGKILL
        _wait_until(lambda: not _alive(child), "the stubborn child to be killed")
    finally:
        if cli.poll() is None:
            cli.kill()
        if child is not None and _alive(child):
            os.kill(child, signal.SIGKILL)
        log.close()


def _chromium() -> str | None:
    return os.environ.get("KINERJA_CALIB_CHROMIUM") or shutil.which("chromium")


@pytest.fixture
def voila_server(tmp_path):
    server = Workshop(tmp_path)
    try:
        yield server.url, server.proc
    finally:
        server.close()


#: Hosts the workshop page may talk to: the server itself, on this machine.
_LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


def _off_machine(url: str) -> bool:
    """True for a request that would leave this machine (anything but loopback or inline)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return False
    return (parts.hostname or "") not in _LOOPBACK


def test_off_machine_sorts_requests():
    assert not _off_machine("http://127.0.0.1:8866/voila/static/voila.js")
    assert not _off_machine("ws://localhost:8866/api/kernels/x/channels")
    assert not _off_machine("data:image/png;base64,AAAA")
    assert _off_machine(
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css"
    )
    assert _off_machine("http://127.0.0.1.evil.example/x") and _off_machine("file:///etc/passwd")


def test_dashboard_page_template_has_no_link_to_the_internet():
    """The page template Voila renders for the workshop (ours first on the path) links no CDN;
    Voila's own lab template does (which is why ours exists)."""
    from voila.paths import collect_template_paths

    from kinerja_calib import _voila

    ours = (_voila.TEMPLAT / "index.html.j2").read_text()
    assert "extends 'lab/index.html.j2'" in ours and "super.super()" in ours
    assert not re.search(r"https?://", ours.split("-#}", 1)[1])
    voila_lab = next(
        Path(p) / "index.html.j2"
        for p in collect_template_paths(["voila"], "lab", prune=True)
        if (Path(p) / "index.html.j2").is_file()
    )
    assert "cdn.jsdelivr.net" in voila_lab.read_text()  # what the workshop must not serve


def _screenshot_folder(tmp_path: Path) -> Path:
    """Where the browser tests save their screenshots: ``KINERJA_CALIB_TANGKAPAN`` or tmp."""
    folder = Path(os.environ.get("KINERJA_CALIB_TANGKAPAN") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_PANEL_360 = """() => {
    const panels = Array.from(document.querySelectorAll('.widget-vbox')).filter(
        v => v.innerText.includes('Geser bobot tiap sumber umpan balik'));
    const panel = panels[panels.length - 1];
    if (!panel) return null;
    const sliders = Array.from(panel.querySelectorAll('.widget-slider')).map(s => [
        s.querySelector('.widget-label').innerText.trim(),
        s.querySelector('.widget-readout').innerText.trim()]);
    return {sliders, text: panel.innerText};
}"""


@pytest.mark.slow
@pytest.mark.browser
def test_dashboard_in_headless_chromium(voila_server, tmp_path):
    """Open the Voila dashboard, move a slider, and see the figure change — offline: every
    request the page makes is recorded and none may go to a host other than this machine.
    The 360 weight panel starts at the rules' weights in the regulation's order and says what
    its predikat chart shows. Saves a screenshot (``dasbor_workshop.png``)."""
    chromium = _chromium()
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium tidak ditemukan di CI: jalankan lewat `python3 jalankan.py uji`.")
        pytest.skip("Chromium tidak terpasang (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    url, proc = voila_server
    assert proc.poll() is None
    attempted: list[str] = []  # every request the page tried, wherever it went
    refused: list[str] = []

    def record(request):
        attempted.append(request.url)

    def offline(route):
        if _off_machine(route.request.url):
            refused.append(route.request.url)
            return route.abort()
        return route.continue_()

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
                # a second wall: any name but loopback does not even resolve
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
            ],
        )
        # tall enough for the whole dashboard: Voila's page scrolls inside its own container,
        # so a full-page screenshot is only as tall as the window
        context = browser.new_context(viewport={"width": 1280, "height": 1700})
        context.on("request", record)
        context.route("**/*", offline)
        page = context.new_page()
        page.on("websocket", lambda ws: attempted.append(ws.url))
        page.goto(url, timeout=180_000)
        slider = page.locator(".widget-slider .noUi-handle").first
        slider.wait_for(timeout=180_000)
        figure = page.locator(".widget-output img").first
        figure.wait_for(timeout=120_000)
        page.wait_for_function(
            "() => document.querySelectorAll('.widget-output img').length >= 2", timeout=180_000
        )
        panel = page.evaluate(_PANEL_360)
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
        page.wait_for_timeout(1500)  # late requests (fonts, lazy scripts) get recorded too
        shot = _screenshot_folder(tmp_path) / "dasbor_workshop.png"
        page.screenshot(path=str(shot), full_page=True)
        text = page.inner_text("body")
        context.close()
        browser.close()

    assert shot.stat().st_size > 10_000
    assert "Simulator bias penilai" in text
    assert "def " not in text and "import kinerja_calib" not in text  # no code shown
    # No request leaves the machine: none attempted (so none refused), and the page still
    # worked (it loaded its own scripts and opened the kernel websocket on loopback).
    assert [u for u in attempted if _off_machine(u)] == [] and refused == [], refused
    assert any("/api/kernels/" in u and u.startswith("ws://127.0.0.1") for u in attempted)
    # 360 weights: the rules file's bobot_peran, in the regulation's order
    bobot = kc.rules.load("permenpanrb-6-2022")["bobot_peran"]
    urutan = [r for r in kc.labels.PERAN_PENILAI if r != "diri"]
    expected = [[kc.labels.NAMA_PERAN[r], str(round(100 * bobot[r]))] for r in urutan]
    assert panel is not None and panel["sliders"] == expected
    assert "Batang menunjukkan predikat lengkap" in panel["text"]
    print(f"tangkapan layar: {shot}")


@pytest.fixture(scope="module")
def penilaian_360():
    """A small simulated 360 table with every role (seeded)."""
    sim = kc.simulate.simulate_ratings(kc.simulate.Scenario(n_pegawai=300), seed=7)
    return sim.ratings


def test_360_weight_sliders_start_at_the_rules_weights_in_the_regulations_order(
    penilaian_360,
):
    from kinerja_calib.widgets import calibrate as panel

    w = panel.panel_bobot_360(penilaian_360)
    bobot = kc.rules.load("permenpanrb-6-2022")["bobot_peran"]
    assert list(w.sliders) == ["atasan", "rekan", "bawahan", "pengguna_layanan"]
    assert {r: s.value for r, s in w.sliders.items()} == {
        r: round(100 * bobot[r]) for r in w.sliders
    }
    total = sum(bobot[r] for r in w.sliders)
    assert w.hasil["bobot"]["atasan"] == pytest.approx(bobot["atasan"] / total)
    # read from the rules, not written in the widget: another rules file, other start
    lain = kc.rules.load("permenpanrb-6-2022", overrides={"bobot_peran.atasan": 0.7})
    w2 = panel.panel_bobot_360(penilaian_360, rules=lain)
    assert w2.sliders["atasan"].value == 70 and w2.sliders["rekan"].value == 20
    # the status line reads Indonesian numbers
    status = w.children[len(w.sliders) + 1].value
    assert "Atasan 40 %" in status and re.search(r"reliabilitas komposit <b>0,\d\d</b>", status)


def test_360_predikat_chart_says_what_it_shows(penilaian_360):
    from kinerja_calib.widgets import calibrate as panel

    tanpa = panel.panel_bobot_360(penilaian_360)
    kalimat = tanpa.children[-1].value
    assert "hasil kerja semua pegawai dianggap" in kalimat
    assert "Kurang/Misconduct dan Baik" in kalimat  # the two a "Sesuai" hasil kerja allows
    assert set(tanpa.hasil["predikat"].dropna().astype(str)) <= {"Kurang/Misconduct", "Baik"}
    nips = tanpa.hasil["skor"].index
    hk = pd.Series(
        np.random.default_rng(3).choice(list(kc.labels.RATING), len(nips)), index=nips
    ).iloc[:-5]  # five pegawai without a hasil kerja rating
    lengkap = panel.panel_bobot_360(penilaian_360, hasil_kerja=hk)
    kalimat = lengkap.children[-1].value
    assert "predikat lengkap" in kalimat and "5 pegawai tanpa rating hasil kerja" in kalimat
    assert set(lengkap.hasil["predikat"].dropna().astype(str)) == set(kc.labels.PREDIKAT)


def test_widgets_use_no_icon_font():
    """Buttons with a Font Awesome icon would need the icon font (from a CDN in Voila)."""
    folder = Path(kc.__file__).parent / "widgets"
    assert not [p.name for p in folder.glob("*.py") if re.search(r"\bicon\s*=", p.read_text())]


def test_workshop_server_refuses_template_overrides(tmp_path):
    """?template=classic would bring Voila's CDN Font Awesome back: the server refuses it."""
    from voila.configuration import VoilaConfiguration

    from kinerja_calib import _voila

    app = _voila.WorkshopVoila()
    app.voila_configuration = VoilaConfiguration(parent=app)
    app.notebook_path = str(workshop.folder_notebook() / workshop.DASBOR)
    app.setup_template_dirs()
    assert app.template_paths[0] == str(_voila.TEMPLAT)
    assert app.voila_configuration.allow_template_override == "NO"


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
