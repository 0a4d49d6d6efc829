"""Workshop helpers: the Voila dashboard, JupyterLab on the course, and an environment check.

``kinerja-calib workshop`` serves ``notebooks/workshop_dasbor.ipynb`` with Voila (code hidden,
one kernel per participant, everything served locally so it works in an offline room);
``kinerja-calib lab`` opens JupyterLab on ``notebooks/``. :func:`cek_lingkungan` is what
notebook 00 shows participants: which packages are present, in plain Indonesian.
"""

from __future__ import annotations

import importlib.metadata as md
import subprocess
import sys
from pathlib import Path

import pandas as pd
from packaging.requirements import Requirement

from .errors import KinerjaCalibError

__all__ = ["DASBOR", "cek_lingkungan", "folder_notebook", "lab", "serve"]

#: File name of the Voila dashboard inside ``notebooks/``.
DASBOR = "workshop_dasbor.ipynb"


def folder_notebook() -> Path:
    """Return the course's ``notebooks/`` folder (next to the package in a git checkout).

    Raises
    ------
    KinerjaCalibError
        When the folder cannot be found (e.g. the package was installed without the repository).
    """
    folder = Path(__file__).resolve().parents[1] / "notebooks"
    if not (folder / DASBOR).exists():
        raise KinerjaCalibError(
            f"Folder notebook kursus tidak ditemukan di {folder}. Jalankan perintah ini dari "
            "salinan repositori kinerja-calib (git clone), bukan dari paket yang dipasang terpisah."
        )
    return folder


def _voila_command(port: int, open_browser: bool) -> list[str]:
    folder = folder_notebook()
    cmd = [
        sys.executable,
        "-m",
        "kinerja_calib._voila",  # Voila + the lost-reply fix (see _nbclient)
        str(folder / DASBOR),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def serve(port: int = 8866, open_browser: bool = True) -> int:
    """Serve the workshop dashboard with Voila until interrupted; return the exit code.

    Parameters
    ----------
    port : int
        Local port (default 8866, Voila's own default).
    open_browser : bool
        Open the participant's browser on the dashboard.
    """
    cmd = _voila_command(port, open_browser)
    print(f"Dasbor workshop: http://127.0.0.1:{port}/  (tekan Ctrl+C untuk berhenti)", flush=True)
    return subprocess.run(cmd, cwd=folder_notebook()).returncode


def lab(port: int | None = None, open_browser: bool = True) -> int:
    """Open JupyterLab on the course notebooks; return the exit code."""
    folder = Path(__file__).resolve().parents[1] / "notebooks"
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


def cek_lingkungan() -> pd.DataFrame:
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
