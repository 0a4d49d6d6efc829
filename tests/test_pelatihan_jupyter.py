"""The training session's pages as a Jupyter Server extension, on a real ``jupyter server``."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import nbformat
import pytest
from tornado import web
from traitlets.config import Config, Configurable

from kinerja_calib._escape import escape_text
from kinerja_calib.labels import ASPEK_BERAKHLAK, RATING
from kinerja_calib.pelatihan import Sesi, load_bank
from kinerja_calib.pelatihan.cli import jupyter_command
from kinerja_calib.pelatihan.jupyter import CONFIG_FILE, ENV, mount

CODES = ["V01", "V03"]
BASE = "/kc/"  # a non-root base_url: every link of the pages must carry it
JUPYTER_TOKEN = "token-jupyter-uji"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Client:
    """HTTP against the server, keeping the ``_xsrf`` cookie like a browser."""

    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def request(self, method, path, form=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        head = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookie:
            head["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urlencode(form)
            head["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=head)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8")
        cookie = resp.getheader("Set-Cookie")
        if cookie and cookie.startswith("_xsrf="):
            self.cookie = cookie.split(";", 1)[0]
        status, location = resp.status, resp.getheader("Location")
        conn.close()
        return status, text, location

    def post(self, path, form, origin=True, **kw):
        headers = {"Origin": f"http://127.0.0.1:{self.port}"} if origin else {}
        return self.request("POST", path, form=form, headers=headers, **kw)


def _xsrf(page: str) -> str:
    return re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    """A real ``jupyter server`` with the extension enabled by the shipped config file."""
    tmp = tmp_path_factory.mktemp("pelatihan-jupyter")
    sesi = Sesi.buat(tmp / "sesi", "Kelas di Jupyter", kode_vinyet=CODES, ronde=2, bank=load_bank())
    port = _free_port()
    # The command `kinerja-calib pelatihan mulai --jupyter server` runs, plus test-only options.
    args = argparse.Namespace(
        db=str(tmp / "sesi"), sesi=sesi.kode_sesi, host="127.0.0.1", port=port, jupyter="server"
    )
    cmd, env = jupyter_command(args)
    assert cmd[3:5] == ["server", f"--config={CONFIG_FILE}"]
    env["JUPYTER_RUNTIME_DIR"] = str(tmp / "runtime")
    env["JUPYTER_CONFIG_DIR"] = str(tmp / "config")  # no user config of this machine
    cmd += [
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={JUPYTER_TOKEN}",
        f"--ServerApp.base_url={BASE}",
        f"--ServerApp.root_dir={tmp}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (tmp / "jupyter.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    client = _Client(port)
    try:
        deadline = time.monotonic() + 120  # start-up limit, not an assertion on speed
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter server stopped:\n{(tmp / 'jupyter.log').read_text()}")
            try:
                if client.request("GET", f"{BASE}pelatihan/daftar")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter server not ready:\n{(tmp / 'jupyter.log').read_text()}")
            time.sleep(0.5)
        yield sesi, port, tmp / "jupyter.log"
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_join_rate_and_see_it_on_the_dashboard_through_jupyter_server(jupyter):
    sesi, port, log = jupyter
    client = _Client(port)
    root = f"{BASE}pelatihan"
    status, page, _ = client.request("GET", f"{root}/daftar")
    assert status == 200 and f"action='{root}/daftar'" in page
    person = {"nama": "Peserta Jupyter", "instansi": "BKPSDM", "wilayah": "Kab. Sleman"}
    # Without the XSRF token, or from another origin, joining is refused.
    assert client.post(f"{root}/daftar", person)[0] == 403
    xsrf = _xsrf(page)
    assert client.post(f"{root}/daftar", {**person, "_xsrf": xsrf})[0] == 302
    status, _, location = client.request(
        "POST",
        f"{root}/daftar",
        form={**person, "nama": "Dari luar", "_xsrf": xsrf},
        headers={"Origin": "http://evil.example"},
    )
    assert status == 403
    status, _, location = client.post(
        f"{root}/daftar", {**person, "nama": "Peserta Dua", "_xsrf": xsrf}
    )
    assert status == 302 and location.startswith(f"{root}/p/")

    status, page, _ = client.request("GET", location)
    assert status == 200 and "Peserta Dua" in page and "kasus-V01" in page
    rating = {
        "_xsrf": _xsrf(page),
        "kode_vinyet": "V01",
        "ronde": "1",
        "hasil_kerja": RATING[2],
        "perilaku": RATING[1],
        **dict.fromkeys(ASPEK_BERAKHLAK, "4"),
    }
    assert client.post(location, {**rating, "_xsrf": ""})[0] == 403
    status, page, _ = client.post(location, rating)
    assert status == 200 and "Penilaian V01 tersimpan" in page

    rows = sesi.penilaian(1).set_index("butir")  # stored through the Jupyter server
    assert set(rows["nama"]) == {"Peserta Dua"} and len(rows) == 2 + len(ASPEK_BERAKHLAK)
    assert rows.loc["rating_hasil_kerja", "skor"] == 3 and rows.loc["rating_perilaku", "skor"] == 2
    assert set(rows.loc[list(ASPEK_BERAKHLAK), "skor"]) == {4}
    status, dash, _ = client.request("GET", f"{root}/pelatih?token={sesi.token_pelatih}")
    assert status == 200
    row = "<td>{}</td><td>BKPSDM</td><td>{}</td><td>{}/2</td>"
    assert row.format("Peserta Dua", escape_text("Kab. Sleman"), 1) in dash
    assert row.format("Peserta Jupyter", escape_text("Kab. Sleman"), 0) in dash
    assert "Dari luar" not in dash
    assert client.request("GET", f"{root}/pelatih")[0] == 403
    assert client.request("GET", f"{root}/pelatih?token=salah")[0] == 403
    assert client.request("GET", f"{root}/pelatih?token={JUPYTER_TOKEN}")[0] == 403
    assert client.request("GET", f"{root}/daftar", headers={"Host": "evil.example"})[0] == 403
    assert f"{root}/daftar" in log.read_text()


def test_jupyter_and_voila_on_the_same_server_still_need_its_token(jupyter):
    _sesi, port, log = jupyter
    tmp = log.parent
    client = _Client(port)
    assert client.request("GET", f"{BASE}api/contents")[0] == 403
    status, body, _ = client.request(
        "GET", f"{BASE}api/contents", headers={"Authorization": f"token {JUPYTER_TOKEN}"}
    )
    assert status == 200 and json.loads(body)["type"] == "directory"
    # Voila's dashboards run on the same server (voila is a jupyter_server extension too).
    (tmp / "papan.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    voila = f"{BASE}voila/render/papan.ipynb"
    assert client.request("GET", voila)[0] in (302, 403)
    assert (
        client.request("GET", voila, headers={"Authorization": f"token {JUPYTER_TOKEN}"})[0] == 200
    )


class _FakeServerApp(Configurable):
    """Just what :func:`mount` reads of a ``ServerApp``."""

    def __init__(self, config, unauthenticated=True):
        super().__init__(config=config)
        import logging

        self.log = logging.getLogger("test_pelatihan_jupyter")
        self.web_app = web.Application(allow_unauthenticated_access=unauthenticated)
        self.base_url, self.ip, self.port, self.certfile = "/", "127.0.0.1", 8888, ""


def test_mount_reads_config_traits_before_the_environment(tmp_path, monkeypatch):
    sesi = Sesi.buat(tmp_path, "Kelas", kode_vinyet=CODES, ronde=2, bank=load_bank())
    for name in ENV.values():
        monkeypatch.delenv(name, raising=False)
    assert mount(_FakeServerApp(Config())) is None  # nothing configured: nothing mounted
    monkeypatch.setenv(ENV["db"], str(tmp_path / "tidak-ada"))
    monkeypatch.setenv(ENV["sesi"], sesi.kode_sesi)
    config = Config({"PelatihanJupyter": {"db": str(tmp_path), "host": "kelas.example"}})
    app = _FakeServerApp(config)
    assert mount(app) == "http://kelas.example:8888/pelatihan/daftar"
    assert mount(_FakeServerApp(config, unauthenticated=False)) is None


def test_shipped_config_enables_only_this_extension():
    assert json.loads(Path(CONFIG_FILE).read_text()) == {
        "ServerApp": {"jpserver_extensions": {"kinerja_calib.pelatihan.jupyter": True}}
    }
