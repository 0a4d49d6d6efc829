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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._escape import escape_text as _e
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


# --------------------------------------------------------------------------- display


def _angka(x: Any, nd: int = 1) -> str:
    """Indonesian number: decimal comma, thousands dot."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)) or pd.isna(x):
        return "–"
    if isinstance(x, int | np.integer):
        return f"{int(x):,}".replace(",", ".")
    s = f"{float(x):,.{nd}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def _persen(x: float, nd: int = 1) -> str:
    return _angka(100 * x, nd) + " %"


def _tabel_html(df: pd.DataFrame, nd: int = 1) -> str:
    assert_no_rater_ids(df)
    shown = df.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: _angka(v, nd))
        elif pd.api.types.is_integer_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: _angka(v) if pd.notna(v) else "–")
    shown.columns = [_judul_kolom(c) for c in shown.columns]
    return shown.to_html(index=False, na_rep="–", border=0, classes="tabel-laporan", escape=True)


def _judul_kolom(name: object) -> str:
    """Display header: ``capaian_rata_rata`` -> ``Capaian rata rata``; ``nip`` -> ``NIP``."""
    text = str(name)
    special = {
        "icc1": "ICC(1)",
        "icc1k": "ICC(1,k)",
        "rwg": "r_wg",
        "alpha": "α Krippendorff",
        "kategori_icc": "Kategori ICC",
        "kategori_alpha": "Kategori α",
    }
    if text.lower() in special:
        return special[text.lower()]
    if text.lower() in ("nip", "ikm", "jpm"):
        return text.upper()
    text = text.replace("icc1_ci_low", "ICC(1) CI bawah").replace("icc1_ci_high", "ICC(1) CI atas")
    text = text.replace("_0_8", " 0,8").replace("_", " ")
    return text[:1].upper() + text[1:]


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return buf.getvalue()


@dataclass
class Bagian:
    """One report section: interpreted text (Markdown), tables and static figures.

    Displays itself in a notebook (Markdown, HTML tables, PNG images — no widgets, no
    JavaScript), so the HTML export opens offline. ``teks`` and ``catatan`` are Markdown in
    which every data string is already escaped (:func:`~kinerja_calib._escape.escape_text`);
    tables hold raw values, escaped by :meth:`pandas.DataFrame.to_html`.
    """

    teks: str
    tabel: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    gambar: list[Any] = field(default_factory=list)
    catatan: str = ""

    def _ipython_display_(self) -> None:
        from IPython.display import HTML, Image, Markdown, display

        display(Markdown(self.teks))
        for fig in self.gambar:
            display(Image(data=_png(fig), format="png"))
        for judul, df in self.tabel:
            if judul:
                display(Markdown(f"**{_e(judul)}**"))
            display(HTML(_tabel_html(df)))
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
    """Report heading: the instansi's name, code and periode."""
    return Bagian(
        f"## {_e(ctx.nama_instansi)}\n\nKode {_e(ctx.kode_instansi)} · {_e(ctx.jenis)} · "
        f"{_e(ctx.wilayah)} · periode {_e(ctx.periode)} · ambang anonimitas 360: {ctx.ambang} "
        "penilai"
    )


def scoring_metode(ctx: KonteksLaporan) -> str:
    """How the predikat of this report were made, in words (issue 19)."""
    from .scoring import keterangan_metode

    return keterangan_metode(ctx.aturan, ctx.skor_periode)


def bagian_ringkasan(ctx: KonteksLaporan) -> Bagian:
    """Executive summary: who, which periode, predikat shares, kurva status, 360 coverage."""
    s = ctx.skor_periode
    lines = [
        f"**{_e(ctx.nama_instansi)}** ({_e(ctx.kode_instansi)}; {_e(ctx.jenis)} — "
        f"{_e(ctx.wilayah)}), periode **{_e(ctx.periode)}**, predikat organisasi "
        f"**{_e(ctx.predikat_organisasi)}**."
    ]
    n_peg = len(ctx.wb.pegawai)
    n_pred = int(ctx.jumlah_predikat().sum())
    if s is not None and len(s) and not n_pred:
        lines.append(f"Dari {_angka(n_peg)} pegawai, {_TANPA_PREDIKAT}")
    if s is not None and n_pred:
        porsi = ctx.porsi_predikat()
        top = ", ".join(f"{p} {_persen(porsi[p])}" for p in reversed(PREDIKAT) if porsi[p] > 0)
        lines.append(
            f"Dari {_angka(n_peg)} pegawai, {_angka(n_pred)} memperoleh predikat "
            f"pada periode ini: {top}."
        )
        lines.append(scoring_metode(ctx))
        if "capaian" in s.columns and s["capaian"].notna().any():
            lines.append(
                f"Capaian indikator rata-rata {_angka(s['capaian'].mean())} % "
                f"(median {_angka(s['capaian'].median())} %)."
            )
        viol = _violations(ctx)
        if viol is not None:
            lines.append(
                "Sebaran predikat **memenuhi** kurva distribusi untuk predikat organisasi ini."
                if not len(viol)
                else f"Sebaran predikat **belum memenuhi** {_angka(len(viol))} ketentuan kurva "
                "distribusi (rincian dan usulan kalibrasi di bawah)."
            )
    elif s is None or not len(s):
        lines.append(f"Instansi ini memiliki {_angka(n_peg)} pegawai.")
    r = ctx.penilaian
    if len(r):
        lines.append(
            f"Penilaian 360: {_angka(int(r['nip'].nunique()))} pegawai dinilai; "
            f"{_angka(len(ctx.ditekan))} kelompok penilai (rekan/bawahan/pengguna layanan) "
            f"disembunyikan karena kurang dari {ctx.ambang} penilai."
        )
    ikm = ctx.cached("ikm", lambda: _ikm_table(ctx))
    if ikm is not None and len(ikm):
        low = ikm.iloc[-1]
        lines.append(
            f"Kepuasan masyarakat: {_angka(len(ikm))} unit layanan, IKM terendah "
            f"{_angka(low['ikm'], 2)} (mutu {_e(low['mutu'])}) di {_e(low['unit_layanan'])}."
        )
    text = "\n\n".join(lines)
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
    tables = [("Capaian per jabatan (%)", tab)]
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
    fig = _plots().gambar_capaian_jabatan(tab)
    return Bagian(text, tables, [fig])


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
    tables = [
        (
            "Porsi predikat pegawai",
            pd.DataFrame(
                {
                    "predikat": list(PREDIKAT),
                    "jumlah": jumlah.to_numpy(),
                    "persen": (100 * porsi).to_numpy(),
                }
            ),
        )
    ]
    show = [
        c
        for c in ("predikat", "jenis", "proporsi", "minimal_orang", "keterangan")
        if c in cons.columns
    ]
    cons_shown = cons[show].copy()
    if "predikat" in cons_shown:
        cons_shown["predikat"] = cons_shown["predikat"].map(
            lambda p: " + ".join(p) if isinstance(p, tuple | list) else str(p)
        )
    tables.append(("Ketentuan kurva distribusi", cons_shown))
    if viol is not None and len(viol):
        cols = [
            c
            for c in ("keterangan", "n_pegawai", "jumlah", "batas", "harus_pindah")
            if c in viol.columns
        ]
        tables.append(("Ketentuan yang belum terpenuhi", _plain(viol[cols] if cols else viol)))
    calibrate = _module("calibrate")
    catatan = ""
    if calibrate is not None and hasattr(calibrate, "calibrate_distribution") and n:
        moves = ctx.cached("usulan", lambda: _proposal(ctx, calibrate))
        catatan = ctx._cache.get("usulan_catatan", "")
        if len(moves):
            text += (
                " Usulan kalibrasi (bahan rapat kalibrasi, bukan keputusan): memindahkan "
                f"{_angka(len(moves))} pegawai agar kurva terpenuhi dengan perpindahan paling "
                "sedikit; yang dipindah lebih dulu adalah pegawai terdekat dengan batas menurut "
                "skor gabungan capaian dan skor perilaku terkalibrasi (efek keparahan penilai "
                "dihapus)."
            )
            tables.append(("Usulan perpindahan predikat", moves))
        elif viol is not None and len(viol):
            text += (
                " Kalibrasi tidak menemukan perpindahan yang dapat memenuhi semua ketentuan "
                "(mis. instansi terlalu kecil); lihat catatan di bawah."
            )
        else:
            text += " Tidak ada perpindahan predikat yang perlu diusulkan."
    fig = _plots().gambar_kurva(porsi, cons)
    return Bagian(text, tables, [fig], catatan=f"*{_e(catatan)}*" if catatan else "")


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
    rating other than self-ratings is left after the anonymity threshold."""
    fx = ctx.cached("efek", lambda: calibrate.rater_effects(ctx.penilaian))
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
        f"{_angka(m, 2)} (n={int(k)})" for m, k in zip(stats["rata"], stats["n"], strict=True)
    ]
    wide = stats.pivot(index="nip", columns="peran_penilai", values="sel")
    roles = [p for p in PERAN_PENILAI if p in wide.columns]
    wide = wide[roles].rename(columns=NAMA_PERAN)
    others = r.loc[r["peran_penilai"] != "diri"].groupby("nip")["nilai"].mean()
    wide.insert(0, "Semua kecuali diri", others.reindex(wide.index).map(lambda v: _angka(v, 2)))
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
        f"Rata-rata nilai perilaku dari semua penilai kecuali diri sendiri: **{_angka(others, 2)}**"
    )
    if pd.notna(self_):
        gap = self_ - others
        arah = "lebih tinggi" if gap > 0 else "lebih rendah"
        text += (
            f"; penilaian diri sendiri rata-rata {_angka(self_, 2)}, "
            f"{_angka(abs(gap), 2)} poin {arah} — ditampilkan terpisah dan tidak dihitung "
            "dalam skor perilaku."
        )
    else:
        text += "."
    text += (
        f" Pada periode ini {_angka(len(ctx.ditekan))} kelompok disembunyikan. "
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
    tables = [
        ("Nilai per sumber penilai", per),
        ("Nilai per aspek BerAKHLAK dan sumber", aspek),
        (
            "Kelompok penilai yang disembunyikan (di bawah ambang anonimitas)",
            _ditekan_per_peran(ctx),
        ),
        (
            "Nilai 360 per pegawai menurut sumber (rata-rata, n = jumlah penilai; "
            "'–' = tidak ada atau disembunyikan)",
            _per_pegawai_360(ctx),
        ),
    ]
    return Bagian(text, tables, [fig])


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
            f"- **{_e(row.peran_penilai)}**: ICC(1) satu penilai {_angka(row.icc1, 2)} "
            f"({_e(row.kategori_icc)}); rata-rata {_angka(row.rata_penilai, 1)} penilai per "
            f"pegawai memberi ICC(1,k) {_angka(row.icc1k, 2)}; {advice}."
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
    return Bagian(text, [("Kesepakatan antarpenilai", shown.reset_index(drop=True))], catatan="")


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
    tables = [
        ("Penilai bertanda per unit kerja penilai", _penilai_per_unit(ctx, raters)),
        ("Penilai bertanda per peran utama", _penilai_per_peran(ctx, raters)),
    ]
    return Bagian(text, tables)


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
        f"responden). IKM tertinggi {_angka(best['ikm'], 2)} (mutu {_e(best['mutu'])}, "
        f"{_e(best['unit_layanan'])}); terendah {_angka(worst['ikm'], 2)} "
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
            f"(rata-rata {_angka(w['kesenjangan_rata_rata'], 2)} level, "
            f"{_angka(int(w['pegawai_di_bawah_standar']))} pegawai di bawah standar) — "
            "prioritas pelatihan."
        )
        tables.append(("Kesenjangan per kompetensi", per.reset_index(drop=True)))
    return Bagian(text, tables)


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
        ("Kelompok suksesi (kotak 7–9)", pool[cols].reset_index(drop=True)),
        ("Usulan pendidikan lanjutan", edu[cols].reset_index(drop=True)),
    ]
    fig = _plots().gambar_9box(box)
    return Bagian(text, tables, [fig])


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
    """A visible note on every unconfirmed rule this report used."""
    from . import rules as rules_mod

    used = [ctx.aturan]
    for name in ("skm-14-2017", "kompetensi-38-2017", "talenta-3-2020"):
        if name in rules_mod.available():
            used.append(rules_mod.load(name))
    notes = [rules_mod.catatan_belum_terkonfirmasi(r) for r in used]
    text = "\n\n".join(notes)
    text += (
        "\n\nAmbang anonimitas 360: "
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
