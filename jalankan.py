#!/usr/bin/env python3
"""Set up and run kinerja-calib on a fresh machine (only Python 3.11+ and git needed).

    python3 jalankan.py laporan   # buat lingkungan, lalu laporan semua instansi di data/samples/
    python3 jalankan.py uji       # buat lingkungan, lalu seluruh rangkaian uji
    python3 jalankan.py siapkan   # hanya buat lingkungan (.venv)

The virtual environment lives in ``.venv`` next to this file; it is (re)installed when
``pyproject.toml`` changes. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".kinerja-calib-terpasang"


def _run(cmd: list[str], **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def siapkan() -> None:
    """Create ``.venv`` and install the package with its test extras, once per pyproject."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may run on any python3
        sys.exit("kinerja-calib membutuhkan Python 3.11 atau lebih baru.")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest and PY.exists():
        return
    if not PY.exists():
        print(f"Membuat lingkungan virtual di {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    _run([PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    _run([PY, "-m", "pip", "install", "--quiet", "-e", ".[dev]"])
    STAMP.write_text(digest)


def _chromium() -> str | None:
    """Return a Chromium binary, installing Debian's package when we are root."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Memasang Chromium (paket Debian) untuk uji peramban ...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        _run(["apt-get", "update", "-qq"], env=env)
        _run(["apt-get", "install", "-y", "-qq", "chromium"], env=env)
        return shutil.which("chromium")
    return None


def _chromium_ada() -> str | None:
    """The Chromium binary for PDF copies, when one is installed (never installs it)."""
    env = os.environ.get("KINERJA_CALIB_CHROMIUM")
    if env:
        return env
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)


def laporan(extra: list[str]) -> int:
    siapkan()
    out = extra or ["data/samples", "--keluaran", "keluaran"]
    env = dict(os.environ)
    if not extra:  # the default run adds PDF copies when Chromium is there (it is optional)
        chromium = _chromium_ada()
        if chromium:
            env["KINERJA_CALIB_CHROMIUM"] = chromium
            out.append("--pdf")
        else:
            print(
                "Chromium tidak ditemukan: laporan dibuat tanpa PDF "
                "(pasang paket chromium untuk PDF).",
                flush=True,
            )
    return subprocess.run(
        [str(BIN / "kinerja-calib"), "laporan", *out], cwd=ROOT, env=env
    ).returncode


def uji(extra: list[str]) -> int:
    siapkan()
    chromium = _chromium()
    env = dict(os.environ)
    if chromium:
        env["KINERJA_CALIB_CHROMIUM"] = chromium
    env.setdefault("MPLBACKEND", "Agg")
    _run(
        [
            BIN / "ruff",
            "check",
            "kinerja_calib",
            "tests",
            "benchmarks",
            "scripts",
            "jalankan.py",
            "setup.py",
        ]
    )
    _run(
        [
            BIN / "ruff",
            "format",
            "--check",
            "kinerja_calib",
            "tests",
            "benchmarks",
            "scripts",
            "jalankan.py",
            "setup.py",
        ]
    )
    cmd = [
        str(PY),
        "-m",
        "pytest",
        "-n",
        "2",
        "--dist",
        "loadscope",
        "--nbval-lax",
        "--doctest-modules",  # every docstring example in the package runs too
        "kinerja_calib",
        "tests",
        "notebooks",
        *extra,
    ]
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    perintah = {"laporan": laporan, "uji": uji}
    if not argv or argv[0] not in (*perintah, "siapkan"):
        print(__doc__)
        return 2
    if argv[0] == "siapkan":
        siapkan()
        return 0
    return perintah[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
