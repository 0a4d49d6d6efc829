"""Rater-training front end under a room: submission → dashboard, poll vs push, standalone vs Jupyter.

Usage::

    .venv/bin/python benchmarks/bench_pelatihan.py               # 60 participants, 4 cases
    .venv/bin/python benchmarks/bench_pelatihan.py --peserta 20 --voila 1

The session's pages are served twice in one run, each time by a server process of its own
on 127.0.0.1: the standalone tornado server (``kinerja-calib pelatihan mulai``) and a real
``jupyter server`` with the extension enabled by the shipped config file (``mulai --jupyter
server``), pages under ``/pelatihan/``. Every participant is a client thread that joins (GET +
POST ``daftar``, with the XSRF cookie) and, after a random pause of up to ``--jeda`` seconds
before each case, submits the cases one by one with the others.

Three trainers watch the same room at the same time, as a browser would: reloading every
1 s (the dashboard's ``<noscript>`` fallback, a meta refresh), reloading every 0,5 s (what
a shorter poll would do; a meta refresh can only wait whole seconds, so this needs a script
anyway), and push (the dashboard's script: long-poll ``pelatih/tunggu`` with the page's
fingerprint; the answer to a change is the new page body). For every submission and every
trainer: the time from the submission's POST being sent (and from its answer, "tersimpan":
what the dashboard mechanism adds once the server has stored it) to the end of the first
dashboard load that shows it (the participant's "kasus terkirim" count). Printed per
server: p50/p95/max of those times, p95 of a POST, the server's RSS and CPU seconds for the
room, and CPU seconds of one idle trainer per mode over ``--diam`` seconds (what polling
costs the server when nothing happens). The room's figures depend on the machine's load:
read the modes against each other, within one run.

Kernels: the Jupyter run lists the server's kernels after the room (the pages need none),
and then renders a small participant form notebook with Voilà on that same server
``--voila`` times (a kernel each, as a Voilà page per participant would), measuring each
kernel's RSS and PSS and extrapolating to the room against 8 GiB.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import nbformat
import numpy as np

from kinerja_calib._angka import desimal
from kinerja_calib.labels import ASPEK_BERAKHLAK, RATING
from kinerja_calib.pelatihan import Sesi

CODES = ["V01", "V02", "V03", "V04"]  # of the packaged vignette bank
MODES = {"segar 1 s": 1.0, "segar 0,5 s": 0.5, "dorong": None}
JUPYTER_TOKEN = "token-bench-pelatihan"
ROW = re.compile(r"<tr><td>(P\d+)</td><td>[^<]*</td><td>[^<]*</td><td>(\d+)/\d+</td></tr>")
FORM_CELL = """import kinerja_calib, pandas, ipywidgets as w
from kinerja_calib.pelatihan import Sesi, load_bank
bank = load_bank()
w.VBox([w.ToggleButtons(options=['Di bawah ekspektasi', 'Sesuai ekspektasi', 'Di atas ekspektasi'])]
       + [w.ToggleButtons(options=['1', '2', '3', '4', '5'], description=a) for a in
          ['berorientasi_pelayanan', 'akuntabel', 'kompeten', 'harmonis', 'loyal', 'adaptif', 'kolaboratif']])"""


def _mem_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS of a process, MiB."""
    rss = pss = float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            pss = int(line.split()[1]) / 1024
    return rss, pss


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Client:
    """One keep-alive connection with the ``_xsrf`` cookie, like a browser tab."""

    def __init__(self, port: int, timeout: float = 120) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookie = ""

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        text = resp.read().decode()
        found = re.search(r"(_xsrf=[^;,\s]+)", resp.getheader("Set-Cookie") or "")
        if found:
            self.cookie = found.group(1)
        return resp, text


def _join(port: int, prefix: str, nama: str) -> tuple[_Client, str, str]:
    c = _Client(port)
    _, page = c.request("GET", f"{prefix}/daftar")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    form = {"_xsrf": xsrf, "nama": nama, "instansi": "I", "wilayah": "W"}
    resp, _ = c.request("POST", f"{prefix}/daftar", form)
    return c, xsrf, resp.getheader("Location")


def _participant(port, prefix, i, jeda, barrier, sent: list, errors: list) -> None:
    try:
        c, xsrf, path = _join(port, prefix, f"P{i}")
        rng = np.random.default_rng(i)
        barrier.wait()
        for j, kode in enumerate(CODES):
            time.sleep(rng.uniform(0, jeda))
            form = {"_xsrf": xsrf, "kode_vinyet": kode, "ronde": "1"}
            form |= {"hasil_kerja": RATING[(i + j) % 3], "perilaku": RATING[i % 3]}
            form.update({k: str(1 + (i + j) % 5) for k in ASPEK_BERAKHLAK})
            t0 = time.perf_counter()
            _, text = c.request("POST", path, form)
            sent.append((f"P{i}", j + 1, t0, time.perf_counter() - t0))
            if "tersimpan" not in text:
                errors.append(f"P{i} {kode}")
    except Exception as exc:  # reported at the end
        errors.append(repr(exc))


def _trainer(port, prefix, token, every, stop, seen: list) -> None:
    """Reload every ``every`` s; or (``every`` None) as the dashboard's script does: load once,
    then long-poll, each answer with a new fingerprint carrying the new page body."""
    c = _Client(port)
    resp, page = c.request("GET", f"{prefix}/pelatih?token={token}")
    while True:
        seen.append((time.perf_counter(), dict(ROW.findall(page))))
        if stop.is_set():
            break
        if every is not None:
            stop.wait(every)
            resp, page = c.request("GET", f"{prefix}/pelatih?token={token}")
            continue
        versi = resp.getheader("X-Versi")
        while True:  # an answer without a body: nothing changed, ask again
            resp, page = c.request("GET", f"{prefix}/pelatih/tunggu?token={token}&versi={versi}")
            if page:
                break


def _latencies(sent: list, seen: list) -> np.ndarray:
    """Per submission: seconds from its POST being sent, and from its answer ("tersimpan"),
    to the end of the first dashboard load that shows it (2 columns)."""
    ends = np.array([t for t, _ in seen])
    out = []
    for nama, k, t0, d in sent:
        shown = [t for t, counts in seen if int(counts.get(nama, 0)) >= k and t > t0]
        t = min(shown) if shown else ends.max()
        out.append((t - t0, t - t0 - d))
    return np.array(out)


def _room(port: int, prefix: str, sesi, pid: int, args) -> dict:
    sent, errors, stop = [], [], threading.Event()
    barrier = threading.Barrier(args.peserta)
    seen = {mode: [] for mode in MODES}
    trainers = [
        threading.Thread(
            target=_trainer, args=(port, prefix, sesi.token_pelatih, every, stop, seen[mode])
        )
        for mode, every in MODES.items()
    ]
    people = [
        threading.Thread(
            target=_participant, args=(port, prefix, i, args.jeda, barrier, sent, errors)
        )
        for i in range(args.peserta)
    ]
    cpu0 = _cpu_s(pid)
    for th in [*trainers, *people]:
        th.start()
    for th in people:
        th.join()
    time.sleep(1.5)  # the slowest poll's last reload
    stop.set()
    _join(port, prefix, "Penutup")  # a change: wakes the push trainer's long-poll
    for th in trainers:
        th.join()
    out = {"cpu": _cpu_s(pid) - cpu0, "mem": _mem_mb(pid), "errors": errors, "sent": sent}
    out["lat"] = {mode: _latencies(sent, seen[mode]) for mode in MODES}
    out["loads"] = {mode: len(seen[mode]) for mode in MODES}
    out["rows"] = len(sesi.penilaian())
    out["idle"] = {}
    for mode, every in MODES.items():  # one trainer, nobody submitting
        stop, log = threading.Event(), []
        th = threading.Thread(
            target=_trainer, args=(port, prefix, sesi.token_pelatih, every, stop, log)
        )
        cpu0 = _cpu_s(pid)
        th.start()
        time.sleep(args.diam)
        stop.set()
        if every is None:
            _join(port, prefix, f"Bangun {mode}")
        th.join()
        out["idle"][mode] = (_cpu_s(pid) - cpu0, len(log))
    return out


def _print_room(title: str, r: dict, args) -> None:
    post = np.array([d for *_, d in r["sent"]])
    rss, pss = r["mem"]
    print(f"\n== {title} ==")
    print(
        f"peserta {args.peserta}, kasus {len(CODES)}, baris tersimpan {r['rows']}, "
        f"galat {len(r['errors'])} {r['errors'][:3]}"
    )
    print(
        f"server RSS {desimal(rss, 0)} MB (PSS {desimal(pss, 0)} MB); CPU ruangan "
        f"{desimal(r['cpu'], 1)} s; kirim p95 {desimal(np.percentile(post, 95) * 1000, 0)} ms"
    )
    for mode, lat in r["lat"].items():
        cpu, loads = r["idle"][mode]
        sent, saved = lat[:, 0], lat[:, 1]
        print(
            f"  {mode:<12} kirim → tampil di dasbor: p50 {desimal(np.median(sent), 2)} s, "
            f"p95 {desimal(np.percentile(sent, 95), 2)} s, maks {desimal(sent.max(), 2)} s; "
            f"tersimpan → tampil p95 {desimal(np.percentile(saved, 95), 2)} s "
            f"({r['loads'][mode]} muat); diam {desimal(args.diam, 0)} s: CPU {desimal(cpu, 2)} s, {loads} muat"
        )


def _wait_ready(port: int, path: str, proc, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            sys.exit(f"server berhenti:\n{log.read_text() if log else ''}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit("server tidak siap dalam 120 s")
        time.sleep(0.3)


def _stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def standalone(args) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-pelatihan-"))
    sesi = Sesi.buat(folder, "Bench", kode_vinyet=CODES)
    port = _free_port()
    cmd = [sys.executable, "-m", "kinerja_calib.cli", "pelatihan", "mulai", "--db", str(folder)]
    cmd += ["--sesi", sesi.kode_sesi, "--port", str(port)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    try:
        _wait_ready(port, "/daftar", server, None)
        room = _room(port, "", sesi, server.pid, args)
    finally:
        _stop(server)
    _print_room("server tornado tersendiri (kinerja-calib pelatihan mulai)", room, args)


def _kernels(port: int) -> list[dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/api/kernels", headers={"Authorization": f"token {JUPYTER_TOKEN}"})
    return json.loads(conn.getresponse().read())


def _voila_kernels(port: int, pid: int, n: int) -> dict:
    """Render the form notebook ``n`` times with Voilà, one after the other: seconds per page,
    CPU seconds (server + the new kernels) per page, RSS/PSS of each new kernel."""
    before, cpu0, t0 = set(_children(pid)), _cpu_s(pid), time.perf_counter()
    for _ in range(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.request(
            "GET",
            "/voila/render/formulir.ipynb",
            headers={"Authorization": f"token {JUPYTER_TOKEN}"},
        )
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            sys.exit(f"Voilà: status {resp.status}")
    wall = (time.perf_counter() - t0) / n
    time.sleep(1)
    new = sorted(set(_children(pid)) - before)
    cpu = (_cpu_s(pid) - cpu0 + sum(_cpu_s(p) for p in new)) / n
    return {"mem": [_mem_mb(p) for p in new], "wall": wall, "cpu": cpu}


def jupyter(args) -> None:
    from kinerja_calib.pelatihan.cli import jupyter_command

    tmp = Path(tempfile.mkdtemp(prefix="bench-pelatihan-jupyter-"))
    sesi = Sesi.buat(tmp / "sesi", "Bench", kode_vinyet=CODES)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FORM_CELL)])
    (tmp / "formulir.ipynb").write_text(nbformat.writes(nb))
    port = _free_port()
    ns = argparse.Namespace(
        db=str(tmp / "sesi"), sesi=sesi.kode_sesi, host="127.0.0.1", port=port, jupyter="server"
    )
    cmd, env = jupyter_command(ns)
    env["JUPYTER_RUNTIME_DIR"] = str(tmp / "runtime")
    env["JUPYTER_CONFIG_DIR"] = str(tmp / "config")
    cmd += [
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={JUPYTER_TOKEN}",
        f"--ServerApp.root_dir={tmp}",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = tmp / "jupyter.log"
    with log.open("w") as out:
        server = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(port, "/pelatihan/daftar", server, log)
        room = _room(port, "/pelatihan", sesi, server.pid, args)
        kernels = _kernels(port)
        voila = _voila_kernels(port, server.pid, args.voila) if args.voila else None
        after = _mem_mb(server.pid)
    finally:
        _stop(server)
    _print_room("jupyter server (ekstensi kinerja_calib.pelatihan, /pelatihan/)", room, args)
    print(f"kernel yang berjalan setelah ruangan: {len(kernels)} (halaman peserta tanpa kernel)")
    if voila:
        rss = np.mean([m[0] for m in voila["mem"]])
        pss = np.mean([m[1] for m in voila["mem"]])
        need = args.peserta * pss / 1024
        print(
            f"pembanding Voilà: {len(voila['mem'])} kernel dari {args.voila} halaman formulir di "
            f"server yang sama (bank vinyet dimuat; batas bawah: belum ada interaksi); per kernel "
            f"RSS {desimal(rss, 0)} MB, PSS {desimal(pss, 0)} MB; "
            f"per halaman {desimal(voila['wall'], 1)} s, CPU {desimal(voila['cpu'], 1)} s; server "
            f"sesudahnya RSS {desimal(after[0], 0)} MB"
        )
        verdict = "muat" if need + after[1] / 1024 < 8 else "TIDAK muat"
        print(
            f"  {args.peserta} peserta × satu kernel ≈ {desimal(need, 1)} GiB (PSS) + server → "
            f"{verdict} dalam 8 GiB (RSS × {args.peserta} = "
            f"{desimal(args.peserta * rss / 1024, 1)} GiB); membuka {args.peserta} halaman "
            f"serentak ≈ {desimal(args.peserta * voila['cpu'] / (os.cpu_count() or 1), 0)} s CPU "
            f"di {os.cpu_count()} inti sebelum formulir terakhir tampil, halaman ringan: 0 kernel"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peserta", type=int, default=60)
    parser.add_argument("--jeda", type=float, default=2.0, help="jeda acak maks. per kasus (s)")
    parser.add_argument("--diam", type=float, default=5.0, help="detik tanpa kiriman per mode")
    parser.add_argument("--voila", type=int, default=3, help="halaman Voilà pembanding")
    parser.add_argument("--tanpa-jupyter", action="store_true")
    args = parser.parse_args()
    standalone(args)
    if not args.tanpa_jupyter:
        jupyter(args)


if __name__ == "__main__":
    main()
