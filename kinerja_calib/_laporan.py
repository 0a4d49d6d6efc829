"""Content of the per-instansi report: parameter checks, the report context, the sections.

The template ``notebooks/laporan_instansi.ipynb`` calls, in order::

    ctx = kc.reports.siapkan_laporan(data, kode_instansi, periode, aturan, ambang_anonimitas)
    kc.reports.bagian_ringkasan(ctx)
    kc.reports.bagian_capaian(ctx)
    ...

Each ``bagian_*`` returns a :class:`Bagian` (Markdown text rendered from the data, tables,
static figures) that displays itself in a notebook. The statistics come from the owning
modules (scoring, survey, competency, talent, agreement, calibrate); this module only
filters, aggregates for display and words the results in Bahasa Indonesia.

Privacy (see :mod:`kinerja_calib.privacy`): the context holds only the instansi's own rows;
:func:`~kinerja_calib.params.validate` already drops the 360 groups below the threshold from
the workbook, so the scores, predikat and calibration never see them; the ratings of the
periode pass through :func:`~kinerja_calib.privacy.suppress_360` once more, last (idempotent).
Per-rater values are published only aggregated (counts per unit and role); rater identities
are used inside statistics only and never appear in a table, a figure or text.
"""

from __future__ import annotations

import html
import importlib
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._escape import escape_text as _e
from ._tampil import KOSONG, angka
from .data import ENV_CACHE, sidik_data, tulis_cache, workbook_dari_cache
from .errors import ParameterError
from .labels import NAMA_PERAN, PERAN_PENILAI, PERAN_TIDAK_ANONIM, PREDIKAT
from .privacy import (
    AMBANG_BAWAAN,
    assert_no_rater_ids,
    keterangan_360,
    strip_rater_ids,
    suppress_360,
)

__all__ = [
    "ENV_CACHE",
    "MIME_RINGKASAN",
    "TAG_HAPUS",
    "Bagian",
    "KonteksLaporan",
    "bagian_360",
    "bagian_agreement",
    "bagian_aturan",
    "bagian_capaian",
    "bagian_ikm",
    "bagian_judul",
    "bagian_kompetensi",
    "bagian_kurva",
    "bagian_penilai",
    "bagian_ringkasan",
    "bagian_talenta",
    "bagian_tren",
    "periksa_kode",
    "ringkasan_indeks",
    "siapkan_laporan",
    "sidik_data",
    "tampilkan_ringkasan",
    "tulis_cache",
    "workbook_dari_cache",
]

#: Mimetype of the machine-readable summary the template emits for ``index.html``.
MIME_RINGKASAN = "application/vnd.kinerja-calib.ringkasan+json"
#: Cell tag: removed from the HTML export.
TAG_HAPUS = "hapus-dari-html"

_KODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


# --------------------------------------------------------------------------- parameters


def periksa_kode(kode: Any) -> str:
    """Return ``kode`` if it is a safe instansi code (letters, digits, ``_``, ``-``).

    Codes become folder names under the output folder, so anything that could escape it
    (``../../etc``, absolute paths, separators, empty) is refused.

    Raises
    ------
    ParameterError
        In Indonesian, saying what a valid code looks like.

    Examples
    --------
    >>> periksa_kode("DINKES-1501")
    'DINKES-1501'
    >>> periksa_kode("../../etc")
    Traceback (most recent call last):
    ...
    kinerja_calib.errors.ParameterError: Kode instansi '../../etc' tidak sah: ...
    """
    if isinstance(kode, bool) or not isinstance(kode, str):
        raise ParameterError(
            f"kode_instansi harus teks, bukan {type(kode).__name__} ({kode!r}). Dengan papermill "
            "gunakan -r kode_instansi KODE (bukan -p), agar kode seperti 0101 tidak menjadi "
            "angka 101."
        )
    if not _KODE_RE.fullmatch(kode):
        raise ParameterError(
            f"Kode instansi {kode!r} tidak sah: hanya huruf, angka, '_' dan '-' "
            "(1–64 karakter) yang diizinkan, tanpa '/', '\\', '.' atau spasi. "
            "Periksa kolom kode_instansi pada tabel instansi."
        )
    return kode


def _module(name: str):
    """Import ``kinerja_calib.<name>``; None when it does not exist (yet)."""
    try:
        return importlib.import_module(f"kinerja_calib.{name}")
    except ModuleNotFoundError as err:
        if err.name and err.name.startswith("kinerja_calib"):
            return None
        raise


# --------------------------------------------------------------------------- context


@dataclass
class KonteksLaporan:
    """Everything one report needs, already filtered to one instansi.

    Attributes
    ----------
    kode_instansi, nama_instansi, jenis, wilayah, predikat_organisasi : str
    periode : str
        The report's periode (the latest one when none was asked for).
    periode_semua : list of str
        Every periode of the instansi's data, sorted.
    aturan : Rules
        The scoring rules (``kc.rules.load(aturan)``).
    ambang : int
        Anonymity threshold for 360 groups.
    wb : Workbook
        ``load_workbook(data).untuk_instansi(kode)``.
    skor : DataFrame or None
        ``kc.score_workbook(wb, rules=aturan)`` (every periode), with ``nama``,
        ``unit_kerja``, ``jabatan`` merged in.
    penilaian : DataFrame
        360 ratings of the periode after suppression (still holds ``nip_penilai`` for
        the statistics — never display it; use :func:`strip_rater_ids`).
    ditekan : DataFrame
        Suppressed groups: ``nip, periode, peran_penilai, n_penilai`` (counts only).
    """

    kode_instansi: str
    nama_instansi: str
    jenis: str
    wilayah: str
    predikat_organisasi: str
    periode: str
    periode_semua: list[str]
    aturan: Any
    ambang: int
    wb: Any
    skor: pd.DataFrame | None
    penilaian: pd.DataFrame
    ditekan: pd.DataFrame
    catatan: list[str] = field(default_factory=list)
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def skor_periode(self) -> pd.DataFrame | None:
        """Score rows of the report's periode."""
        if self.skor is None:
            return None
        return self.skor.loc[self.skor["periode"] == self.periode]

    def cached(self, key: str, fn: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def jumlah_predikat(self) -> pd.Series:
        """Pegawai per predikat in the report's periode (all five, zeros kept; int64).

        Pegawai without a predikat (no realisasi, or no 360 rating other than their own) are
        not counted.
        """
        s = self.skor_periode
        if s is None or not len(s):
            return pd.Series(0, index=list(PREDIKAT), name="jumlah", dtype="int64")
        counts = s["predikat"].astype("string").value_counts().reindex(list(PREDIKAT))
        return counts.fillna(0).astype("int64").rename("jumlah")

    def porsi_predikat(self) -> pd.Series:
        """Share of pegawai per predikat in the report's periode (all five, zeros kept).

        All zeros when no pegawai has a predikat (never ``NaN``).
        """
        counts = self.jumlah_predikat()
        total = int(counts.sum())
        return (counts / total if total else counts.astype(float)).rename("porsi")

    def tabel_excel(self) -> dict[str, pd.DataFrame]:
        """Summary tables for the Excel export (no rater identities, no formulas)."""
        sheets: dict[str, pd.DataFrame] = {}
        info = pd.DataFrame(
            {
                "butir": [
                    "kode_instansi",
                    "nama_instansi",
                    "periode",
                    "predikat_organisasi",
                    "ambang_anonimitas",
                ],
                "nilai": [
                    self.kode_instansi,
                    self.nama_instansi,
                    self.periode,
                    self.predikat_organisasi,
                    str(self.ambang),
                ],
            }
        )
        sheets["info"] = info
        p = self.porsi_predikat()
        counts = self.jumlah_predikat()
        sheets["predikat"] = pd.DataFrame(
            {
                "predikat": list(PREDIKAT),
                "jumlah": counts.astype("int64").to_numpy(),
                "persen": (100 * p).round(1).to_numpy(),
            }
        )
        cap = _capaian_jabatan(self)
        if cap is not None:
            sheets["capaian"] = cap
        ikm = _ikm_table(self)
        if ikm is not None:
            sheets["ikm"] = ikm
        sheets["360_ditekan"] = _ditekan_per_peran(self)
        for df in sheets.values():
            assert_no_rater_ids(df)
        return sheets


def siapkan_laporan(
    data: str,
    kode_instansi: str,
    periode: str = "",
    aturan: str = "permenpanrb-6-2022",
    ambang_anonimitas: int = AMBANG_BAWAAN,
) -> KonteksLaporan:
    """Validate the report parameters and build the :class:`KonteksLaporan`.

    Called by the cell right after the template's ``parameters`` cell (papermill only
    *warns* about unknown or mistyped parameters, so the checks live here).

    Parameters
    ----------
    data : str
        Workbook folder or ``.xlsx``; relative paths are resolved from the current
        folder (the notebook's folder under papermill).
    kode_instansi : str
        An instansi of the workbook (text; see :func:`periksa_kode`).
    periode : str
        A periode of the data (``""`` = the latest).
    aturan : str
        Rules name or path for scoring (``kc.rules.available()``).
    ambang_anonimitas : int
        Minimum distinct raters per anonymous 360 group (>= 1).

    Raises
    ------
    ParameterError
        Any bad parameter, with an Indonesian message saying what to use instead.
    """
    from ._tampil import pasang_tampilan
    from .params import Pemeriksa, validate

    pasang_tampilan()  # in the report's kernel: missing values as "–", no stray warnings
    cek = Pemeriksa()
    try:
        kode = periksa_kode(kode_instansi)
    except ParameterError as err:
        cek.tambah(str(err))
        kode = ""
    # validate checks the threshold and drops the small anonymous groups from the workbook,
    # so the scores, predikat and calibration below never see them
    ctx = validate(data, kode, periode, aturan, pemeriksa=cek, ambang_anonimitas=ambang_anonimitas)
    wb, rules, chosen, periods = ctx.wb, ctx.aturan, ctx.periode, ctx.periode_semua
    table = wb.instansi
    row = table.loc[table["kode_instansi"].astype(str) == kode].iloc[0]

    notes: list[str] = []
    skor = _score(wb, rules, notes, ambang_anonimitas)

    ratings = wb.penilaian_360
    if ratings is None:
        ratings = pd.DataFrame(
            columns=["periode", "nip", "nip_penilai", "peran_penilai", "aspek", "nilai"]
        )
    filtered = ratings.loc[ratings["periode"].astype(str) == chosen]
    kept, _ = suppress_360(filtered, ambang=ambang_anonimitas)  # again, last (idempotent)
    hidden = ctx.ditekan
    hidden = hidden.loc[hidden["periode"].astype(str) == chosen].reset_index(drop=True)

    return KonteksLaporan(
        kode_instansi=kode,
        nama_instansi=str(row["nama_instansi"]),
        jenis=str(row.get("jenis", "")),
        wilayah=str(row.get("wilayah", "")),
        predikat_organisasi=str(row["predikat_organisasi"]),
        periode=chosen,
        periode_semua=periods,
        aturan=rules,
        ambang=ambang_anonimitas,
        wb=wb,
        skor=skor,
        penilaian=kept,
        ditekan=hidden,
        catatan=notes,
    )


def _score(wb, rules, notes: list[str], ambang: int = AMBANG_BAWAAN) -> pd.DataFrame | None:
    scoring = _module("scoring")
    if scoring is None or not hasattr(scoring, "score_workbook"):
        notes.append("Modul penilaian (scoring) belum tersedia; bagian predikat dilewati.")
        return None
    skor = scoring.score_workbook(wb, rules=rules, ambang_anonimitas=ambang)
    peg = wb.pegawai[["nip", "nama", "unit_kerja", "jabatan"]]
    extra = [c for c in ("nama", "unit_kerja", "jabatan") if c not in skor.columns]
    if extra:
        skor = skor.merge(peg[["nip", *extra]], on="nip", how="left")
    return skor


# --------------------------------------------------------------------------- number formatting
# Every number the report shows goes through the three functions below (``_angka`` for
# sentences, ``_persen`` for shares, ``_sel`` for table cells, the latter keyed by column so
# that a sentence and the table beside it round the same value the same way). The shared
# formatting module of issue 15 replaces their bodies.

#: Decimals per table column (and for the sentences quoting the same values); default 1.
_DESIMAL: dict[str, int] = {
    "icc1": 2,
    "icc1k": 2,
    "icc1_ci_low": 2,
    "icc1_ci_high": 2,
    "alpha": 2,
    "rwg": 2,
    "rata_rata": 2,  # mean 360 rating (1–5)
    "ikm": 2,
    "kesenjangan_rata_rata": 2,
    **{nama: 2 for nama in NAMA_PERAN.values()},  # mean 360 rating per source (aspek table)
}
#: Columns holding a share 0–1, shown as a percentage ("60 %").
_PROPORSI = frozenset({"proporsi"})


def _angka(x: Any, nd: int = 1) -> str:
    """Indonesian number for a sentence: decimal comma, thousands dot, "–" when missing;
    integers without decimals."""
    if isinstance(x, bool):
        x = int(x)
    if isinstance(x, int | np.integer):
        return angka(x, 0)
    return angka(x, nd)


def _persen(x: float, nd: int = 1) -> str:
    """A share 0–1 as a percentage: ``0.6`` -> ``"60,0 %"`` (``nd=0``: ``"60 %"``)."""
    teks = _angka(100 * float(x), nd) if pd.notna(x) else KOSONG
    return teks if teks == KOSONG else teks + " %"


def _sel(kolom: str, x: Any) -> str:
    """One table cell (or a sentence quoting it): decimals from :data:`_DESIMAL`."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return KOSONG
    if kolom in _PROPORSI:
        bulat = float(np.round(100 * float(x), 9))
        return _persen(x, 0 if bulat == int(bulat) else 1)
    if isinstance(x, int | np.integer | bool):
        return _angka(int(x))
    return _angka(x, _DESIMAL.get(kolom, 1))


# --------------------------------------------------------------------------- display

#: Report stylesheet (emitted once, by :func:`bagian_judul`): text columns left, numbers
#: right; closed detail sections; print layout for the PDF (A4, no figure or table row cut,
#: headings kept with what follows, the executive summary and the rules appendix on their
#: own pages).
_KOLOM_MAKS = 16
_GAYA = (
    "<style>\n"
    ".tabel-laporan th, .tabel-laporan td { text-align: right; }\n"
    + "".join(
        f".tabel-laporan.kiri-{i} th:nth-child({i}), .tabel-laporan.kiri-{i} td:nth-child({i})"
        " { text-align: left; }\n"
        for i in range(1, _KOLOM_MAKS + 1)
    )
    + "details.rincian { margin: 0.4em 0 1em; }\n"
    "details.rincian > summary { cursor: pointer; color: #1f4e79; }\n"
    ".judul-tabel { margin: 0.8em 0 0.3em; }\n"
    "@media print {\n"
    "  @page { size: A4; margin: 14mm 12mm 16mm 12mm; }\n"
    "  .jp-Cell { padding-top: 0 !important; padding-bottom: 0 !important; }\n"
    "  .jp-OutputArea-child { break-inside: auto !important; }\n"
    "  img { max-width: 100% !important; height: auto; break-inside: avoid; }\n"
    "  h1, h2, h3, .judul-tabel, .jp-MarkdownCell:has(h2) { break-after: avoid; }\n"
    "  tr, li, .blok-tabel.utuh, .jp-OutputArea-output img { break-inside: avoid; }\n"
    "  .jp-Cell:has(.celltag_halaman-baru) { break-before: page; }\n"
    "  details.rincian > summary::after { content: ' (lihat versi HTML atau Excel)'; }\n"
    "}\n"
    "</style>"
)


def _tabel_html(df: pd.DataFrame) -> str:
    """A report table: Indonesian numbers (decimals per column), readable headers, text
    columns left-aligned and numbers right-aligned; data text escaped by pandas."""
    assert_no_rater_ids(df)
    shown = df.copy()
    kiri = []
    for i, col in enumerate(shown.columns, start=1):
        s = shown[col]
        if pd.api.types.is_bool_dtype(s):
            shown[col] = s.map(lambda v: "ya" if v is True else ("tidak" if v is False else KOSONG))
            kiri.append(i)
        elif pd.api.types.is_numeric_dtype(s):
            shown[col] = s.map(lambda v, c=str(col): _sel(c, v))
        else:
            kiri.append(i)
    shown.columns = [_judul_kolom(c) for c in shown.columns]
    classes = ["tabel-laporan", *(f"kiri-{i}" for i in kiri if i <= _KOLOM_MAKS)]
    return shown.to_html(index=False, na_rep=KOSONG, border=0, classes=classes, escape=True)


#: Display headers that a generic rule would get wrong.
_JUDUL: dict[str, str] = {
    "nip": "NIP",
    "ikm": "IKM",
    "jpm": "JPM",
    "icc1": "ICC(1)",
    "icc1k": "ICC(1,k)",
    "icc1_ci_low": "ICC(1) batas bawah 95 %",
    "icc1_ci_high": "ICC(1) batas atas 95 %",
    "rwg": "r(wg)",
    "alpha": "α Krippendorff",
    "kategori_icc": "Kategori ICC",
    "kategori_alpha": "Kategori α",
    "penilai_untuk_reliabilitas_0_8": "Penilai untuk reliabilitas 0,8",
    "rata_penilai": "Rata-rata penilai per pegawai",
    "n": "Pegawai",
    "n_subjek": "Pegawai dinilai",
    "n_pegawai": "Jumlah pegawai",
    "n_responden": "Responden",
    "harus_pindah": "Harus pindah (orang)",
    "batas": "Batas (orang)",
    "sekarang_orang": "Sekarang (orang)",
}


def _judul_kolom(name: object) -> str:
    """Display header: ``capaian_rata_rata`` -> ``Capaian rata-rata``; ``nip`` -> ``NIP``."""
    text = str(name)
    if text.lower() in _JUDUL:
        return _JUDUL[text.lower()]
    text = text.replace("rata_rata", "rata-rata").replace("_", " ")
    return text[:1].upper() + text[1:]


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return buf.getvalue()


#: Tables up to this many rows are never split across two printed pages.
_BARIS_UTUH = 25


def _blok_tabel(judul: str, df: pd.DataFrame) -> str:
    """A titled table in the body; a short one is kept on one printed page."""
    utuh = " utuh" if len(df) <= _BARIS_UTUH else ""
    kepala = f"<p class='judul-tabel'><strong>{_e(judul)}</strong></p>" if judul else ""
    return f"<div class='blok-tabel{utuh}'>{kepala}{_tabel_html(df)}</div>"


def _rincian_html(judul: str, df: pd.DataFrame) -> str:
    """A closed ``<details>`` section holding a long table (a list per pegawai …)."""
    return (
        f"<details class='rincian'><summary>{_e(judul)} ({_angka(len(df))} baris)</summary>"
        f"{_tabel_html(df)}</details>"
    )


@dataclass
class Bagian:
    """One report section: interpreted text (Markdown), tables and static figures.

    Displays itself in a notebook (Markdown, HTML tables, PNG images — no widgets, no
    JavaScript), so the HTML export opens offline. ``teks`` and ``catatan`` are Markdown in
    which every data string is already escaped (:func:`~kinerja_calib._escape.escape_text`);
    tables hold raw values, escaped by :meth:`pandas.DataFrame.to_html`. ``tabel`` lists
    every table of the section; those whose title is in ``tertutup`` (long lists, e.g. one
    row per pegawai) are shown only inside closed ``<details>`` sections, so the report's
    first view stays short. ``kepala`` is constant HTML of the package itself (the
    stylesheet), never data.
    """

    teks: str
    tabel: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    gambar: list[Any] = field(default_factory=list)
    catatan: str = ""
    tertutup: tuple[str, ...] = ()
    kepala: str = ""

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, Image, Markdown, display

        if self.kepala:
            display(HTML(self.kepala))
        display(Markdown(self.teks))
        for fig in self.gambar:
            display(Image(data=_png(fig), format="png"))
        for judul, df in self.tabel:
            if judul not in self.tertutup:
                display(HTML(_blok_tabel(judul, df)))
        rincian = [_rincian_html(j, df) for j, df in self.tabel if j in self.tertutup]
        if rincian:
            display(HTML("".join(rincian)))
        if self.catatan:
            display(Markdown(self.catatan))

    def __str__(self) -> str:
        parts = [html.unescape(self.teks)]
        parts += [f"{j}\n{df.to_string(index=False)}" for j, df in self.tabel]
        if self.catatan:
            parts.append(html.unescape(self.catatan))
        return "\n\n".join(parts)


#: Why no pegawai has a predikat (one sentence, shown where a section needs predikat).
_TANPA_PREDIKAT = (
    "belum ada yang memperoleh predikat pada periode ini: predikat memerlukan realisasi "
    "indikator dan penilaian 360 dari atasan, rekan, bawahan atau pengguna layanan."
)


def _belum(nama: str) -> Bagian:
    return Bagian(f"*Bagian ini belum tersedia: modul `{nama}` belum terpasang.*")


def _plots():
    from .plots import reports as pr

    return pr


# --------------------------------------------------------------------------- sections


def bagian_judul(ctx: KonteksLaporan) -> Bagian:
    """Report heading: the instansi's name, code and periode (and the report's stylesheet)."""
    return Bagian(
        f"## {_e(ctx.nama_instansi)}\n\nKode {_e(ctx.kode_instansi)} · {_e(ctx.jenis)} · "
        f"{_e(ctx.wilayah)} · periode {_e(ctx.periode)} · ambang anonimitas 360: {ctx.ambang} "
        "penilai",
        kepala=_GAYA,
    )


#: Predikat below "Baik" (the ones that call for support), low → high.
_DI_BAWAH_BAIK = PREDIKAT[: PREDIKAT.index("Baik")]
#: IKM service quality grades that call for an improvement plan (PermenPANRB 14/2017).
_MUTU_PERBAIKAN = ("C", "D")
#: At most this many units are named in the executive summary.
_UNIT_MAKS = 3
#: A decision's sub-points (what it means for people, which rule it rests on): a nested
#: Markdown list under the numbered decision.
_SUB = "\n   - "


def _kalimat_mode(ctx: KonteksLaporan) -> str | None:
    """How the predikat were made, in one or two sentences (issue 19), or None.

    The executive summary places it right after the predikat line
    (:func:`kinerja_calib.scoring.keterangan_metode`, short form).
    """
    scoring = _module("scoring")
    if scoring is None or not hasattr(scoring, "keterangan_metode"):
        return None
    return scoring.keterangan_metode(ctx.aturan, ctx.skor_periode, ringkas=True)


def _unit_perhatian(ctx: KonteksLaporan) -> pd.DataFrame:
    """Work units whose share of predikat below Baik is above the instansi's own.

    Units with fewer pegawai than the anonymity threshold are left out (a share of one or
    two people says little and points at persons). Columns ``unit_kerja, n, n_bawah,
    porsi_bawah, capaian``; worst first, at most :data:`_UNIT_MAKS` rows.
    """
    s = ctx.skor_periode
    kosong = pd.DataFrame(columns=["unit_kerja", "n", "n_bawah", "porsi_bawah", "capaian"])
    if s is None or "unit_kerja" not in s.columns:
        return kosong
    s = s.loc[s["predikat"].notna()]
    if not len(s):
        return kosong
    bawah = s["predikat"].astype(str).isin(_DI_BAWAH_BAIK)
    g = s.assign(_bawah=bawah.to_numpy()).groupby("unit_kerja", observed=True, sort=True)
    per = pd.DataFrame(
        {
            "n": g.size(),
            "n_bawah": g["_bawah"].sum().astype("int64"),
            "capaian": g["capaian"].mean() if "capaian" in s.columns else np.nan,
        }
    )
    per["porsi_bawah"] = per["n_bawah"] / per["n"]
    pilih = (per["n"] >= max(ctx.ambang, 2)) & (per["porsi_bawah"] > float(bawah.mean()))
    per = per.loc[pilih & (per["n_bawah"] >= 2)]
    per = per.sort_values(["porsi_bawah", "n_bawah"], ascending=False, kind="stable")
    return per.head(_UNIT_MAKS).rename_axis("unit_kerja").reset_index()


def _keputusan_kurva(ctx: KonteksLaporan) -> str | None:
    """The kurva decision and what it means for the people moved (Markdown), or None."""
    viol = _violations(ctx)
    if viol is None:
        return None
    calibrate = _module("calibrate")
    n = int(ctx.jumlah_predikat().sum())
    if not len(viol):
        return (
            f"**Kurva distribusi terpenuhi.** Sebaran predikat {_angka(n)} pegawai sesuai "
            f"batas untuk predikat organisasi {_e(ctx.predikat_organisasi)}; tidak ada "
            "perpindahan predikat yang perlu diputuskan."
        )
    moves = None
    if calibrate is not None and hasattr(calibrate, "calibrate_distribution"):
        moves = ctx.cached("usulan", lambda: _proposal(ctx, calibrate))
    ketentuan = "; ".join(_e(k) for k in viol["keterangan"].astype(str))
    belum = "terkonfirmasi" in viol.columns and not viol["terkonfirmasi"].astype(bool).all()
    aturan = _SUB + (
        f"*Aturannya:* batas yang dipakai ({ketentuan}) **belum terkonfirmasi** terhadap teks "
        "resmi Surat Edaran MenPANRB 3/2023. Pimpinan dapat menetapkan batas instansi sendiri, "
        "atau menunda perpindahan sampai batas itu dipastikan."
        if belum
        else f"*Aturannya:* {ketentuan}."
    )
    if moves is None or not len(moves):
        return (
            f"**Kurva distribusi belum terpenuhi** ({_angka(len(viol))} ketentuan), dan tidak "
            "ada perpindahan predikat yang dapat memenuhinya (mis. unit terlalu kecil): "
            "pimpinan memutuskan apakah kurva diberlakukan untuk unit ini." + aturan
        )
    arah = moves[["predikat_awal", "predikat_usulan"]].astype(str)
    naik = arah["predikat_usulan"].map(PREDIKAT.index) > arah["predikat_awal"].map(PREDIKAT.index)
    pasangan = arah.value_counts(sort=False).reset_index(name="jumlah")
    pasangan = pasangan.sort_values("jumlah", ascending=False, kind="stable")
    rincian = ", ".join(
        f"{_angka(int(j))} dari {_e(a)} ke {_e(u)}" for a, u, j in pasangan.itertuples(index=False)
    )
    teks = (
        f"**Putuskan usulan kalibrasi kurva distribusi.** Agar sebaran predikat memenuhi "
        f"kurva, laporan mengusulkan memindahkan **{_angka(len(moves))} dari {_angka(n)} "
        f"pegawai** ({rincian}); nama-namanya ada di bagian 3 (lipatan tertutup)."
    )
    n_turun, n_naik = int((~naik).sum()), int(naik.sum())
    if n_turun:
        teks += _SUB + (
            f"*Artinya bagi {_angka(n_turun)} pegawai yang diturunkan:* predikat yang lebih "
            "rendah tercatat pada penilaian kinerja mereka dan menjadi dasar tindak lanjut "
            "(pembinaan, angka kredit pejabat fungsional, dan tunjangan kinerja bila instansi "
            "mengaitkannya dengan predikat), padahal penurunan itu berasal dari batas kurva, "
            "bukan dari penilaian atasannya. Beri tahu alasannya dan bahas bukti kinerja tiap "
            "orang sebelum predikat ditetapkan."
        )
    if n_naik:
        teks += _SUB + (
            f"*Artinya bagi {_angka(n_naik)} pegawai yang dinaikkan:* predikatnya membaik."
        )
    return teks + aturan


def _keputusan_unit(ctx: KonteksLaporan) -> str | None:
    """Units needing attention and what it means for their staff (Markdown), or None."""
    units = _unit_perhatian(ctx)
    if not len(units):
        return None
    daftar = "; ".join(
        f"**{_e(u.unit_kerja)}** ({_angka(int(u.n_bawah))} dari {_angka(int(u.n))} pegawai, "
        f"capaian rata-rata {_angka(u.capaian)} %)"
        for u in units.itertuples(index=False)
    )
    return (
        "**Beri perhatian pada unit kerja** dengan porsi pegawai berpredikat di bawah Baik "
        f"tertinggi: {daftar}."
        + _SUB
        + "*Artinya bagi pegawainya:* bimbingan kinerja dari atasan langsung dan tinjauan "
        "bersama atas target indikator: apakah targetnya realistis, atau pekerjaannya "
        "memerlukan dukungan."
    )


def _keputusan_layanan(ctx: KonteksLaporan) -> str | None:
    """Service units with a low IKM grade (Markdown), or None."""
    ikm = ctx.cached("ikm", lambda: _ikm_table(ctx))
    if ikm is None or not len(ikm):
        return None
    rendah = ikm.loc[ikm["mutu"].astype(str).isin(_MUTU_PERBAIKAN)]
    if not len(rendah):
        return None
    daftar = ", ".join(
        f"{_e(u.unit_layanan)} (IKM {_sel('ikm', u.ikm)}, mutu {_e(u.mutu)})"
        for u in rendah.head(_UNIT_MAKS).itertuples(index=False)
    )
    lain = len(rendah) - min(len(rendah), _UNIT_MAKS)
    if lain:
        daftar += f" dan {_angka(lain)} unit lain"
    return (
        f"**Tetapkan rencana perbaikan layanan** untuk {daftar} (bagian 7)."
        + _SUB
        + "*Artinya:* masyarakat menilai layanannya kurang baik; pegawai unit itu perlu tahu "
        "unsur layanan mana yang dikeluhkan dan apa yang akan diubah."
    )


def _keputusan_penilai(ctx: KonteksLaporan) -> str | None:
    """Raters flagged too lenient or too severe (counts only; Markdown), or None."""
    calibrate = _module("calibrate")
    if calibrate is None or not hasattr(calibrate, "rater_effects") or not len(ctx.penilaian):
        return None
    fx = _efek(ctx, calibrate)
    if fx is None:
        return None
    raters = fx.raters.loc[fx.raters.index.isin(_peran_utama(ctx.penilaian).index)]
    f = _flags(raters)
    lunak, keras = int(f["terlalu_lunak"].sum()), int(f["terlalu_keras"].sum())
    if not lunak + keras:
        return None
    return (
        f"**Jadwalkan kalibrasi penilai:** {_angka(lunak)} penilai terlalu lunak dan "
        f"{_angka(keras)} terlalu keras (bagian 6, tanpa nama penilai)."
        + _SUB
        + "*Artinya bagi pegawai yang mereka nilai:* predikatnya bisa lebih tinggi atau "
        "lebih rendah daripada kinerjanya; pelatihan bersama menyamakan ukuran penilai."
    )


def bagian_ringkasan(ctx: KonteksLaporan) -> Bagian:
    """Executive summary: organisation predikat, predikat shares, the decisions the leader
    must take and what each means for the people involved."""
    s = ctx.skor_periode
    n_peg = len(ctx.wb.pegawai)
    n_pred = int(ctx.jumlah_predikat().sum())
    lines = [
        f"Predikat organisasi **{_e(ctx.predikat_organisasi)}** · periode "
        f"**{_e(ctx.periode)}** · {_angka(n_peg)} pegawai."
    ]
    if s is not None and len(s) and not n_pred:
        lines.append(f"Dari {_angka(n_peg)} pegawai, {_TANPA_PREDIKAT}")
    if s is not None and n_pred:
        porsi, jumlah = ctx.porsi_predikat(), ctx.jumlah_predikat()
        sebaran = " · ".join(
            f"{p} **{_persen(porsi[p])}** ({_angka(int(jumlah[p]))})"
            for p in reversed(PREDIKAT)
            if jumlah[p] > 0
        )
        lines.append(f"Predikat pegawai ({_angka(n_pred)} berpredikat): {sebaran}.")
        mode = _kalimat_mode(ctx)
        if mode:
            lines.append(mode)
        angka_kunci = []
        if "capaian" in s.columns and s["capaian"].notna().any():
            angka_kunci.append(f"capaian indikator rata-rata {_angka(s['capaian'].mean())} %")
        if len(ctx.penilaian):
            angka_kunci.append(f"{_angka(int(ctx.penilaian['nip'].nunique()))} pegawai dinilai 360")
        if angka_kunci:
            lines.append(angka_kunci[0][:1].upper() + "; ".join(angka_kunci)[1:] + ".")
    elif s is None or not len(s):
        lines.append(f"Instansi ini memiliki {_angka(n_peg)} pegawai.")
    keputusan = [
        k
        for k in (
            _keputusan_kurva(ctx) if n_pred else None,
            _keputusan_unit(ctx),
            _keputusan_layanan(ctx),
            _keputusan_penilai(ctx),
        )
        if k
    ]
    text = "\n\n".join(lines)
    if keputusan:
        text += "\n\n### Keputusan untuk pimpinan\n\n" + "\n".join(
            f"{i}. {k}" for i, k in enumerate(keputusan, start=1)
        )
    else:
        text += "\n\n### Keputusan untuk pimpinan\n\nTidak ada keputusan yang mendesak."
    if ctx.catatan:
        text += "\n\n" + "\n".join(f"*{_e(c)}*" for c in ctx.catatan)
    return Bagian(text)


def _capaian_jabatan(ctx: KonteksLaporan) -> pd.DataFrame | None:
    s = ctx.skor_periode
    if s is None or "capaian" not in s.columns:
        return None
    g = s.groupby("jabatan", observed=True)["capaian"]
    out = (
        pd.DataFrame(
            {
                "jumlah_pegawai": g.size(),
                "capaian_rata_rata": g.mean(),
                "capaian_minimum": g.min(),
                "capaian_maksimum": g.max(),
            }
        )
        .reset_index()
        .sort_values("capaian_rata_rata", ascending=False, kind="stable")
    )
    return out.reset_index(drop=True)


def _capaian_indikator(ctx: KonteksLaporan) -> pd.DataFrame | None:
    indicators = _module("indicators")
    wb = ctx.wb
    if indicators is None or wb.realisasi is None or not hasattr(indicators, "capaian"):
        return None
    real = wb.realisasi.loc[wb.realisasi["periode"].astype(str) == ctx.periode]
    ind = wb.indikator
    m = real.merge(ind, on="kode_indikator", how="inner")
    if not len(m):
        return None
    target = m["target"] if "target" in m.columns else m.get("target_min")
    tmax = m["target_max"] if "target_max" in m.columns else None
    cap = indicators.capaian(m["realisasi"], target, arah=m["arah"], target_max=tmax)
    m = m.assign(capaian=np.asarray(cap, dtype=float))
    g = m.groupby(["jabatan", "nama_indikator", "satuan"], observed=True, sort=True)
    out = pd.DataFrame(
        {
            "n": g.size(),
            "realisasi_rata_rata": g["realisasi"].mean(),
            "capaian_rata_rata": g["capaian"].mean(),
        }
    ).reset_index()
    return out


def bagian_capaian(ctx: KonteksLaporan) -> Bagian:
    """Indicator achievement (capaian) per jabatan, and the weakest indicators."""
    if ctx.skor is None:
        return _belum("scoring")
    tab = _capaian_jabatan(ctx)
    if tab is None or not len(tab):
        return Bagian("Tidak ada data capaian indikator untuk periode ini.")
    best, worst = tab.iloc[0], tab.iloc[-1]
    text = (
        f"Capaian rata-rata per jabatan berkisar dari {_angka(worst['capaian_rata_rata'])} % "
        f"(**{_e(worst['jabatan'])}**) sampai {_angka(best['capaian_rata_rata'])} % "
        f"(**{_e(best['jabatan'])}**) pada {_angka(len(tab))} jabatan."
    )
    semua = "Capaian per jabatan (%), semua jabatan"
    tables = [(semua, tab)]
    per_ind = ctx.cached("capaian_indikator", lambda: _capaian_indikator(ctx))
    if per_ind is not None and len(per_ind):
        low = per_ind.sort_values("capaian_rata_rata", kind="stable").head(5)
        w = low.iloc[0]
        text += (
            f" Indikator dengan capaian terendah: *{_e(w['nama_indikator'])}* "
            f"({_e(w['jabatan'])}), "
            f"rata-rata {_angka(w['capaian_rata_rata'])} % — periksa apakah targetnya realistis "
            "atau kinerjanya memang perlu dibantu."
        )
        tables.append(("Lima indikator dengan capaian terendah", low.reset_index(drop=True)))
    fig = _plots().gambar_capaian_jabatan(tab, maks=10)
    return Bagian(text, tables, [fig], tertutup=(semua,))


def _violations(ctx: KonteksLaporan) -> pd.DataFrame | None:
    scoring = _module("scoring")
    s = ctx.skor_periode
    if scoring is None or s is None or not hasattr(scoring, "cek_kurva"):
        return None
    pred = s["predikat"].dropna()
    if not len(pred):
        return None
    return ctx.cached(
        "cek_kurva",
        lambda: scoring.cek_kurva(pred, ctx.predikat_organisasi, rules=ctx.aturan),
    )


def _tabel_kurva(ctx: KonteksLaporan, scoring) -> pd.DataFrame:
    """Every kurva constraint of the organisation predikat with its status, in words."""
    pred = ctx.skor_periode["predikat"].dropna()
    semua = scoring.cek_kurva(pred, ctx.predikat_organisasi, rules=ctx.aturan, semua=True)
    status = np.where(
        semua["terpenuhi"].astype(bool),
        "terpenuhi",
        "belum: " + semua["harus_pindah"].map(_angka).astype(str) + " orang harus pindah",
    )
    return pd.DataFrame(
        {
            "ketentuan": semua["keterangan"].astype(str),
            "sekarang_orang": semua["jumlah"].astype("int64"),
            "batas": semua["batas"].astype("int64"),
            "status": status,
            "angka_terkonfirmasi": np.where(semua["terkonfirmasi"].astype(bool), "ya", "belum"),
        }
    )


def bagian_kurva(ctx: KonteksLaporan) -> Bagian:
    """Predikat distribution against the kurva distribusi, with the calibration proposal."""
    scoring = _module("scoring")
    s = ctx.skor_periode
    if scoring is None or s is None:
        return _belum("scoring")
    jumlah = ctx.jumlah_predikat()
    n = int(jumlah.sum())
    if not n:
        return Bagian(f"Bagian ini memerlukan predikat pegawai; di instansi ini {_TANPA_PREDIKAT}")
    porsi = ctx.porsi_predikat()
    cons = scoring.kurva_constraints(ctx.predikat_organisasi, rules=ctx.aturan)
    viol = _violations(ctx)
    if viol is None or not len(viol):
        text = (
            f"Untuk predikat organisasi **{_e(ctx.predikat_organisasi)}**, sebaran predikat "
            f"{_angka(n)} pegawai memenuhi semua {_angka(len(cons))} ketentuan kurva distribusi."
        )
    else:
        text = (
            f"Untuk predikat organisasi **{_e(ctx.predikat_organisasi)}**, sebaran predikat "
            f"{_angka(n)} pegawai melanggar {_angka(len(viol))} dari {_angka(len(cons))} "
            "ketentuan kurva distribusi."
        )
    tables = [("Ketentuan kurva distribusi", _tabel_kurva(ctx, scoring))] if len(cons) else []
    tertutup = ["Jumlah dan porsi pegawai per predikat"]
    tables += [
        (
            "Jumlah dan porsi pegawai per predikat",
            pd.DataFrame(
                {
                    "predikat": list(PREDIKAT),
                    "jumlah": jumlah.to_numpy(),
                    "persen": (100 * porsi).to_numpy(),
                }
            ),
        )
    ]
    calibrate = _module("calibrate")
    catatan = ""
    if calibrate is not None and hasattr(calibrate, "calibrate_distribution") and n:
        moves = ctx.cached("usulan", lambda: _proposal(ctx, calibrate))
        # the rules file's name is no reader's business (the appendix explains the rule)
        catatan = re.sub(r"\(aturan '[^']*', ", "(", ctx._cache.get("usulan_catatan", ""))
        if len(moves):
            text += (
                " Usulan kalibrasi (bahan rapat kalibrasi, bukan keputusan): memindahkan "
                f"{_angka(len(moves))} pegawai agar kurva terpenuhi dengan perpindahan paling "
                "sedikit; yang dipindah lebih dulu adalah pegawai terdekat dengan batas menurut "
                "skor gabungan capaian dan skor perilaku terkalibrasi (efek keparahan penilai "
                "dihapus). Daftar namanya ada di bawah (tertutup)."
            )
            tables.append(("Usulan perpindahan predikat, per pegawai", moves))
            tertutup.append("Usulan perpindahan predikat, per pegawai")
        elif viol is not None and len(viol):
            text += (
                " Kalibrasi tidak menemukan perpindahan yang dapat memenuhi semua ketentuan "
                "(mis. instansi terlalu kecil); lihat catatan di bawah."
            )
        else:
            text += " Tidak ada perpindahan predikat yang perlu diusulkan."
    fig = _plots().gambar_kurva(porsi, cons)
    return Bagian(
        text,
        tables,
        [fig],
        catatan=f"*{_e(catatan)}*" if catatan else "",
        tertutup=tuple(tertutup),
    )


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    out = strip_rater_ids(df.reset_index(drop=True))
    for c in out.columns:
        if out[c].map(lambda v: isinstance(v, tuple | list)).any():
            out[c] = out[c].map(
                lambda v: " + ".join(map(str, v)) if isinstance(v, tuple | list) else v
            )
    return out


def _proposal(ctx: KonteksLaporan, calibrate) -> pd.DataFrame | None:
    """Moves proposed by ``calibrate.calibrate_distribution`` for this instansi and periode.

    Who moves first is ordered by a combined score: the mean of the standardised capaian and
    the standardised calibrated 360 score (``rater_effects(...).ratees.skor_terkalibrasi``,
    rater severity removed); pegawai without 360 data use capaian alone.
    """
    s = ctx.skor_periode[["nip", "kode_instansi", "predikat", "capaian"]]
    s = s.loc[s["predikat"].notna()].copy()
    parts = [_z(s["capaian"].to_numpy(dtype=float))]
    fx = _efek(ctx, calibrate)
    if fx is not None:
        kal = fx.ratees["skor_terkalibrasi"].reindex(s["nip"]).to_numpy(dtype=float)
        parts.append(_z(kal))
    stack = np.vstack(parts)
    ada = np.isfinite(stack)
    n_ada = ada.sum(axis=0)
    total = np.where(ada, stack, 0.0).sum(axis=0)
    gabung = np.divide(total, n_ada, out=np.full(len(s), np.nan), where=n_ada > 0)
    bawah = np.nanmin(gabung) - 1 if np.isfinite(gabung).any() else 0.0
    s["skor_terkalibrasi"] = np.where(np.isfinite(gabung), gabung, bawah)
    res = calibrate.calibrate_distribution(s, ctx.predikat_organisasi, rules=ctx.aturan)
    ctx._cache["usulan_catatan"] = getattr(res, "catatan", "")
    moves = _plain(res.perpindahan)
    if "nip" in moves.columns and "nama" not in moves.columns:
        moves = moves.merge(ctx.wb.pegawai[["nip", "nama"]], on="nip", how="left")
    keep = [
        c
        for c in ("nip", "nama", "predikat_awal", "predikat_usulan", "alasan")
        if c in moves.columns
    ]
    return moves[keep]


def _z(x: np.ndarray) -> np.ndarray:
    """Standardised ``x`` (NaN kept); zeros when fewer than two finite values or no spread."""
    ok = np.isfinite(x)
    if ok.sum() < 2:
        return np.where(ok, 0.0, np.nan)
    sd = float(np.std(x[ok]))
    return (x - float(np.mean(x[ok]))) / sd if sd > 0 else np.where(ok, 0.0, np.nan)


def _efek(ctx: KonteksLaporan, calibrate):
    """``calibrate.rater_effects`` of the report's 360 ratings (cached), or ``None`` when no
    rating other than self-ratings is left after the anonymity threshold. Its design warnings
    (``PeringatanKalibrasi``) are kept in ``fx.info["peringatan"]`` and shown once, in
    :func:`bagian_penilai`, not as Python warnings in the report."""

    def fit():
        with warnings.catch_warnings():
            kategori = getattr(calibrate, "PeringatanKalibrasi", None)
            if kategori is not None:
                warnings.simplefilter("ignore", kategori)
            return calibrate.rater_effects(ctx.penilaian)

    fx = ctx.cached("efek", fit)
    return None if "kurang" in fx.info else fx


def _ditekan_per_peran(ctx: KonteksLaporan) -> pd.DataFrame:
    anon = [p for p in PERAN_PENILAI if p not in PERAN_TIDAK_ANONIM]
    d = ctx.ditekan
    counts = d["peran_penilai"].astype("string").value_counts().reindex(anon).fillna(0)
    return pd.DataFrame(
        {
            "peran_penilai": [NAMA_PERAN[p] for p in anon],
            "kelompok_disembunyikan": counts.astype("int64").to_numpy(),
        }
    )


def _per_pegawai_360(ctx: KonteksLaporan) -> pd.DataFrame:
    r = ctx.penilaian
    g = r.groupby(["nip", "peran_penilai"], observed=True)
    stats = pd.DataFrame({"rata": g["nilai"].mean(), "n": g["nip_penilai"].nunique()})
    stats = stats.reset_index()
    stats["sel"] = [
        f"{_sel('rata_rata', m)} ({_angka(int(k))} penilai)"
        for m, k in zip(stats["rata"], stats["n"], strict=True)
    ]
    wide = stats.pivot(index="nip", columns="peran_penilai", values="sel")
    roles = [p for p in PERAN_PENILAI if p in wide.columns]
    wide = wide[roles].rename(columns=NAMA_PERAN)
    others = r.loc[r["peran_penilai"] != "diri"].groupby("nip")["nilai"].mean()
    wide.insert(
        0, "Semua kecuali diri", others.reindex(wide.index).map(lambda v: _sel("rata_rata", v))
    )
    peg = ctx.wb.pegawai.set_index("nip")[["nama"]]
    out = peg.join(wide, how="inner").reset_index().rename(columns={"index": "nip"})
    return out.fillna("–")


def bagian_360(ctx: KonteksLaporan) -> Bagian:
    """360 results by rater source, self shown apart, after the anonymity threshold."""
    r = ctx.penilaian
    if not len(r):
        return Bagian(f"Tidak ada penilaian 360 untuk periode {_e(ctx.periode)}.")
    g = r.groupby("peran_penilai", observed=True)
    per = pd.DataFrame(
        {
            "pegawai_dinilai": g["nip"].nunique(),
            "jumlah_penilaian": g.size(),
            "rata_rata": g["nilai"].mean(),
        }
    ).reindex([p for p in PERAN_PENILAI if p in set(r["peran_penilai"].astype(str))])
    per.index = [NAMA_PERAN[p] for p in per.index]
    per = per.rename_axis("sumber").reset_index()
    others = r.loc[r["peran_penilai"] != "diri", "nilai"].mean()
    self_ = r.loc[r["peran_penilai"] == "diri", "nilai"].mean()
    text = (
        "Rata-rata nilai perilaku dari semua penilai kecuali diri sendiri: "
        f"**{_sel('rata_rata', others)}**"
    )
    if pd.notna(self_):
        gap = self_ - others
        arah = "lebih tinggi" if gap > 0 else "lebih rendah"
        text += (
            f"; penilaian diri sendiri rata-rata {_sel('rata_rata', self_)}, "
            f"{_sel('rata_rata', abs(gap))} poin {arah} — ditampilkan terpisah dan tidak dihitung "
            "dalam skor perilaku."
        )
    else:
        text += "."
    text += (
        f" Pada periode ini {_angka(len(ctx.ditekan))} kelompok penilai disembunyikan. "
        + keterangan_360(ctx.ambang)
    )
    aspek = r.pivot_table(
        index="aspek", columns="peran_penilai", values="nilai", aggfunc="mean", observed=True
    )
    roles = [p for p in PERAN_PENILAI if p in aspek.columns]
    from .labels import ASPEK_BERAKHLAK

    aspek = aspek[roles].rename(columns=NAMA_PERAN)
    aspek.columns.name = None
    aspek.index = [ASPEK_BERAKHLAK.get(str(a), str(a)) for a in aspek.index]
    fig = _plots().gambar_360_peran(aspek)
    aspek = aspek.rename_axis("aspek").reset_index()
    per_aspek = "Nilai per aspek BerAKHLAK dan sumber"
    per_pegawai = (
        "Nilai 360 per pegawai menurut sumber (rata-rata dan jumlah penilai; "
        "'–': tidak ada atau disembunyikan)"
    )
    ditekan = "Kelompok penilai yang disembunyikan (di bawah ambang anonimitas), per peran"
    tables = [
        ("Nilai per sumber penilai", per),
        (per_aspek, aspek),
        (ditekan, _ditekan_per_peran(ctx)),
        (per_pegawai, _per_pegawai_360(ctx)),
    ]
    return Bagian(text, tables, [fig], tertutup=(per_aspek, ditekan, per_pegawai))


def bagian_agreement(ctx: KonteksLaporan) -> Bagian:
    """Rater agreement per rater source and the advice on how many raters are needed."""
    agreement = _module("agreement")
    if agreement is None or not hasattr(agreement, "agreement_table"):
        return _belum("agreement")
    r = ctx.penilaian.loc[ctx.penilaian["peran_penilai"] != "diri"]
    if not len(r):
        return Bagian("Tidak ada penilaian 360 (selain diri sendiri) untuk dihitung.")
    tab = agreement.agreement_table(r, by=["peran_penilai"])
    tab = tab.loc[tab["n_subjek"] > 0].copy()
    if not len(tab):
        return Bagian(
            "Belum ada pegawai yang dinilai oleh dua penilai atau lebih dari sumber yang sama, "
            "sehingga kesepakatan antarpenilai belum dapat dihitung."
        )
    target = 0.8
    k = agreement.raters_needed(tab["icc1"].to_numpy(dtype=float), target)
    k = np.asarray(k, dtype=float)
    tab["penilai_untuk_reliabilitas_0_8"] = pd.array(
        np.where(np.isfinite(k), k, np.nan), dtype="Float64"
    ).astype("Int64")
    tab["peran_penilai"] = tab["peran_penilai"].astype(str).map(NAMA_PERAN)
    lines = []
    for row in tab.itertuples(index=False):
        if not np.isfinite(row.icc1):
            lines.append(
                f"- **{_e(row.peran_penilai)}**: data belum cukup ({_e(row.kategori_icc)})."
            )
            continue
        need = row.penilai_untuk_reliabilitas_0_8
        if pd.notna(need) and need <= 20:
            advice = (
                f"perlu sekitar {_angka(int(need))} penilai per pegawai agar reliabilitas "
                f"rata-rata mencapai {_angka(target, 1)}"
            )
        elif pd.notna(need):
            advice = (
                f"reliabilitas {_angka(target, 1)} baru tercapai dengan {_angka(int(need))} "
                "penilai — tidak realistis; samakan dulu pemahaman panduan perilaku melalui "
                "kalibrasi penilai"
            )
        else:
            advice = "menambah penilai tidak menolong — samakan dulu pemahaman panduan perilaku"
        lines.append(
            f"- **{_e(row.peran_penilai)}**: ICC(1) satu penilai {_sel('icc1', row.icc1)} "
            f"({_e(row.kategori_icc)}); rata-rata {_sel('rata_penilai', row.rata_penilai)} "
            f"penilai per pegawai memberi ICC(1,k) {_sel('icc1k', row.icc1k)}; {advice}."
        )
    text = (
        "Kesepakatan antarpenilai per sumber (hanya kelompok yang lolos ambang anonimitas; "
        "penilaian diri tidak dihitung):\n\n" + "\n".join(lines)
    )
    keep = [
        c
        for c in (
            "peran_penilai",
            "n_subjek",
            "n_penilai",
            "rata_penilai",
            "icc1",
            "icc1_ci_low",
            "icc1_ci_high",
            "icc1k",
            "alpha",
            "rwg",
            "kategori_icc",
            "kategori_alpha",
            "penilai_untuk_reliabilitas_0_8",
        )
        if c in tab.columns
    ]
    shown = tab[keep].rename(columns={"n_penilai": "jumlah_penilai"})
    judul = "Kesepakatan antarpenilai, semua ukuran"
    return Bagian(text, [(judul, shown.reset_index(drop=True))], tertutup=(judul,))


def _peran_utama(r: pd.DataFrame) -> pd.Series:
    """The role each rater used most often, self ratings excluded (index ``nip_penilai``;
    internal only)."""
    r = r.loc[r["peran_penilai"] != "diri"]
    return (
        r.groupby(["nip_penilai", "peran_penilai"], observed=True)
        .size()
        .reset_index(name="n")
        .sort_values(["nip_penilai", "n"], ascending=[True, False], kind="stable")
        .drop_duplicates("nip_penilai")
        .set_index("nip_penilai")["peran_penilai"]
        .astype(str)
    )


def _flags(raters: pd.DataFrame) -> pd.DataFrame:
    diag = raters["diagnosis"].astype(str)
    lunak = diag.str.contains("terlalu lunak").to_numpy()
    keras = diag.str.contains("terlalu keras").to_numpy()
    lain = (diag != "wajar").to_numpy() & ~lunak & ~keras
    return pd.DataFrame(
        {"terlalu_lunak": lunak, "terlalu_keras": keras, "catatan_lain": lain},
        index=raters.index,
    )


def _count_flags(info: pd.DataFrame, key: str) -> pd.DataFrame:
    g = info.groupby(key, sort=True)
    return pd.DataFrame(
        {
            "jumlah_penilai": g.size(),
            "terlalu_lunak": g["terlalu_lunak"].sum().astype("int64"),
            "terlalu_keras": g["terlalu_keras"].sum().astype("int64"),
            "catatan_lain": g["catatan_lain"].sum().astype("int64"),
        }
    )


def _penilai_per_unit(ctx: KonteksLaporan, raters: pd.DataFrame) -> pd.DataFrame:
    """Counts of flagged raters per unit; units with fewer raters than the anonymity
    threshold are pooled into one row so a count never points at one person."""
    info = _flags(raters)
    unit = ctx.wb.pegawai.set_index("nip")["unit_kerja"].astype(str)
    info["unit_kerja"] = unit.reindex(info.index).fillna("Luar instansi / pengguna layanan")
    size = info.groupby("unit_kerja")["unit_kerja"].transform("size")
    info.loc[size.to_numpy() < ctx.ambang, "unit_kerja"] = (
        f"Unit lain (kurang dari {ctx.ambang} penilai, digabung)"
    )
    out = _count_flags(info, "unit_kerja")
    small = out["jumlah_penilai"] < ctx.ambang  # a pooled row can still be tiny: hide it
    for col in ("terlalu_lunak", "terlalu_keras", "catatan_lain"):
        out[col] = out[col].astype("Int64").mask(small)
    return out.reset_index()


def _penilai_per_peran(ctx: KonteksLaporan, raters: pd.DataFrame) -> pd.DataFrame:
    info = _flags(raters)
    info["peran"] = _peran_utama(ctx.penilaian).reindex(info.index).to_numpy()
    out = _count_flags(info, "peran")
    out = out.reindex([p for p in PERAN_PENILAI if p in out.index])
    small = out["jumlah_penilai"] < ctx.ambang  # a count must never point at one person
    for col in ("terlalu_lunak", "terlalu_keras", "catatan_lain"):
        out[col] = out[col].astype("Int64").mask(small)
    out.index = [NAMA_PERAN[p] for p in out.index]
    return out.rename_axis("peran_utama").reset_index()


def bagian_penilai(ctx: KonteksLaporan) -> Bagian:
    """Raters flagged lenient/severe, aggregated per unit and role — never naming a rater."""
    calibrate = _module("calibrate")
    if calibrate is None or not hasattr(calibrate, "rater_effects"):
        return _belum("calibrate")
    r = ctx.penilaian
    fx = _efek(ctx, calibrate)
    if fx is None:
        return Bagian(
            "Bagian ini memerlukan penilaian 360 dari atasan, rekan, bawahan atau pengguna "
            f"layanan; instansi ini tidak memilikinya pada periode {_e(ctx.periode)} (setelah "
            "ambang anonimitas)."
        )
    # raters who only rated themselves are no rater effect on others
    raters = fx.raters.loc[fx.raters.index.isin(_peran_utama(r).index)]
    f = _flags(raters)
    text = (
        f"Dari {_angka(len(raters))} penilai pada periode {_e(ctx.periode)}, model efek penilai "
        "(pegawai + penilai + peran + aspek) menandai "
        f"{_angka(int(f['terlalu_lunak'].sum()))} penilai **terlalu lunak** dan "
        f"{_angka(int(f['terlalu_keras'].sum()))} penilai **terlalu keras**; "
        f"{_angka(int(f['catatan_lain'].sum()))} penilai lain mendapat catatan pola (efek halo, "
        "kecenderungan sentral, atau tidak konsisten). Tabel hanya memuat jumlah per unit kerja "
        "dan per peran; nama penilai tidak dilaporkan."
    )
    per_unit = "Penilai bertanda per unit kerja penilai"
    tables = [
        ("Penilai bertanda per peran utama", _penilai_per_peran(ctx, raters)),
        (per_unit, _penilai_per_unit(ctx, raters)),
    ]
    catatan = " ".join(_e(m) for m in fx.info.get("peringatan", []))
    return Bagian(text, tables, tertutup=(per_unit,), catatan=f"*{catatan}*" if catatan else "")


def _ikm_table(ctx: KonteksLaporan) -> pd.DataFrame | None:
    survey = _module("survey")
    skm = ctx.wb.survei_skm
    if survey is None or skm is None or not len(skm):
        return None
    resp = skm.loc[skm["periode"].astype(str) == ctx.periode]
    if not len(resp):
        return None
    tab = survey.ikm(resp, by="unit_layanan")
    keep = [
        c for c in ("unit_layanan", "n_responden", "ikm", "mutu", "kinerja") if c in tab.columns
    ]
    return tab[keep].sort_values("ikm", ascending=False, kind="stable").reset_index(drop=True)


def bagian_ikm(ctx: KonteksLaporan) -> Bagian:
    """IKM (PermenPANRB 14/2017) per service unit."""
    tab = ctx.cached("ikm", lambda: _ikm_table(ctx))
    if tab is None:
        return Bagian(f"Tidak ada data survei kepuasan masyarakat untuk periode {_e(ctx.periode)}.")
    best, worst = tab.iloc[0], tab.iloc[-1]
    text = (
        f"{_angka(len(tab))} unit layanan disurvei ({_angka(int(tab['n_responden'].sum()))} "
        "responden). "
    )
    if len(tab) == 1:
        text += (
            f"IKM {_e(best['unit_layanan'])}: {_sel('ikm', best['ikm'])} (mutu {_e(best['mutu'])})."
        )
    else:
        text += (
            f"IKM tertinggi {_sel('ikm', best['ikm'])} (mutu {_e(best['mutu'])}, "
            f"{_e(best['unit_layanan'])}); terendah {_sel('ikm', worst['ikm'])} "
            f"(mutu {_e(worst['mutu'])}, {_e(worst['unit_layanan'])})."
        )
    fig = _plots().gambar_ikm(tab)
    return Bagian(text, [("IKM per unit layanan", tab)], [fig])


def bagian_kompetensi(ctx: KonteksLaporan) -> Bagian:
    """Competency gaps (Job Person Match) per competency."""
    competency = _module("competency")
    k = ctx.wb.kompetensi
    if competency is None:
        return _belum("competency")
    if k is None or not len(k):
        return Bagian("Tidak ada data kompetensi untuk instansi ini.")
    jt = competency.jpm_table(k)
    kes = competency.kesenjangan(k)
    gap_col = "kesenjangan" if "kesenjangan" in kes.columns else None
    cats = jt["kategori"].astype("string").value_counts()
    text = (
        f"Job Person Match rata-rata {_angka(jt['jpm'].mean())} % untuk "
        f"{_angka(len(jt))} pegawai; "
        + ", ".join(f"{_e(c)}: {_angka(int(n))}" for c, n in cats.items())
        + "."
    )
    tables = [("Kategori JPM", cats.rename_axis("kategori").reset_index(name="jumlah"))]
    if gap_col:
        g = kes.groupby("kompetensi", observed=True)[gap_col]
        per = (
            pd.DataFrame(
                {
                    "kesenjangan_rata_rata": g.mean(),
                    "pegawai_di_bawah_standar": g.apply(lambda s: int((s < 0).sum())),
                }
            )
            .reset_index()
            .sort_values("kesenjangan_rata_rata", kind="stable")
        )
        w = per.iloc[0]
        text += (
            f" Kesenjangan terbesar pada kompetensi **{_e(w['kompetensi'])}** "
            f"(rata-rata {_sel('kesenjangan_rata_rata', w['kesenjangan_rata_rata'])} level, "
            f"{_angka(int(w['pegawai_di_bawah_standar']))} pegawai di bawah standar) — "
            "prioritas pelatihan."
        )
        tables.append(("Kesenjangan per kompetensi", per.reset_index(drop=True)))
    return Bagian(text, tables, tertutup=("Kategori JPM", "Kesenjangan per kompetensi"))


def bagian_talenta(ctx: KonteksLaporan) -> Bagian:
    """9-box talent map with follow-ups: pendidikan lanjutan shortlist, promotion pool 7–9."""
    talent = _module("talent")
    s = ctx.skor_periode
    if talent is None:
        return _belum("talent")
    if s is None:
        return _belum("scoring")
    if "potensi" not in ctx.wb.pegawai.columns:
        return Bagian("Data potensi pegawai tidak tersedia; peta talenta tidak dapat dibuat.")
    df = s[["nip", "predikat"]].merge(
        ctx.wb.pegawai[["nip", "nama", "jabatan", "potensi"]], on="nip", how="left"
    )
    df = df.loc[df["potensi"].notna() & df["predikat"].notna()]
    if not len(df):
        return Bagian(
            "Bagian ini memerlukan pegawai yang memiliki predikat dan data potensi; instansi "
            f"ini belum memilikinya pada periode {_e(ctx.periode)}."
        )
    peta = talent.peta_talenta(df, kompetensi=ctx.wb.kompetensi, kolom_kinerja="predikat")
    box = talent.ringkasan_kotak(peta)
    pool = peta.loc[peta["kelompok_suksesi"]].sort_values(
        ["kotak", "nama"], ascending=[False, True]
    )
    edu = peta.loc[peta["usulan_pendidikan_lanjutan"]].sort_values(
        ["kotak", "nama"], ascending=[False, True]
    )
    text = (
        f"{_angka(len(peta))} pegawai dipetakan ke 9 kotak (kinerja dari predikat × potensi). "
        f"Kelompok suksesi (kotak 7–9): {_angka(len(pool))} pegawai; usulan pendidikan lanjutan: "
        f"{_angka(len(edu))} pegawai. Daftar ini bahan pertimbangan pimpinan instansi, bukan "
        "keputusan."
    )
    cols = ["nip", "nama", "jabatan", "kotak", "tindak_lanjut"]
    tables = [
        ("Jumlah pegawai per kotak", box),
        ("Kelompok suksesi (kotak 7–9), per pegawai", pool[cols].reset_index(drop=True)),
        ("Usulan pendidikan lanjutan, per pegawai", edu[cols].reset_index(drop=True)),
    ]
    fig = _plots().gambar_9box(box)
    return Bagian(text, tables, [fig], tertutup=tuple(j for j, _ in tables))


def bagian_tren(ctx: KonteksLaporan) -> Bagian:
    """Trend between periods: predikat shares and mean capaian per periode."""
    s = ctx.skor
    if s is None:
        return _belum("scoring")
    s = s.loc[s["predikat"].notna()]
    per = sorted(s["periode"].astype(str).unique())
    if len(per) < 2:
        return Bagian(
            "Bagian ini memerlukan predikat pegawai pada sedikitnya dua periode; instansi ini "
            f"memilikinya pada {_angka(len(per))} periode."
        )
    shares = pd.crosstab(
        s["periode"].astype(str), s["predikat"].astype("string"), normalize="index"
    ).reindex(columns=list(PREDIKAT), fill_value=0.0)
    cap = s.groupby(s["periode"].astype(str))["capaian"].mean() if "capaian" in s else None
    a, b = per[-2], per[-1]
    good = ["Baik", "Sangat Baik"]
    ga, gb = shares.loc[a, good].sum(), shares.loc[b, good].sum()
    text = (
        f"Porsi pegawai berpredikat Baik atau Sangat Baik: {_persen(ga)} pada {_e(a)} dan "
        f"{_persen(gb)} pada {_e(b)}"
    )
    if cap is not None:
        text += f"; capaian rata-rata {_angka(cap[a])} % → {_angka(cap[b])} %."
    else:
        text += "."
    tab = (100 * shares).rename_axis("periode").reset_index()
    if cap is not None:
        tab["capaian_rata_rata"] = cap.reindex(tab["periode"]).to_numpy()
    fig = _plots().gambar_tren(shares)
    return Bagian(text, [("Porsi predikat (%) per periode", tab)], [fig])


def bagian_aturan(ctx: KonteksLaporan) -> Bagian:
    """Which numbers of the rules are unconfirmed and what the instansi may decide, in plain
    sentences (no configuration key, no code: those are in the README and the course)."""
    from . import rules as rules_mod
    from ._catatan_aturan import kalimat_aturan

    used = [ctx.aturan]
    for name in ("skm-14-2017", "kompetensi-38-2017", "talenta-3-2020"):
        if name in rules_mod.available():
            used.append(rules_mod.load(name))
    scoring = _module("scoring")
    ketentuan: list[str] = []
    if scoring is not None and hasattr(scoring, "kurva_constraints"):
        try:
            cons = scoring.kurva_constraints(ctx.predikat_organisasi, rules=ctx.aturan)
            ketentuan = list(cons["keterangan"].astype(str))
        except (KeyError, ValueError):  # another regime: no kurva of its own
            ketentuan = []
    baris = kalimat_aturan(
        used, {"predikat_organisasi": ctx.predikat_organisasi, "ketentuan_kurva": ketentuan}
    )
    if baris:
        text = (
            "Beberapa angka yang dipakai laporan ini belum dapat dicocokkan dengan teks resmi "
            "peraturan. Angka itu dipakai sebagai bawaan, dan instansi boleh menetapkannya "
            "sendiri:\n\n" + "\n".join(baris)
        )
    else:
        text = "Semua angka aturan yang dipakai laporan ini terkonfirmasi atau ditetapkan instansi."
    text += (
        "\n\n**Anonimitas penilai 360.** "
        + keterangan_360(ctx.ambang)
        + " Atasan dan penilaian diri sendiri tidak terkena ambang ini."
    )
    return Bagian(text)


# --------------------------------------------------------------------------- summary


def ringkasan_indeks(ctx: KonteksLaporan) -> dict:
    """Machine-readable summary of a report (feeds ``index.html``).

    Organisation-level values only: predikat shares, the organisation predikat and the kurva
    status (``kurva``: ``pelanggaran`` = kurva rules not met, ``perpindahan`` = moves the
    calibration proposes; ``None`` when no pegawai has a predikat). The kurva figures are the
    ones the report's kurva section shows (same cached computation, made once per report).
    """
    porsi = ctx.porsi_predikat()
    n_pred = int(ctx.jumlah_predikat().sum())
    kurva = None
    viol = _violations(ctx) if n_pred else None
    if viol is not None:
        calibrate = _module("calibrate")
        moves = None
        if len(viol) and calibrate is not None and hasattr(calibrate, "calibrate_distribution"):
            moves = ctx.cached("usulan", lambda: _proposal(ctx, calibrate))
        kurva = {
            "memenuhi": not len(viol),
            "pelanggaran": int(len(viol)),
            "perpindahan": int(len(moves)) if moves is not None else 0,
        }
    return {
        "kode_instansi": ctx.kode_instansi,
        "nama_instansi": ctx.nama_instansi,
        "periode": ctx.periode,
        "predikat_organisasi": ctx.predikat_organisasi,
        "jumlah_pegawai": int(len(ctx.wb.pegawai)),
        "jumlah_dinilai": n_pred,
        "porsi_predikat": {p: float(porsi[p]) for p in PREDIKAT} if n_pred else {},
        "kurva": kurva,
        "kelompok_360_disembunyikan": int(len(ctx.ditekan)),
    }


def tampilkan_ringkasan(ctx: KonteksLaporan) -> None:
    """Emit the summary as a custom-mimetype output (the cell is removed from the HTML)."""
    from IPython.display import display

    display({MIME_RINGKASAN: ringkasan_indeks(ctx)}, raw=True)
