"""Rater-training front end under a room of participants: light tornado server vs a kernel each.

Usage::

    .venv/bin/python benchmarks/bench_pelatihan.py              # 60 participants, 4 cases
    .venv/bin/python benchmarks/bench_pelatihan.py --peserta 20

The server (``kinerja-calib pelatihan mulai``) runs in its own process on 127.0.0.1. Every
participant is a client thread that joins (GET + POST ``/daftar``, with the XSRF cookie) and
submits every case at once with the others; a trainer thread reloads the dashboard the whole
time. Printed: the server's RSS after the run, p50/p95 of a submission (POST to answer) and
of a dashboard load under that load, and the bound on "submission to dashboard" = p95 POST +
the dashboard's refresh interval + p95 dashboard load.

The peer is what a Voila page per participant would cost: the RSS of one real ipykernel
after ``import kinerja_calib, pandas, ipywidgets`` (jupyter_client), times the participants.
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

from kinerja_calib.labels import ASPEK_BERAKHLAK, RATING
from kinerja_calib.pelatihan import Sesi

CODES = ["V01", "V02", "V03", "V04"]  # of the packaged vignette bank


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Client:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read().decode()
        cookie = resp.getheader("Set-Cookie")
        if cookie and "_xsrf=" in cookie:
            self.cookie = cookie.split(";")[0]
        return resp, text


def _participant(port: int, i: int, barrier, post_times: list, errors: list) -> None:
    try:
        c = _Client(port)
        _, page = c.request("GET", "/daftar")
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
        resp, _ = c.request(
            "POST", "/daftar", {"_xsrf": xsrf, "nama": f"P{i}", "instansi": "I", "wilayah": "W"}
        )
        path = resp.getheader("Location")
        barrier.wait()
        for j, kode in enumerate(CODES):
            form = {
                "_xsrf": xsrf,
                "kode_vinyet": kode,
                "ronde": "1",
                "hasil_kerja": RATING[(i + j) % 3],
            }
            form["perilaku"] = RATING[i % 3]
            form.update({k: str(1 + (i + j) % 5) for k in ASPEK_BERAKHLAK})
            t0 = time.perf_counter()
            _, text = c.request("POST", path, form)
            post_times.append(time.perf_counter() - t0)
            if "tersimpan" not in text:
                errors.append(f"P{i} {kode}")
    except Exception as exc:  # reported at the end
        errors.append(repr(exc))


def _kernel_rss_mb() -> float:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        kc.execute_interactive("import kinerja_calib, pandas, ipywidgets", timeout=120)
        return _rss_mb(km.provisioner.process.pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peserta", type=int, default=60)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-pelatihan-"))
    sesi = Sesi.buat(folder, "Bench", kode_vinyet=CODES)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kinerja_calib.cli", "pelatihan", "mulai", "--db", str(folder), "--sesi",
         sesi.kode_sesi, "--port", str(port)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    server.stdout.readline()  # "Peserta membuka: …" once listening
    try:
        barrier = threading.Barrier(args.peserta)
        post_times, dash_times, errors, done = [], [], [], threading.Event()

        def trainer():
            c = _Client(port)
            while not done.is_set():
                t0 = time.perf_counter()
                c.request("GET", f"/pelatih?token={sesi.token_pelatih}")
                dash_times.append(time.perf_counter() - t0)

        t = threading.Thread(target=trainer)
        t.start()
        threads = [
            threading.Thread(target=_participant, args=(port, i, barrier, post_times, errors))
            for i in range(args.peserta)
        ]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        done.set()
        t.join()
        rss = _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(10)
    rows = len(sesi.penilaian())
    post, dash = np.array(post_times), np.array(dash_times)
    refresh = 1.0
    print(
        f"peserta {args.peserta}, kasus {len(CODES)}, baris tersimpan {rows}, galat {len(errors)} {errors[:3]}"
    )
    print(f"server RSS {rss:.0f} MB")
    print(
        f"kirim  p50 {np.median(post) * 1000:.0f} ms  p95 {np.percentile(post, 95) * 1000:.0f} ms"
    )
    print(
        f"dasbor p50 {np.median(dash) * 1000:.0f} ms  p95 {np.percentile(dash, 95) * 1000:.0f} ms ({len(dash)} muat)"
    )
    bound = np.percentile(post, 95) + refresh + np.percentile(dash, 95)
    print(
        f"kirim → tampil di dasbor ≤ {bound:.2f} s (p95 kirim + segar {refresh:.0f} s + p95 dasbor)"
    )
    kernel = _kernel_rss_mb()
    print(
        f"pembanding: satu kernel ipykernel {kernel:.0f} MB → {args.peserta} kernel ≈ {kernel * args.peserta / 1024:.1f} GB"
    )


if __name__ == "__main__":
    main()
