"""Gwet's AC1/AC2: kinerja_calib vs irrCAC 0.4.4 (in its own virtualenv), same run.

Usage::

    .venv/bin/python benchmarks/bench_gwet.py            # 10 k, 100 k, 300 k, 1 M × 5 raters
    .venv/bin/python benchmarks/bench_gwet.py --quick    # 1 k and 10 k only
    .venv/bin/python benchmarks/bench_gwet.py --markdown # also print a Markdown table
    .venv/bin/python benchmarks/bench_gwet.py --tanpa-pembanding   # ours only, no venv

Why a separate environment: irrCAC 0.4.4 pins ``scipy==1.12.0``, which needs numpy < 2 and
pandas < 3, so installing it would drag numpy, pandas, scipy and pingouin in our ``.venv``
back. irrCAC is therefore never a dependency of ours. On the first run this script creates
``benchmarks/.venv-irrcac`` (``python -m venv`` + ``pip install -r
benchmarks/irrcac/requirements.txt``) and reuses it afterwards (a marker file holds the hash
of the requirements; change them and it reinstalls). If the environment cannot be created
(no network to PyPI) the script says so in Indonesian and measures our side only, exit 0.

What is timed: ours is ``kc.agreement.gwet_ac(x, weights)`` on a float subjects × raters
array (NaN missing), wall time in this process. The peer is ``CAC(df, weights=...,
digits=15).gwet()`` (construction included: it drops empty subjects and finds the
categories, which every user pays) in one long-lived worker process of the separate venv
(``benchmarks/irrcac/pekerja.py``): the data go over as an ``.npy`` file, loaded into a
DataFrame once per size outside the timing, and the worker times the call itself with
``time.perf_counter``, so neither process start-up nor the pipe is timed. Calls alternate
ours, peer, ours, peer … ``--repeats`` times and the median is reported. Peak memory is
the ``tracemalloc`` peak of one extra call on each side (inside the worker for the peer;
numpy and pandas buffers are traced). ``digits=15`` replaces irrCAC's default rounding to 5
decimals so the coefficients (and their standard errors) can be compared at 1e-9.

Statistics: AC1 (unweighted) and AC2 with quadratic weights (same definition on the category
values in both libraries), each on complete data and with 10 % of the ratings missing. Both
libraries treat missing ratings the same way (Gwet 2014): subjects with no rating are dropped,
``pa`` averages over subjects with at least two ratings, the category shares ``π_k`` over all
rated subjects, and the variance uses all rated subjects. A peer is skipped at a size where
its previous time × the size ratio would exceed ``--max-peer-seconds`` (default 120 s).

The differences grow with n (≈ 1e-12 at 1 M subjects) because irrCAC adds the per-subject
terms with Python's sequential ``sum()``; against a ``math.fsum`` reference (AC2 quadratic,
1 M × 5, 2026-11-28) ours was off by 3e-16 and irrCAC by 2.8e-12.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
from _ukur import PeerBudget, peak_mb, timed

import kinerja_calib as kc

try:
    from bench_agreement import make_data
except ImportError:  # pragma: no cover - keep this benchmark standalone

    def make_data(n: int, k: int = 5, p_missing: float = 0.0, seed: int = 2026) -> np.ndarray:
        """Integer ratings 1–5 from a latent-score model (subject + rater noise)."""
        rng = np.random.default_rng(seed)
        latent = rng.normal(size=(n, 1)) + rng.normal(scale=0.8, size=(n, k))
        x = np.clip(np.round(3 + latent), 1, 5)
        if p_missing:
            x[rng.random((n, k)) < p_missing] = np.nan
        return x


warnings.filterwarnings("ignore")

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-irrcac"
REQUIREMENTS = HERE / "irrcac" / "requirements.txt"
WORKER = HERE / "irrcac" / "pekerja.py"
MARKER = VENV / ".terpasang"

#: (row label, our ``weights``, irrCAC ``weights``, share of missing ratings)
PLAN = [
    ("Gwet AC1", None, "identity", 0.0),
    ("Gwet AC1 10% hilang", None, "identity", 0.1),
    ("Gwet AC2 kuadratik", "quadratic", "quadratic", 0.0),
    ("Gwet AC2 kuadratik 10% hilang", "quadratic", "quadratic", 0.1),
]


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _requirements_hash() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def prepare_venv() -> Path | None:
    """Return the Python of ``benchmarks/.venv-irrcac``, creating it once; None if impossible."""
    py = _venv_python()
    want = _requirements_hash()
    if py.exists() and MARKER.exists() and MARKER.read_text().strip() == want:
        return py
    print(
        f"Menyiapkan lingkungan terpisah irrCAC di {VENV.relative_to(HERE.parent)} "
        "(sekali saja; dipakai ulang sesudahnya) ...",
        flush=True,
    )
    steps = []
    if not py.exists():
        steps.append([sys.executable, "-m", "venv", str(VENV)])
    steps.append(
        [
            str(py),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--quiet",
            "--retries",
            "2",
            "--timeout",
            "30",
            "-r",
            str(REQUIREMENTS),
        ]
    )
    for cmd in steps:
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
            ok = proc.returncode == 0
            log = (proc.stdout + proc.stderr)[-3000:]
        except (OSError, subprocess.TimeoutExpired) as exc:
            ok, log = False, str(exc)
        if not ok:
            print(
                "PERHATIAN: lingkungan terpisah irrCAC tidak dapat dibuat (tidak ada jaringan ke "
                "PyPI, atau modul venv/pip tidak tersedia). Hanya waktu kinerja-calib yang diukur; "
                "kolom pembanding kosong. Untuk membuatnya sendiri:\n"
                "    python3 -m venv benchmarks/.venv-irrcac\n"
                "    benchmarks/.venv-irrcac/bin/pip install -r benchmarks/irrcac/requirements.txt",
                flush=True,
            )
            print(log, file=sys.stderr)
            shutil.rmtree(VENV, ignore_errors=True)
            return None
    # keep the environment out of git without touching the tracked .gitignore
    (VENV / ".gitignore").write_text("*\n")
    MARKER.write_text(want + "\n")
    return py


class Worker:
    """The long-lived irrCAC process (one JSON request/answer per line)."""

    def __init__(self, python: Path) -> None:
        self.proc = subprocess.Popen(
            [str(python), str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def ask(self, **req) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"proses irrCAC berhenti (kode {self.proc.poll()})")
        ans = json.loads(line)
        if "galat" in ans:
            raise RuntimeError(ans["galat"])
        return ans

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.ask(perintah="selesai")
            except (RuntimeError, OSError, ValueError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def compare(
    name: str,
    n: int,
    x: np.ndarray,
    path: Path,
    ours_w: str | None,
    peer_w: str,
    worker: Worker | None,
    repeats: int,
) -> dict:
    def ours():
        return kc.agreement.gwet_ac(x, ours_w)

    t_ours, t_peer = [], []
    est = peer = None
    for _ in range(repeats):
        dt, est = timed(ours)
        t_ours.append(dt)
        if worker is not None:
            peer = worker.ask(perintah="gwet", berkas=str(path), bobot=peer_w, ulangan=1)
            t_peer.append(peer["detik"][0])
    row = {
        "statistik": name,
        "n_subjek": n,
        "kami_s": statistics.median(t_ours),
        "pembanding_s": statistics.median(t_peer) if t_peer else np.nan,
        "kami_MB": peak_mb(ours),
        "pembanding_MB": np.nan,
        "selisih": np.nan,
        "selisih_se": np.nan,
    }
    if worker is not None and peer is not None:
        mem = worker.ask(perintah="gwet", berkas=str(path), bobot=peer_w, ulangan=0, memori=True)
        row["pembanding_MB"] = mem["puncak_mb"]
        row["selisih"] = abs(float(est) - peer["nilai"])
        row["selisih_se"] = abs(est.se - peer["se"])
        if peer["n"] != est.n_subjek or not np.array_equal(
            peer["kategori"], est.detail["kategori"]
        ):
            print(
                f"  PERHATIAN: subjek/kategori berbeda: kami n={est.n_subjek} "
                f"{list(est.detail['kategori'])}, irrCAC n={peer['n']} {peer['kategori']}",
                flush=True,
            )
    row["rasio"] = row["pembanding_s"] / row["kami_s"]
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="ukuran kecil saja (1 k, 10 k)")
    ap.add_argument("--repeats", type=int, default=None, help="ulangan per ukuran (bawaan 5/3)")
    ap.add_argument("--max-peer-seconds", type=float, default=120.0)
    ap.add_argument("--markdown", action="store_true", help="cetak juga tabel Markdown")
    ap.add_argument(
        "--tanpa-pembanding", action="store_true", help="ukur kinerja-calib saja (tanpa irrCAC)"
    )
    args = ap.parse_args()

    sizes = [1_000, 10_000] if args.quick else [10_000, 100_000, 300_000, 1_000_000]
    k = 5
    python = None if args.tanpa_pembanding else prepare_venv()
    worker = Worker(python) if python is not None else None
    peer_versions = worker.ask(perintah="versi") if worker is not None else None
    budget = PeerBudget(args.max_peer_seconds)
    rows = []

    try:
        with tempfile.TemporaryDirectory(prefix="bench_gwet_") as tmp:
            for n in sizes:
                reps = args.repeats or (5 if n <= 100_000 else 3)
                data = {}
                for p in sorted({p for *_, p in PLAN}):
                    x = make_data(n, k, p_missing=p)
                    path = Path(tmp) / f"n{n}_p{int(p * 100)}.npy"
                    np.save(path, x)
                    data[p] = (x, path)
                for name, ours_w, peer_w, p in PLAN:
                    x, path = data[p]
                    use_peer = worker is not None and budget.allowed(name, n)
                    try:
                        row = compare(
                            name, n, x, path, ours_w, peer_w, worker if use_peer else None, reps
                        )
                    except RuntimeError as exc:
                        print(f"PERHATIAN: irrCAC gagal ({exc}); lanjut tanpa pembanding.")
                        worker.close()
                        worker = None
                        row = compare(name, n, x, path, ours_w, peer_w, None, reps)
                    if use_peer and worker is not None:
                        budget.record(name, n, row["pembanding_s"])
                    rows.append(row)
                    print(
                        f"{name:30s} n={n:>9,d}  kami {row['kami_s']:8.4f} s  "
                        f"irrCAC {row['pembanding_s']:8.4f} s  rasio {row['rasio']:7.1f}x  "
                        f"selisih {row['selisih']:.1e}",
                        flush=True,
                    )
    finally:
        if worker is not None:
            worker.close()

    table = pd.DataFrame(rows)
    print()
    print(
        f"Mesin: {platform.processor() or platform.machine()}, {os.cpu_count()} inti, "
        f"Python {platform.python_version()}"
    )
    print(
        f"Lingkungan kami (.venv): kinerja-calib {kc.__version__}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, pandas {pd.__version__}"
    )
    if peer_versions:
        v = peer_versions
        print(
            f"Lingkungan pembanding (benchmarks/.venv-irrcac): irrCAC {v['irrCAC']}, "
            f"numpy {v['numpy']}, scipy {v['scipy']}, pandas {v['pandas']}, "
            f"Python {v['python']}"
        )
    else:
        print("Lingkungan pembanding: tidak tersedia (hanya kinerja-calib yang diukur)")
    print(
        "kami_s/pembanding_s = median detik per panggilan; *_MB = puncak tracemalloc; "
        "selisih = |AC kami - AC irrCAC|; selisih_se = |SE kami - SE irrCAC|"
    )
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round({"kami_s": 4, "pembanding_s": 4, "kami_MB": 1, "pembanding_MB": 1,
                           "rasio": 1}).to_string(index=False))  # fmt: skip
    if args.markdown:
        print()
        print(table.to_markdown(index=False, floatfmt=".4g"))


if __name__ == "__main__":
    main()
