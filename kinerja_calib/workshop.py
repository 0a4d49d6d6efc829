"""Workshop helpers: the Voila dashboard, JupyterLab on the course, and an environment check.

``kinerja-calib workshop`` serves ``notebooks/workshop_dasbor.ipynb`` with Voila (code hidden,
one kernel per participant, everything served locally so it works in an offline room). The
server asks for a fresh random token on every request, answers only to its own address,
caps and culls kernels, and stops with the command (:func:`serve`, :mod:`._voila`);
``kinerja-calib lab`` opens JupyterLab on ``notebooks/``. :func:`check_environment` is what
notebook 00 shows participants: which packages are present, in plain Indonesian.
"""

from __future__ import annotations

import contextlib
import importlib.metadata as md
import ipaddress
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
from packaging.requirements import Requirement

from ._notebooks import notebook_folder
from ._processes import ENV_INDUK
from .errors import KinerjaCalibError

__all__ = [
    "DASBOR",
    "cek_lingkungan",
    "check_environment",
    "folder_notebook",
    "lab",
    "serve",
]

#: File name of the Voila dashboard inside ``notebooks/``.
DASBOR = "workshop_dasbor.ipynb"


def folder_notebook() -> Path:
    """Return the course's ``notebooks/`` folder (the checkout's, or the copy in the wheel).

    Raises
    ------
    KinerjaCalibError
        When the folder cannot be found (e.g. the package was installed without the repository).
    """
    folder = notebook_folder()
    if not (folder / DASBOR).exists():
        raise KinerjaCalibError(
            f"Folder notebook kursus tidak ditemukan di {folder}. Pasang ulang paket "
            "kinerja-calib (pip install kinerja-calib) atau jalankan dari salinan repositori."
        )
    return folder


#: Default cap on dashboard sessions (kernels) at the same time: ~30 participants, the
#: instructor, and room for reloads. Each kernel takes ~210 MB, so 40 is ~8.5 GB at worst;
#: lower it with ``--maks-kernel`` on a laptop with less memory.
MAKS_KERNEL = 40

#: Default minutes after which an idle kernel with no open page is shut down. A page left
#: open keeps its kernel however long it idles; a kernel whose page is gone (browser crashed,
#: laptop asleep, a tab closed without Voila's shutdown beacon, a script's page load) goes
#: after 20 idle minutes: long enough to ride out a network drop or a short break, short
#: enough that leaked sessions do not pile up over a workshop block.
MENGANGGUR_MENIT = 20.0


def _check_address(ip: str, port: int) -> None:
    """Refuse an address that is not a concrete IP of this machine, or a port in use."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        raise KinerjaCalibError(
            f"--ip {ip!r} bukan alamat IP. Pakai alamat IP laptop ini di jaringan workshop "
            "(mis. 192.168.1.10), atau tanpa --ip untuk 127.0.0.1."
        ) from None
    if addr.is_unspecified:
        raise KinerjaCalibError(
            f"--ip {ip} membuka server di semua jaringan sekaligus. Pakai satu alamat IP "
            "laptop ini di jaringan workshop (mis. 192.168.1.10)."
        )
    family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
    with socket.socket(family) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((ip, port))
        except OSError as err:
            raise KinerjaCalibError(
                f"Tidak bisa membuka server di {ip} port {port}: {err.strerror}. Pilih port "
                "lain dengan --port, atau periksa alamat --ip (harus alamat laptop ini)."
            ) from None


def _url(ip: str, port: int, token: str) -> str:
    host = f"[{ip}]" if ":" in ip else ip
    return f"http://{host}:{port}/?token={token}"


def _voila_command(
    port: int,
    open_browser: bool,
    ip: str = "127.0.0.1",
    maks_kernel: int = MAKS_KERNEL,
    menganggur_menit: float = MENGANGGUR_MENIT,
) -> list[str]:
    folder = folder_notebook()
    idle_s = max(1, round(menganggur_menit * 60))
    cmd = [
        sys.executable,
        "-m",
        "kinerja_calib._voila",  # Voila with token, Host/Origin checks and a kernel cap
        str(folder / DASBOR),
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.multi_kernel_manager_class="
        "kinerja_calib._voila.WorkshopKernelManager",
        f"--WorkshopKernelManager.max_kernels={maks_kernel}",
        f"--MappingKernelManager.cull_idle_timeout={idle_s}",
        f"--MappingKernelManager.cull_interval={min(60, max(1, idle_s // 2))}",
        "--MappingKernelManager.cull_connected=False",
        "--MappingKernelManager.cull_busy=False",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def serve(
    port: int = 8866,
    open_browser: bool = True,
    ip: str = "127.0.0.1",
    maks_kernel: int = MAKS_KERNEL,
    menganggur_menit: float = MENGANGGUR_MENIT,
) -> int:
    """Serve the workshop dashboard with Voila until interrupted; return the exit code.

    A fresh random token is required on every request; the URL printed (and opened in the
    browser) carries it. The server answers only to its own address (Host/Origin checks),
    runs at most ``maks_kernel`` kernels, culls idle ones, and stops with this process
    (see :mod:`kinerja_calib._voila`).

    Parameters
    ----------
    port : int
        Port (default 8866, Voila's own default).
    open_browser : bool
        Open the participant's browser on the dashboard.
    ip : str
        Address to listen on: ``127.0.0.1`` (this computer only, the default) or one IP
        address of this computer on the workshop LAN.
    maks_kernel : int
        Most dashboard sessions (kernels) at the same time; more page loads get a
        "server penuh" page.
    menganggur_menit : float
        Minutes after which an idle kernel with no open page is shut down.
    """
    if maks_kernel < 1:
        raise KinerjaCalibError(f"--maks-kernel harus 1 atau lebih (diberikan {maks_kernel}).")
    if not menganggur_menit > 0:
        raise KinerjaCalibError(
            f"--batas-menganggur harus lebih dari 0 menit (diberikan {menganggur_menit})."
        )
    _check_address(ip, port)
    cmd = _voila_command(port, open_browser, ip, maks_kernel, menganggur_menit)
    token = secrets.token_urlsafe(32)
    # The token travels in the environment (readable only by this user), not in argv.
    env = {**os.environ, "JUPYTER_TOKEN": token, ENV_INDUK: str(os.getpid())}
    env.pop("JUPYTER_TOKEN_FILE", None)
    print(
        f"Dasbor workshop: {_url(ip, port, token)}\n"
        "Bagikan alamat lengkap ini (dengan token) hanya kepada peserta. "
        "Tekan Ctrl+C untuk berhenti.",
        flush=True,
    )
    return run_child(cmd, cwd=folder_notebook(), env=env)


def run_child(cmd: list[str], cwd: Path, env: dict[str, str], grace_s: float = 20.0) -> int:
    """Run ``cmd`` until it exits or this process is told to stop; return its exit code.

    The child runs in its own session. SIGINT, SIGTERM and SIGHUP received here are passed
    on as SIGTERM (a clean stop); if the child is still alive ``grace_s`` seconds later, or
    on any other way out of this function, its whole process group is killed. On Linux the
    child also dies when this process is killed outright (``PR_SET_PDEATHSIG``, set up by
    :func:`kinerja_calib._voila.die_with_parent`).
    """
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, start_new_session=True)
    stop_asked: list[float] = []

    def forward(signum, frame):
        stop_asked.append(time.monotonic())
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)

    stops = [signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)]
    previous = {s: signal.signal(s, forward) for s in stops if s is not None}
    try:
        while True:
            try:
                rc = proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if stop_asked and time.monotonic() - stop_asked[0] > grace_s:
                    rc = _kill_group(proc)
                else:
                    continue
            return rc if rc >= 0 else 128 - rc
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if proc.poll() is None:
            _kill_group(proc)


def _kill_group(proc: subprocess.Popen) -> int:
    """SIGKILL the child's process group and reap the child; return its exit code."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    return proc.wait()


def lab(port: int | None = None, open_browser: bool = True) -> int:
    """Open JupyterLab on the course notebooks; return the exit code."""
    folder = notebook_folder()
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={folder}"]
    if port is not None:
        cmd.append(f"--port={port}")
    if not open_browser:
        cmd.append("--no-browser")
    print(f"JupyterLab dibuka pada {folder} (tekan Ctrl+C untuk berhenti)", flush=True)
    return subprocess.run(cmd).returncode


def _requirements() -> list[Requirement]:
    reqs = md.requires("kinerja-calib") or []
    return [Requirement(r) for r in reqs if "extra ==" not in r]


def check_environment() -> pd.DataFrame:
    """Check that every runtime dependency is installed in a supported version.

    Returns
    -------
    pandas.DataFrame
        One row per package: ``paket``, ``dibutuhkan`` (version range), ``terpasang``
        (installed version or empty), ``status`` (``"OK"``, ``"BELUM TERPASANG"`` or
        ``"VERSI TIDAK COCOK"``) and ``saran`` (what to do, in Indonesian).
    """
    rows = []
    for req in _requirements():
        try:
            versi = md.version(req.name)
        except md.PackageNotFoundError:
            versi = ""
        if not versi:
            status, saran = "BELUM TERPASANG", "jalankan: python3 jalankan.py siapkan"
        elif req.specifier.contains(versi, prereleases=True):
            status, saran = "OK", ""
        else:
            status, saran = "VERSI TIDAK COCOK", f'pip install "{req}"'
        rows.append(
            {
                "paket": req.name,
                "dibutuhkan": ",".join(sorted(map(str, req.specifier), key=lambda x: x[0] != ">")),
                "terpasang": versi,
                "status": status,
                "saran": saran,
            }
        )
    return pd.DataFrame(rows)


# alias kept for one release (issue 14)
cek_lingkungan = check_environment
