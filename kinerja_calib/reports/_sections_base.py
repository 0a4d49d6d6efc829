"""Base of the report content: the context, the section object and shared formatting.

:func:`prepare_report` builds the :class:`KonteksLaporan` of one instansi; each ``section_*``
(in the ``_sections_*`` modules) returns a :class:`Bagian` (Markdown text rendered from the
data, tables, static figures) that displays itself in a notebook. The statistics come from
the owning modules (scoring, survey, competency, talent, agreement, calibrate); the sections
only filter, aggregate for display and word the results in Bahasa Indonesia.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._display import KOSONG, angka
from .._escape import escape_text as _e
from ..errors import ParameterError
from ..labels import NAMA_PERAN, PERAN_PENILAI, PERAN_TIDAK_ANONIM, PREDIKAT
from ..privacy import (
    AMBANG_BAWAAN,
    assert_no_rater_ids,
    suppress_360,
)

#: Mimetype of the machine-readable summary the template emits for ``index.html``.
MIME_RINGKASAN = "application/vnd.kinerja-calib.ringkasan+json"
#: Cell tag: removed from the HTML export.
TAG_HAPUS = "hapus-dari-html"

_KODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


# --------------------------------------------------------------------------- parameters


def validate_kode(kode: Any) -> str:
    """Return ``kode`` if it is a safe instansi code (letters, digits, ``_``, ``-``).

    Codes become folder names under the output folder, so anything that could escape it
    (``../../etc``, absolute paths, separators, empty) is refused.

    Raises
    ------
    ParameterError
        In Indonesian, saying what a valid code looks like.

    Examples
    --------
    >>> validate_kode("DINKES-1501")
    'DINKES-1501'
    >>> validate_kode("../../etc")
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


def module(name: str):
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
        cap = capaian_jabatan(self)
        if cap is not None:
            sheets["capaian"] = cap
        ikm = ikm_table(self)
        if ikm is not None:
            sheets["ikm"] = ikm
        sheets["360_ditekan"] = ditekan_per_peran(self)
        for df in sheets.values():
            assert_no_rater_ids(df)
        return sheets


def prepare_report(
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
        An instansi of the workbook (text; see :func:`validate_kode`).
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
    from .._display import pasang_tampilan
    from ..params import ProblemCollector, validate

    pasang_tampilan()  # in the report's kernel: missing values as "–", no stray warnings
    cek = ProblemCollector()
    try:
        kode = validate_kode(kode_instansi)
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
    scoring = module("scoring")
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


def fmt_angka(x: Any, nd: int = 1) -> str:
    """Indonesian number for a sentence: decimal comma, thousands dot, "–" when missing;
    integers without decimals."""
    if isinstance(x, bool):
        x = int(x)
    if isinstance(x, int | np.integer):
        return angka(x, 0)
    return angka(x, nd)


def persen(x: float, nd: int = 1) -> str:
    """A share 0–1 as a percentage: ``0.6`` -> ``"60,0 %"`` (``nd=0``: ``"60 %"``)."""
    teks = fmt_angka(100 * float(x), nd) if pd.notna(x) else KOSONG
    return teks if teks == KOSONG else teks + " %"


def sel(kolom: str, x: Any) -> str:
    """One table cell (or a sentence quoting it): decimals from :data:`_DESIMAL`."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return KOSONG
    if kolom in _PROPORSI:
        bulat = float(np.round(100 * float(x), 9))
        return persen(x, 0 if bulat == int(bulat) else 1)
    if isinstance(x, int | np.integer | bool):
        return fmt_angka(int(x))
    return fmt_angka(x, _DESIMAL.get(kolom, 1))


# --------------------------------------------------------------------------- display

#: Report stylesheet (emitted once, by :func:`section_judul`): text columns left, numbers
#: right; closed detail sections; print layout for the PDF (A4, no figure or table row cut,
#: headings kept with what follows, the executive summary and the rules appendix on their
#: own pages).
_KOLOM_MAKS = 16
GAYA = (
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
    # on a phone a figure keeps a readable size and scrolls sideways (text still reflows)
    "@media screen and (max-width: 640px) {\n"
    "  .jp-RenderedImage { overflow-x: auto; }\n"
    "  .jp-RenderedImage img { max-width: none !important; width: auto; }\n"
    "  .jp-RenderedImage::before { content: 'Geser grafik ke samping untuk melihat "
    "seluruhnya.'; display: block; font: 0.85em system-ui, sans-serif; color: #555; }\n"
    "}\n"
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
            shown[col] = s.map(lambda v, c=str(col): sel(c, v))
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
        f"<details class='rincian'><summary>{_e(judul)} ({fmt_angka(len(df))} baris)</summary>"
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
TANPA_PREDIKAT = (
    "belum ada yang memperoleh predikat pada periode ini: predikat memerlukan realisasi "
    "indikator dan penilaian 360 dari atasan, rekan, bawahan atau pengguna layanan."
)


def belum_tersedia(nama: str) -> Bagian:
    return Bagian(f"*Bagian ini belum tersedia: modul `{nama}` belum terpasang.*")


def plots():
    from ..plots import reports as pr

    return pr


# --------------------------------------------------------------------------- sections


def ditekan_per_peran(ctx: KonteksLaporan) -> pd.DataFrame:
    anon = [p for p in PERAN_PENILAI if p not in PERAN_TIDAK_ANONIM]
    d = ctx.ditekan
    counts = d["peran_penilai"].astype("string").value_counts().reindex(anon).fillna(0)
    return pd.DataFrame(
        {
            "peran_penilai": [NAMA_PERAN[p] for p in anon],
            "kelompok_disembunyikan": counts.astype("int64").to_numpy(),
        }
    )


def ikm_table(ctx: KonteksLaporan) -> pd.DataFrame | None:
    survey = module("survey")
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


def capaian_jabatan(ctx: KonteksLaporan) -> pd.DataFrame | None:
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
