"""Peak memory of validating a large 360 file: ``load_workbook`` vs plain ``pandas.read_csv``.

Usage::

    python benchmarks/bench_validasi.py                  # 2 M rows of penilaian_360 (±130 MB)
    python benchmarks/bench_validasi.py --quick          # 200 k rows
    python benchmarks/bench_validasi.py --baris 7500000 --batas-gib 8   # ±500 MB, ≤ 8 GiB
    python benchmarks/bench_validasi.py --paket /path/to/other/checkout  # also that version

A workbook is generated in a temporary folder: one instansi, 20,000 pegawai, and a
``penilaian_360.csv`` of ``--baris`` rows (atasan/rekan/bawahan and 15 % service users with
respondent ids, ~14 ratings per id as in the samples) with faults a clerk makes (0.1 % ratings off the
scale, 0.1 % ``Rekan`` for ``rekan``, one NIP missing from pegawai referenced by many rows,
random repeated keys). Each measurement runs in a fresh child process; its peak resident
memory (``ru_maxrss`` of that child, from ``os.wait4``) and wall time are reported next to
the file size:

- ``python + import``: the interpreter with kinerja_calib.data imported (the floor);
- ``load_workbook`` (``kinerja-calib validasi``): read and validate every table;
- ``pandas.read_csv`` (peer): only parse ``penilaian_360.csv`` with default dtypes.

``--batas-gib`` caps each child's address space (``RLIMIT_AS``): past it the child must fail
with the Indonesian "Memori tidak cukup" message, never a raw ``MemoryError``. Figures are a
report, never a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kinerja_calib import labels

ROOT = Path(__file__).resolve().parents[1]


def nips(n: int) -> np.ndarray:
    """``n`` distinct valid NIPs (birth date, TMT, sex digit, serial)."""
    i = np.arange(n)
    birth = pd.Timestamp("1970-01-01") + pd.to_timedelta(i // 900, unit="D")
    b = birth.strftime("%Y%m%d").to_numpy(dtype=str)
    tmt = (birth.year + 25).astype(str).to_numpy() + pd.Series(i % 12 + 1).map("{:02d}".format)
    sex = (1 + i % 2).astype(str)
    serial = pd.Series(i % 900 + 1).map("{:03d}".format).to_numpy(dtype=str)
    return np.char.add(np.char.add(np.char.add(b, tmt.to_numpy(dtype=str)), sex), serial)


def make_workbook(folder: Path, rows: int, seed: int = 2026, faults: bool = True) -> Path:
    """Write the workbook; return the path of ``penilaian_360.csv``."""
    rng = np.random.default_rng(seed)
    n_peg = 20_000
    nip = nips(n_peg)
    pd.DataFrame(
        {
            "kode_instansi": ["D01"],
            "nama_instansi": ["Dinas Uji"],
            "jenis": ["kota"],
            "wilayah": ["Kota Uji"],
            "predikat_organisasi": ["Baik"],
        }
    ).to_csv(folder / "instansi.csv", index=False)
    pd.DataFrame(
        {
            "nip": nip,
            "nama": [f"Pegawai {k}" for k in range(n_peg)],
            "kode_instansi": "D01",
            "unit_kerja": "Sekretariat",
            "jabatan": ["Kepala"] + ["Staf"] * (n_peg - 1),
            "jenis_jabatan": ["struktural"] + ["pelaksana"] * (n_peg - 1),
            "nip_atasan": [""] + [nip[0]] * (n_peg - 1),
        }
    ).to_csv(folder / "pegawai.csv", index=False)
    pd.DataFrame(
        {
            "kode_indikator": ["K1", "S1"],
            "kode_instansi": "D01",
            "jabatan": ["Kepala", "Staf"],
            "nama_indikator": ["Capaian", "Layanan"],
            "satuan": "%",
            "target": [100, 95],
            "arah": "naik",
            "bobot": 100,
            "aspek": "kuantitas",
            "sumber_data": "laporan",
        }
    ).to_csv(folder / "indikator.csv", index=False)
    peran = np.array(labels.PERAN_PENILAI)
    aspek = np.array(list(labels.ASPEK_BERAKHLAK))
    ratee = rng.integers(0, n_peg, rows)
    rater = rng.integers(0, n_peg, rows)
    role = rng.choice(np.array([0, 1, 2, 4]), rows, p=[0.2, 0.55, 0.1, 0.15])
    rater = np.where(rater == ratee, (rater + 1) % n_peg, rater)
    penilai = nip[rater].astype(object)
    layanan = role == 4  # service users: respondent ids, ~14 ratings each (as in the samples)
    ids = rng.integers(0, max(1, rows // 14), int(layanan.sum()))
    penilai[layanan] = pd.Series(ids).map("PL-{:07d}".format).to_numpy()
    frame = pd.DataFrame(
        {
            "periode": "2026-S1",
            "nip": nip[ratee],
            "nip_penilai": penilai,
            "peran_penilai": peran[role],
            "aspek": aspek[rng.integers(0, 7, rows)],
            "nilai": rng.integers(1, 6, rows).astype(str),
        }
    )
    bad = rng.random(rows) if faults else np.ones(rows)
    if not faults:  # no repeated key: one rater per (ratee, aspek) row block
        frame = frame.drop_duplicates(["periode", "nip", "nip_penilai", "aspek"])
        bad = bad[: len(frame)]
    frame.loc[bad < 0.001, "nilai"] = "6"
    frame.loc[(bad >= 0.001) & (bad < 0.002), "peran_penilai"] = "Rekan"
    frame.loc[(bad >= 0.002) & (bad < 0.003), "nip"] = "199912312025121999"  # not in pegawai
    path = folder / "penilaian_360.csv"
    frame.to_csv(path, index=False)
    return path


OURS = """
import sys
from kinerja_calib.data import load_workbook
from kinerja_calib.errors import DataError
try:
    wb = load_workbook(sys.argv[1])
    print("valid", len(wb.penilaian_360))
except DataError as err:
    print("masalah", len(err.problems), "|", str(err.problems[0])[:160])
"""
PEER = """
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
print("baris", len(frame))
"""
FLOOR = "import kinerja_calib.data\nprint('ok')"


def measure(code: str, arg: str, pythonpath: str, limit_gib: float | None):
    """(peak RSS MiB, seconds, return code, first output line) of one child process."""
    env = dict(os.environ, PYTHONPATH=pythonpath)
    env.pop("KINERJA_CALIB_CACHE_LAPORAN", None)

    def cap():
        if limit_gib:
            lim = int(limit_gib * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))

    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, arg],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=cap,
        cwd=tempfile.gettempdir(),  # not the checkout: "-c" puts the cwd first on sys.path
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    lines = out.strip().splitlines() or [""]
    return usage.ru_maxrss / 1024, seconds, proc.returncode, lines[-1][:160]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Memori puncak validasi berkas 360 besar.")
    ap.add_argument("--quick", action="store_true", help="200 ribu baris")
    ap.add_argument("--baris", type=int, default=2_000_000, help="baris penilaian_360")
    ap.add_argument("--batas-gib", type=float, default=None, help="batas memori per proses")
    ap.add_argument("--paket", type=Path, default=None, help="juga kinerja_calib dari folder ini")
    ap.add_argument("--tanpa-pembanding", action="store_true", help="lewati pandas.read_csv")
    ap.add_argument("--valid", action="store_true", help="berkas tanpa kesalahan (Workbook dibuat)")
    args = ap.parse_args(argv)
    rows = 200_000 if args.quick else args.baris

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        path = make_workbook(folder, rows, faults=not args.valid)
        size = path.stat().st_size / 2**20
        made = time.perf_counter() - t0
        runs = [("python + import kinerja_calib.data", FLOOR, str(ROOT))]
        runs.append(("load_workbook (kinerja-calib validasi)", OURS, str(ROOT)))
        if args.paket:
            runs.append((f"load_workbook dari {args.paket.name}", OURS, str(args.paket)))
        if not args.tanpa_pembanding:
            runs.append(("pandas.read_csv 360 (pembanding)", PEER, str(ROOT)))
        results = []
        for label, code, pp in runs:
            arg = str(path) if code is PEER else str(folder)
            results.append((label, *measure(code, arg, pp, args.batas_gib)))

    cap = f", batas {args.batas_gib:g} GiB per proses" if args.batas_gib else ""
    what = "tanpa kesalahan" if args.valid else "dengan kesalahan"
    print(
        f"Validasi penilaian_360.csv {what}, {rows:,} baris ({size:.0f} MiB; dibuat dalam {made:.0f} s)"
        f", setiap cara di proses anak baru{cap}"
    )
    print(f"{'cara':42s} {'puncak RSS MiB':>15s} {'x berkas':>9s} {'detik':>7s} {'kode':>5s}")
    for label, rss, sec, code, _ in results:
        print(f"{label:42s} {rss:15.0f} {rss / size:9.2f} {sec:7.1f} {code:5d}")
    for label, *_, line in results:
        print(f"  {label}: {line}")


if __name__ == "__main__":
    main()
