"""After the session: the code-free session report (papermill) and one private page per participant.

The template ``notebooks/laporan_pelatihan.ipynb`` narrates; it calls the ``bagian_*``
functions here, which return HTML displays. :func:`render_report` runs the template with
papermill, exports it code-free with :func:`kinerja_calib.reports.render_html`, writes
``peserta/<id_peserta>.html`` for every participant (their own ratings only, the room
anonymously) and, with ``pdf=True``, a PDF of each through headless Chromium.
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._angka import bilangan, desimal, persen, tabel_tampil
from .._escape import add_csp, escape_text
from ..labels import ASPEK_BERAKHLAK

__all__ = [
    "KonteksPelatihan",
    "bagian_akurasi",
    "bagian_kasus",
    "bagian_kelonggaran",
    "bagian_kesepakatan",
    "bagian_partisipasi",
    "bagian_perubahan",
    "bagian_wilayah",
    "feedback_html",
    "participant_page",
    "prepare_report",
    "render_report",
    "tabel",
    "tabel_vinyet",
]

_NAMA_BUTIR = {
    "rating_hasil_kerja": "Rating hasil kerja",
    "rating_perilaku": "Rating perilaku",
    **ASPEK_BERAKHLAK,
}
_NAMA_STATISTIK = {"alpha_ordinal": "α Krippendorff (ordinal)", "gwet_ac2": "AC2 Gwet (linear)"}
_NAMA_SKALA = {"rating": "Rating (3 tingkat)", "aspek": "Aspek BerAKHLAK (1–5)"}


@dataclass
class KonteksPelatihan:
    """Everything the report sections need, computed once."""

    sesi: object
    penilaian: pd.DataFrame
    kunci: pd.DataFrame
    ringkasan: object
    #: The bank's cases (``kode``, ``judul``, ``kesalahan_sasaran``); None without a bank.
    kasus: pd.DataFrame | None = None


def _db(value):
    return value if isinstance(value, str) and "://" in value else Path(value)


def prepare_report(
    db, kode_sesi: str, kunci_csv: str | os.PathLike | None = None, n_boot: int = 1000
):
    """Open the session and compute its numbers (the key from the bank, or ``kunci_csv``).

    An empty ``db`` runs a simulated 30-participant session in a temporary folder (the
    template's default, so the notebook runs as a demo and under nbval).
    """
    from ._sesi import Sesi, resolve_bank
    from ._statistik import summarise

    if not db:
        import tempfile

        from ._simulasi import simulate_session

        bank = resolve_bank()
        sesi = Sesi.buat(
            Path(tempfile.mkdtemp(prefix="pelatihan-")), "Sesi simulasi (contoh)", bank=bank
        )
        simulate_session(sesi, bank.kunci, n_peserta=30)
    else:
        sesi = Sesi.buka(_db(db), kode_sesi)
    bank = resolve_bank()
    kunci = pd.read_csv(kunci_csv, dtype=str) if kunci_csv else bank.kunci
    penilaian = sesi.penilaian()
    return KonteksPelatihan(
        sesi, penilaian, kunci, summarise(penilaian, kunci, n_boot=n_boot), bank.kasus
    )


def tabel_vinyet(bank=None) -> pd.DataFrame:
    """The cases of the bank for reading: code, title, instansi, jabatan, the errors each
    case is built to provoke (in Indonesian) and its parallel case."""
    from ._bank import NAMA_KESALAHAN
    from ._sesi import resolve_bank

    k = resolve_bank(bank).kasus
    return pd.DataFrame(
        {
            "Kode": k["kode"],
            "Judul": k["judul"],
            "Instansi": k["instansi_jenis"],
            "Jenis jabatan": k["jenis_jabatan"],
            "Kesalahan yang diuji": [
                ", ".join(NAMA_KESALAHAN.get(x, x) for x in str(v).split(",") if x)
                for v in k["kesalahan_sasaran"]
            ],
            "Kasus paralel": k["paralel"],
        }
    )


def tabel(df: pd.DataFrame, nd: int = 2) -> pd.DataFrame:
    """``df`` for reading in a notebook: floats rounded to ``nd`` decimals, Indonesian format."""
    return tabel_tampil(df.round(nd))


def _html(text: str):
    from IPython.display import HTML

    return HTML(text)


def _table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape_text(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape_text(v)}</td>" for v in row) + "</tr>"
        for row in df.astype(str).to_numpy()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bagian_partisipasi(ctx: KonteksPelatihan):
    """Participation per round: participants who rated, cases, ratings."""
    per_round = ctx.penilaian.groupby("ronde").agg(
        peserta=("id_peserta", "nunique"), kasus=("kode_vinyet", "nunique"), nilai=("skor", "size")
    )
    rows = pd.DataFrame(
        {
            "Ronde": per_round.index,
            "Peserta yang menilai": [bilangan(x) for x in per_round["peserta"]],
            "Kasus": [bilangan(x) for x in per_round["kasus"]],
            "Butir dinilai": [bilangan(x) for x in per_round["nilai"]],
        }
    )
    lead = (
        f"<p>Sesi <b>{escape_text(ctx.sesi.nama)}</b> ({escape_text(ctx.sesi.kode_sesi)}): "
        f"{bilangan(ctx.penilaian['id_peserta'].nunique())} peserta.</p>"
    )
    return _html(lead + _table(rows))


def bagian_kesepakatan(ctx: KonteksPelatihan):
    """Agreement among participants per round with 95 % intervals."""
    k = ctx.ringkasan.kesepakatan
    rows = pd.DataFrame(
        {
            "Ronde": k["ronde"],
            "Skala": k["skala"].map(_NAMA_SKALA),
            "Statistik": k["statistik"].map(_NAMA_STATISTIK),
            "Nilai": [desimal(x, 2) for x in k["nilai"]],
            "Rentang 95 %": [
                f"{desimal(a, 2)} – {desimal(b, 2)}"
                for a, b in zip(k["ci_low"], k["ci_high"], strict=True)
            ],
        }
    )
    return _html(_table(rows))


def bagian_akurasi(ctx: KonteksPelatihan):
    """Accuracy against the key per round."""
    a = ctx.ringkasan.akurasi
    rows = pd.DataFrame(
        {
            "Ronde": a["ronde"],
            "Skala": a["skala"].map(_NAMA_SKALA),
            "Tepat sama dengan kunci": [persen(x, 0) for x in a["tepat"]],
            "Jarak rata-rata": [desimal(x, 2) for x in a["jarak"]],
            "Kelonggaran rata-rata": [desimal(x, 2, tanda=True) for x in a["kelonggaran"]],
        }
    )
    return _html(_table(rows))


def bagian_kelonggaran(ctx: KonteksPelatihan):
    """Histogram of participants' leniency on the aspects, one panel per round (embedded PNG)."""
    import matplotlib.pyplot as plt

    raters = ctx.ringkasan.penilai.query("skala == 'aspek'")
    rounds = sorted(raters["ronde"].unique())
    fig, axes = plt.subplots(
        1, len(rounds), figsize=(4 * len(rounds), 3), sharex=True, squeeze=False
    )
    for ax, (ronde, part) in zip(axes[0], raters.groupby("ronde"), strict=True):
        ax.hist(part["kelonggaran"], bins=12, color="#4a7ab5")
        ax.axvline(0, color="k", lw=1)
        ax.set_title(f"Ronde {ronde}")
        ax.set_xlabel("Kelonggaran (peserta − kunci)")
    axes[0][0].set_ylabel("Jumlah peserta")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt = "Histogram kelonggaran peserta per ronde"
    return _html(f'<img alt="{alt}" src="data:image/png;base64,{data}" style="max-width:100%">')


def bagian_wilayah(ctx: KonteksPelatihan, by: str = "wilayah"):
    """Accuracy and leniency by wilayah (or instansi); small groups merged or hidden."""
    g = getattr(ctx.ringkasan, by).query("skala == 'aspek'")
    rows = pd.DataFrame(
        {
            by.capitalize(): g[by],
            "Ronde": g["ronde"],
            "Peserta": [bilangan(x) for x in g["n_peserta"]],
            "Tepat": [persen(x, 0) for x in g["tepat"]],
            "Kelonggaran": [desimal(x, 2, tanda=True) for x in g["kelonggaran"]],
        }
    )
    return _html(
        _table(rows) if len(rows) else "<p>Tidak ada kelompok yang memenuhi ambang anonimitas.</p>"
    )


def bagian_kasus(ctx: KonteksPelatihan, n: int = 5):
    """Cases to revisit: most spread among participants first."""
    k = ctx.ringkasan.kasus.groupby("ronde").head(n)
    columns = {"Ronde": k["ronde"], "Kasus": k["kode_vinyet"]}
    if ctx.kasus is not None:
        from ._bank import NAMA_KESALAHAN

        info = ctx.kasus.set_index("kode").reindex(k["kode_vinyet"])
        columns["Judul"] = info["judul"].fillna("").to_numpy()
        columns["Kesalahan yang diuji"] = [
            ", ".join(NAMA_KESALAHAN.get(x, x) for x in str(v).split(",") if x)
            for v in info["kesalahan_sasaran"].fillna("")
        ]
    rows = pd.DataFrame(
        {
            **columns,
            "Sebaran (0–1)": [desimal(x, 2) for x in k["sebaran"]],
            "Jarak ke kunci (0–1)": [desimal(x, 2) for x in k["jarak"]],
        }
    )
    return _html(_table(rows))


def bagian_perubahan(ctx: KonteksPelatihan):
    """Round 1 → 2 change with bootstrap intervals, and a sentence on convergence."""
    c = ctx.ringkasan.perubahan
    if c is None or c.empty:
        return _html("<p>Belum ada dua ronde untuk dibandingkan.</p>")
    rows = pd.DataFrame(
        {
            "Skala": c["skala"].map(_NAMA_SKALA),
            "Ukuran": c["ukuran"].map(
                {"jarak": "Jarak ke kunci", "sebaran": "Sebaran antarpeserta"}
            ),
            "Ronde 1": [desimal(x, 2) for x in c["sebelum"]],
            "Ronde 2": [desimal(x, 2) for x in c["sesudah"]],
            "Perubahan": [desimal(x, 2, tanda=True) for x in c["perubahan"]],
            "Rentang 95 %": [
                f"{desimal(a, 2)} – {desimal(b, 2)}"
                for a, b in zip(c["ci_low"], c["ci_high"], strict=True)
            ],
        }
    )
    converged = bool((c.loc[c["ukuran"] == "sebaran", "ci_high"] < 0).all())
    verdict = (
        "Ruangan <b>menyatu</b>: sebaran antarpeserta turun dan rentang 95 % seluruhnya di bawah nol."
        if converged
        else "Belum terbukti menyatu: rentang 95 % perubahan sebaran masih mencakup nol atau di atasnya."
    )
    return _html(f"<p>{verdict}</p>" + _table(rows))


_CSS = (
    "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em}"
    ".lebih{color:#9a3b00}.kurang{color:#1d4f91}</style>"
)


def feedback_html(view, heading: str = "h2") -> str:
    """HTML of a participant's private feedback (a :class:`UmpanBalikPeserta`): their
    leniency against the room's quartiles, and every item off the key with the key's reason.
    Holds no other participant's name or ratings."""
    lines = [
        f"<p>Ronde {r.ronde}, {escape_text(_NAMA_SKALA[r.skala])}: kelonggaran Anda "
        f"{desimal(r.kelonggaran_anda, 2, tanda=True)} (ruangan: median {desimal(r.median_ruang, 2, tanda=True)}, "
        f"separuh peserta antara {desimal(r.q25, 2, tanda=True)} dan {desimal(r.q75, 2, tanda=True)}; "
        f"{bilangan(r.n_peserta_ruang)} peserta).</p>"
        for r in view.posisi.itertuples()
    ]
    d = view.deviasi[view.deviasi["selisih"] != 0]
    rows = pd.DataFrame(
        {
            "Ronde": d["ronde"],
            "Kasus": d["kode_vinyet"],
            "Butir": d["butir"].map(_NAMA_BUTIR),
            "Nilai Anda": d["skor"],
            "Kunci": d["skor_kunci"],
            "Selisih": [desimal(x, 0, tanda=True) for x in d["selisih"]],
            "Alasan kunci": d["alasan"].fillna(""),
        }
    )
    return (
        f"<{heading}>Posisi Anda di ruangan</{heading}>"
        + "".join(lines)
        + "<p>Kelonggaran positif: lebih murah hati daripada kunci; negatif: lebih ketat.</p>"
        f"<{heading}>Butir yang berbeda dari kunci</{heading}>"
        + (_table(rows) if len(rows) else "<p>Semua nilai Anda sama dengan kunci.</p>")
    )


def participant_page(ctx: KonteksPelatihan, id_peserta: str) -> str:
    """A participant's private HTML page: only their own ratings, the room anonymously."""
    from ._statistik import participant_feedback

    view = participant_feedback(ctx.penilaian, ctx.kunci, id_peserta)
    body = (
        f"<h1>Umpan balik pribadi: {escape_text(view.nama)}</h1>"
        f"<p>Sesi {escape_text(ctx.sesi.nama)}. Halaman ini hanya untuk Anda; tidak memuat nilai peserta lain.</p>"
        + feedback_html(view)
    )
    page = (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        f"<title>Umpan balik {escape_text(view.nama)}</title>{_CSS}</head><body>{body}</body></html>"
    )
    return add_csp(page)


def render_report(
    db, kode_sesi: str, keluaran: str | os.PathLike, *, pdf: bool = False, kunci_csv=None
) -> list[Path]:
    """Write ``laporan_pelatihan.html`` and ``peserta/<id>.html`` (and PDFs) to ``keluaran``.

    Returns the files written.
    """
    import nbformat
    import papermill as pm

    from .._notebooks import notebook_folder
    from ..reports import render_html

    out = Path(keluaran)
    (out / "peserta").mkdir(parents=True, exist_ok=True)
    executed = out / "laporan_pelatihan.ipynb"
    pm.execute_notebook(
        str(notebook_folder() / "laporan_pelatihan.ipynb"),
        str(executed),
        parameters={"db": str(db), "kode_sesi": kode_sesi, "kunci_csv": str(kunci_csv or "")},
        progress_bar=False,
    )
    written = [out / "laporan_pelatihan.html"]
    written[0].write_text(render_html(nbformat.read(executed, as_version=4)), encoding="utf-8")
    executed.unlink()
    ctx = prepare_report(db, kode_sesi, kunci_csv, n_boot=200)
    for pid in ctx.sesi.daftar_peserta()["id_peserta"]:
        path = out / "peserta" / f"{pid}.html"
        path.write_text(participant_page(ctx, pid), encoding="utf-8")
        written.append(path)
    if pdf:
        from .._pdf import Pencetak, validate_pdf

        with Pencetak(validate_pdf()) as printer:
            for html in list(written):
                pdf_path = html.with_suffix(".pdf")
                pdf_path.write_bytes(printer.cetak(html))
                written.append(pdf_path)
    return written
