"""Run status: the status table printed after a batch, the per-instansi ``.status.json``
and the ``index.html`` page rebuilt from all of them.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any

from .._angka import bilangan, desimal
from .._berkas import write_atomic
from .._display import KOSONG, angka
from .._escape import add_csp, escape_text
from ..errors import ParameterError
from ._sections_base import validate_kode
from ._tasks import read_summary
from ._tasks_base import KURSUS, TEMPLAT, HasilTugas, worker_log_path


def status_table(codes: list[str], results: list[HasilTugas]):
    import pandas as pd

    rows = []
    for kode in codes:
        mine = [r for r in results if r.kode == kode]
        bad = [r for r in mine if r.status != "berhasil"]
        rows.append(
            {
                "instansi": kode,
                "status": "gagal" if bad else "berhasil",
                "detik": round(sum(r.detik for r in mine), 1),
                "galat": "; ".join(f"{r.nama}: {r.galat}" for r in bad),
            }
        )
    return pd.DataFrame(rows, columns=["instansi", "status", "detik", "galat"])


def print_status(status, out: Path, wall: float, results: list[HasilTugas]) -> None:
    import pandas as pd

    n_bad = int((status["status"] != "berhasil").sum())
    with pd.option_context(
        "display.max_rows", None, "display.max_colwidth", 120, "display.width", 200
    ):
        print("\nStatus laporan per instansi:")
        print(status.to_string(index=False) if len(status) else "(tidak ada instansi)")
    print(f"\nWaktu total: {desimal(wall, 1)} detik untuk {bilangan(len(status))} instansi.")
    if n_bad:
        bad = [r for r in results if r.status != "berhasil"]
        kept = sorted({r.kode for r in bad if any("gagal" in Path(f).parts for f in r.berkas)})
        lost = sorted({r.kode for r in bad if not r.berkas})
        print(f"{n_bad} instansi gagal.")
        if kept:
            print(
                f"Notebook yang gagal disimpan di {out}/<kode>/gagal/ untuk diperiksa "
                f"({', '.join(kept)}); pesan kernel ada di {worker_log_path()}."
            )
        if lost:
            print(
                "Tidak ada notebook gagal yang tersimpan untuk: "
                f"{', '.join(lost)} (lihat kolom galat)."
            )
        old = sorted({r.kode for r in bad if r.berkas_lama})
        if old:
            print(f"Laporan sebelumnya yang berhasil tetap ada untuk: {', '.join(old)}.")
        print("Perbaiki lalu jalankan lagi (bisa dengan --instansi KODE saja).")
    else:
        print("Semua laporan berhasil dibuat.")
    print(f"Daftar laporan: {out / 'index.html'}")


#: Per-instansi record of the latest run of each notebook (``<keluaran>/<kode>/.status.json``).
_STATUS = ".status.json"
_BERKAS_RE = re.compile(r"(?:gagal/)?[A-Za-z0-9_.-]+\.(?:html|ipynb|xlsx|pdf)")


def _rel(folder: Path, files: Iterable[str]) -> list[str]:
    return [Path(os.path.relpath(f, folder)).as_posix() for f in files]


def _baca_status(folder: Path) -> dict | None:
    """The status record of an instansi folder, or ``None`` (missing or not ours)."""
    try:
        doc = json.loads((folder / _STATUS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("tugas"), dict):
        return None
    return doc


def write_status(out: Path, names: dict[str, str], results: list[HasilTugas]) -> None:
    """Merge this run's results into each instansi's ``.status.json`` (atomically).

    One entry per notebook (the latest run of it): status, error (the plain sentence of
    :func:`pesan_galat`), attempts, seconds, time, file names (relative) and the index summary
    (predikat shares; no personal data). A failed task whose previous good files are still
    there keeps that report's summary.
    """
    by_kode: dict[str, list[HasilTugas]] = {}
    for r in results:
        by_kode.setdefault(r.kode, []).append(r)
    for kode, mine in by_kode.items():
        folder = out / kode
        old = _baca_status(folder) or {}
        tugas = dict(old.get("tugas", {}))
        for r in mine:
            prev = tugas.get(r.nama) if isinstance(tugas.get(r.nama), dict) else {}
            ringkasan = r.ringkasan
            if ringkasan is None and r.status != "berhasil" and r.berkas_lama:
                ringkasan = prev.get("ringkasan")
            tugas[r.nama] = {
                "status": r.status,
                # the plain sentence the index shows, never the raw exception text: the
                # folder is shipped, and a raw message can carry values from the data
                "galat": pesan_galat(r.galat) if r.galat else "",
                "percobaan": r.percobaan,
                "detik": r.detik,
                "waktu": r.waktu,
                "laporan": r.laporan,
                "berkas": _rel(folder, r.berkas),
                "berkas_lama": _rel(folder, r.berkas_lama),
                "ringkasan": ringkasan,
            }
        doc = {
            "versi": 1,
            "kode_instansi": kode,
            "nama_instansi": names.get(kode, str(old.get("nama_instansi", ""))),
            "tugas": tugas,
        }
        write_atomic(folder / _STATUS, json.dumps(doc, ensure_ascii=False, indent=1))


def _ringkasan_aman(value: Any) -> dict | None:
    """Only the summary fields the index shows, with their types checked.

    Organisation-level values only (no pegawai, no rater, nothing from a hidden 360 group):
    periode, predikat shares, the organisation predikat and the kurva status.
    """
    if not isinstance(value, dict):
        return None
    shares = value.get("porsi_predikat")
    shares = shares if isinstance(shares, dict) else {}
    clean = {}
    for k, v in shares.items():
        if isinstance(v, int | float) and not isinstance(v, bool) and 0.0 <= v <= 1.0:
            clean[str(k)] = float(v)
    org = value.get("predikat_organisasi")
    kurva = value.get("kurva")
    kurva_aman = None
    if isinstance(kurva, dict) and isinstance(kurva.get("memenuhi"), bool):

        def jumlah(key: str) -> int:
            v = kurva.get(key)
            ok = isinstance(v, int) and not isinstance(v, bool) and v >= 0
            return v if ok else 0

        kurva_aman = {
            "memenuhi": kurva["memenuhi"],
            "pelanggaran": jumlah("pelanggaran"),
            "perpindahan": jumlah("perpindahan"),
        }
    return {
        "nama_instansi": str(value.get("nama_instansi", "")),
        "periode": str(value.get("periode", "")),
        "predikat_organisasi": str(org)[:64] if isinstance(org, str) else "",
        "porsi_predikat": clean,
        "kurva": kurva_aman,
    }


#: Status of a report made before status records existed (older versions).
_TIDAK_DIKETAHUI = "tidak diketahui"


def _status_versi_lama(folder: Path, kode: str) -> list[HasilTugas]:
    """Entries for an instansi folder written by a version without ``.status.json``.

    Delivered notebooks (``.ipynb`` with its ``.html``) get the status "tidak diketahui";
    one in ``gagal/`` without a delivered copy was the latest (failed) run of it.
    """
    import nbformat

    found = []
    for nb in sorted(folder.glob("*.ipynb")):
        page = nb.with_suffix(".html")
        if not _BERKAS_RE.fullmatch(nb.name) or not page.is_file():
            continue
        laporan = nb.stem == Path(TEMPLAT).stem
        summary = None
        if laporan:
            with suppress(Exception):
                summary = _ringkasan_aman(read_summary(nbformat.read(nb, as_version=4)))
        found.append(
            HasilTugas(
                kode, nb.stem, _TIDAK_DIKETAHUI, 0.0, "", 1, laporan, summary, [str(nb), str(page)]
            )
        )
    done = {r.nama for r in found}
    for nb in sorted((folder / "gagal").glob("*.ipynb")):
        if nb.stem not in done and _BERKAS_RE.fullmatch(nb.name):
            laporan = nb.stem == Path(TEMPLAT).stem
            galat = "gagal pada proses sebelumnya (dibuat versi lama)"
            found.append(
                HasilTugas(kode, nb.stem, "gagal", 0.0, galat, 1, laporan, berkas=[str(nb)])
            )
    for xlsx in sorted(folder.glob("ringkasan_*.xlsx")):
        if _BERKAS_RE.fullmatch(xlsx.name):
            found.append(
                HasilTugas(kode, "ringkasan.xlsx", _TIDAK_DIKETAHUI, 0.0, berkas=[str(xlsx)])
            )
    return found


def load_status(out: Path) -> tuple[list[str], dict[str, str], list[HasilTugas]]:
    """Every instansi of the output folder with a status record: codes, names, results.

    The records are read as untrusted JSON: only file names of the delivered kinds that
    exist in the instansi folder become links; values are type-checked.
    """
    codes, names, results = [], {}, []
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink()):
        try:
            kode = validate_kode(folder.name)
        except ParameterError:
            continue
        doc = _baca_status(folder)
        if doc is None:
            lama = _status_versi_lama(folder, kode)
            if lama:
                codes.append(kode)
                names[kode] = next(
                    (str(r.ringkasan.get("nama_instansi", "")) for r in lama if r.ringkasan), ""
                )
                results += lama
            continue
        codes.append(kode)
        names[kode] = str(doc.get("nama_instansi", ""))

        def files(entry: dict, key: str, folder: Path = folder) -> list[str]:
            raw = entry.get(key)
            raw = raw if isinstance(raw, list) else []
            ok = [f for f in raw if isinstance(f, str) and _BERKAS_RE.fullmatch(f)]
            return [str(folder / f) for f in ok if (folder / f).is_file()]

        for nama, e in doc["tugas"].items():
            if not isinstance(e, dict):
                continue
            with suppress(TypeError, ValueError):
                results.append(
                    HasilTugas(
                        kode,
                        str(nama),
                        "berhasil" if e.get("status") == "berhasil" else "gagal",
                        float(e.get("detik") or 0.0),
                        str(e.get("galat") or ""),
                        int(e.get("percobaan") or 1),
                        bool(e.get("laporan")),
                        _ringkasan_aman(e.get("ringkasan")),
                        files(e, "berkas"),
                        files(e, "berkas_lama"),
                        str(e.get("waktu") or ""),
                    )
                )
    return codes, names, results


#: Error classes whose message is written for users (Indonesian, saying what to fix).
_GALAT_PENGGUNA = ("KinerjaCalibError", "ParameterError", "DataError", "ReportError")
#: An absolute path (POSIX or Windows) inside a message.
_JALUR_RE = re.compile(r"(?<![\w.\-/\\])(?:[A-Za-z]:[/\\]|/)[^\s'\"`,;()]*")


def pesan_galat(galat: str) -> str:
    """A plain Indonesian sentence for a failed task, for ``index.html``.

    The raw ``"ExceptionName: message"`` stays in the task result, the worker log and the
    notebook kept under ``gagal/``; pages show no exception name and no file path.

    Parameters
    ----------
    galat : str
        :attr:`HasilTugas.galat`.

    Examples
    --------
    >>> pesan_galat("ParameterError: Data tidak ditemukan: /srv/data/prov. Periksa jalur.")
    'Data tidak ditemukan: prov. Periksa jalur.'
    >>> pesan_galat("KeyError: 'nip'")  # doctest: +ELLIPSIS
    'Notebook ini gagal dijalankan karena galat teknis; ...'
    """
    nama, sep, pesan = str(galat).partition(": ")
    if not sep or not re.fullmatch(r"[A-Za-z_][\w.]*", nama):
        nama, pesan = "", str(galat)
    nama = nama.rsplit(".", 1)[-1]
    if nama in ("CellTimeoutError", "TimeoutError"):
        return (
            "Notebook ini melebihi batas waktu per sel; jalankan lagi, atau naikkan batas "
            "waktunya bila datanya memang besar."
        )
    if nama == "DeadKernelError":
        return (
            "Kernel Python berhenti di tengah jalan (mis. kehabisan memori); jalankan lagi "
            "instansi ini saja."
        )
    if nama in _GALAT_PENGGUNA or not nama:  # no exception name: our own sentence
        teks = _JALUR_RE.sub(lambda m: re.split(r"[/\\]", m.group(0).rstrip("/\\"))[-1], pesan)
        teks = teks.strip()
        teks = teks[:1].upper() + teks[1:]
        if teks and not re.search(r"\bError\b|Traceback", teks):
            return teks if teks.endswith((".", "?", "!")) else teks + "."
    return (
        "Notebook ini gagal dijalankan karena galat teknis; rinciannya ada di notebook yang "
        "disimpan di folder gagal/ dan di log pekerja."
    )


def persen(x: float) -> str:
    """A share as people read it: "55,2 %" (one decimal, as in the report itself)."""
    return f"{angka(100 * x, 1)} %"


def _kurva_kata(kurva: dict | None) -> str:
    """The kurva status in words: "memenuhi", "n perpindahan diusulkan", or why not.

    Examples
    --------
    >>> _kurva_kata({"memenuhi": True, "pelanggaran": 0, "perpindahan": 0})
    'memenuhi'
    >>> _kurva_kata({"memenuhi": False, "pelanggaran": 2, "perpindahan": 18})
    '18 perpindahan diusulkan'
    >>> _kurva_kata(None)
    '–'
    """
    if not kurva:
        return KOSONG
    if kurva["memenuhi"]:
        return "memenuhi"
    if kurva["perpindahan"]:
        return f"{angka(kurva['perpindahan'], 0)} perpindahan diusulkan"
    return "belum memenuhi; tidak ada perpindahan yang dapat diusulkan"


def _waktu_kata(waktu: str) -> str:
    """A task's end time as the index shows it ("04-12-2026 17.59"); other text unchanged.

    Examples
    --------
    >>> _waktu_kata("2026-12-04 17:59:06"), _waktu_kata("kemarin")
    ('04-12-2026 17.59', 'kemarin')
    """
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::\d{2})?", waktu.strip())
    return f"{m[3]}-{m[2]}-{m[1]} {m[4]}.{m[5]}" if m else waktu


def _nama_tugas(r: HasilTugas) -> str:
    """What a task made, for a sentence in the index ("Laporan instansi", "Notebook kursus 02")."""
    if r.laporan:
        return "Laporan instansi"
    if r.nama == "ringkasan.xlsx":
        return "Ekspor Excel"
    prefix = r.nama.split("_")[0]
    if prefix in KURSUS:
        return f"Notebook kursus {prefix}"
    return f"Notebook {r.nama}"


def _status_kata(mine: list[HasilTugas]) -> tuple[str, str]:
    """(row class, status in words) of one instansi for the index."""
    failed = [r for r in mine if r.status == "gagal"]
    if failed:
        kalimat = [
            f"{_nama_tugas(r)} gagal dibuat. {pesan_galat(r.galat)}"
            + (" Versi sebelumnya masih ada." if r.berkas_lama else "")
            for r in failed
        ]
        return "gagal", "<br>".join(escape_text(k) for k in kalimat)
    if any(r.status == _TIDAK_DIKETAHUI for r in mine):
        return "lama", escape_text("Status tidak diketahui (dibuat versi lama).")
    return "berhasil", "Selesai"


def _tautan(r: HasilTugas, out: Path) -> tuple[str, bool] | None:
    """The links of one task's files: (HTML snippet, is it the report or a non-page file)."""

    def rel(files: list[str]) -> dict[str, str]:
        return {Path(f).suffix: html.escape(os.path.relpath(f, out), quote=True) for f in files}

    def pdf_beside(files: list[str]) -> str:
        # the PDF the report run writes beside its HTML (when asked to)
        pages = [Path(f) for f in files if f.endswith(".html")]
        pdf = [p.with_suffix(".pdf") for p in pages if p.with_suffix(".pdf").is_file()]
        if not pdf:
            return ""
        return f" · <a href='{html.escape(os.path.relpath(pdf[0], out), quote=True)}'>PDF</a>"

    by_ext = rel(r.berkas)
    name = escape_text(r.nama)
    short = "Laporan" if r.laporan else escape_text(r.nama.split("_")[0])
    if ".html" in by_ext:
        item = f"<a href='{by_ext['.html']}' title='{name}'><b>{short}</b></a>"
        if r.laporan:
            item += pdf_beside(r.berkas)
            if ".ipynb" in by_ext:
                item += f" · <a href='{by_ext['.ipynb']}'>ipynb</a>"
    elif r.status != "berhasil" and r.berkas_lama:  # the previous good one stays
        old = rel(r.berkas_lama)
        target = old.get(".html") or old.get(".xlsx") or next(iter(old.values()))
        item = f"<a href='{target}' title='{name}'>{short}</a> (sebelumnya)"
        if r.laporan:
            item += pdf_beside(r.berkas_lama)
        if ".ipynb" in by_ext:
            item += f" (<a href='{by_ext['.ipynb']}'>ipynb gagal</a>)"
    elif ".ipynb" in by_ext:  # kept for triage
        item = f"{name} (<a href='{by_ext['.ipynb']}'>ipynb gagal</a>)"
    elif ".xlsx" in by_ext:
        item = f"<a href='{by_ext['.xlsx']}'>Excel</a>"
    else:
        return None
    return item, r.laporan or ".html" not in by_ext


def write_index(
    keluaran: str | os.PathLike,
    codes: Iterable[str],
    names: dict[str, str],
    results: list[HasilTugas],
    *,
    detik: float | None = None,
) -> Path:
    """Write ``<keluaran>/index.html`` (Indonesian): one row per instansi, for a BKPSDM head.

    Per instansi: periode, organisation predikat, kurva status ("memenuhi" / "n perpindahan
    diusulkan"), predikat shares, the status in words ("Selesai", or a plain sentence per
    failed notebook) and links to the report (HTML, PDF when the run wrote one, ipynb) and
    the course copies. The figures are the report run's own summary (``.status.json``), never
    recomputed here, and organisation-level only.

    Every data string is escaped (:func:`~kinerja_calib._escape.escape_text`) and the page
    carries the :data:`~kinerja_calib._escape.CSP` meta. ``run_batch`` passes every instansi of
    the folder (from the ``.status.json`` records), so a partial rerun keeps the others; a
    failed notebook whose previous good report is still there links to it, marked
    "sebelumnya"."""
    from ..labels import PREDIKAT

    out = Path(keluaran)
    codes = list(codes)
    rows = []
    for kode in codes:
        mine = sorted((r for r in results if r.kode == kode), key=lambda r: (not r.laporan, r.nama))
        summary = next((r.ringkasan for r in mine if r.laporan and r.ringkasan), None) or {}
        shares = summary.get("porsi_predikat", {})
        share_cells = "".join(
            f"<td class='angka'>{persen(shares[p]) if p in shares else KOSONG}</td>"
            for p in PREDIKAT
        )
        links, course = [], []
        for r in mine:
            made = _tautan(r, out)
            if made is not None:
                (links if made[1] else course).append(made[0])
        if course:
            links.append("Kursus: " + " ".join(course))
        status, kata = _status_kata(mine)
        when = max((r.waktu for r in mine), default="")
        if when:
            kata += f"<br><small>{escape_text(_waktu_kata(when))}</small>"
        org = escape_text(summary.get("predikat_organisasi", "")) or KOSONG
        rows.append(
            f"<tr class='{status}'><td>{escape_text(kode)}</td>"
            f"<td>{escape_text(names.get(kode, ''))}</td>"
            f"<td>{escape_text(summary.get('periode', '')) or KOSONG}</td>"
            f"<td>{org}</td><td class='kurva'>{escape_text(_kurva_kata(summary.get('kurva')))}</td>"
            f"{share_cells}<td class='status'>{kata}</td>"
            f"<td class='berkas'>{'<br>'.join(links)}</td></tr>"
        )
    # a line may break after the "/" of "Kurang/Misconduct" (narrow share columns)
    head = "".join(f"<th>{escape_text(p).replace('/', '/<wbr>')}</th>" for p in PREDIKAT)
    n_ok = sum(all(r.status == "berhasil" for r in results if r.kode == k) for k in codes)
    stamp = time.strftime("%d-%m-%Y %H.%M", time.localtime())
    waktu = f"; proses ini {angka(detik, 0)} detik" if detik is not None else ""
    page = f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Laporan kinerja per instansi</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }}
p {{ max-width: 60rem; }}
table {{ border-collapse: collapse; font-size: 0.85rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.5rem; vertical-align: top; text-align: left; }}
th {{ background: #f0f0f0; }}
th.angka {{ text-align: right; font-weight: normal; max-width: 6rem; }}
td.angka {{ text-align: right; white-space: nowrap; }}
td.status {{ min-width: 9rem; }}
tr.gagal td.status {{ color: #b2182b; min-width: 13rem; max-width: 24rem; }}
tr.berhasil td.status {{ color: #1b7837; }}
td.berkas {{ white-space: nowrap; }}
.gulir {{ overflow-x: auto; }}
</style></head>
<body>
<h1>Laporan kinerja per instansi</h1>
<p>{angka(n_ok, 0)} dari {angka(len(codes), 0)} instansi berhasil pada proses terakhirnya
(dibuat {stamp}{waktu}).</p>
<p><b>Predikat organisasi</b> adalah predikat kinerja instansi yang menentukan kurva
distribusi. <b>Kurva distribusi</b>: "memenuhi" bila sebaran predikat pegawai sudah sesuai
kurva; bila belum, jumlah perpindahan predikat yang diusulkan laporan untuk rapat kalibrasi
(usulan, bukan keputusan). <b>Porsi predikat</b>: bagian pegawai yang memperoleh tiap predikat
pada periode laporan. <b>Status</b> menurut proses terakhir tiap instansi. <b>Laporan</b>
membuka laporan instansi (dan PDF-nya bila dibuat); 01–05 membuka salinan notebook kursus yang
dijalankan untuk instansi itu. Semua berkas bisa dibuka tanpa internet.</p>
<div class="gulir"><table>
<thead><tr><th rowspan="2">Kode</th><th rowspan="2">Instansi</th><th rowspan="2">Periode</th>
<th rowspan="2">Predikat organisasi</th><th rowspan="2">Kurva distribusi</th>
<th colspan="{len(PREDIKAT)}">Porsi predikat pegawai</th><th rowspan="2">Status</th>
<th rowspan="2">Berkas</th></tr>
<tr>{head.replace("<th>", "<th class='angka'>")}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></div>
<p>Kelompok penilai 360 dengan jumlah penilai di bawah ambang anonimitas tidak ditampilkan dan
tidak dipakai untuk skor, predikat atau kalibrasi mana pun; identitas penilai tidak pernah dimuat
dalam laporan.</p>
</body></html>
"""
    return write_atomic(out / "index.html", add_csp(page))


# --------------------------------------------------------------------------- Excel
