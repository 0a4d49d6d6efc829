"""Report sections: service survey (IKM), competency, talent, trend, rules used; and the
machine-readable summary for ``index.html``.
"""

from __future__ import annotations

import pandas as pd

from .._escape import escape_text as _e
from ..labels import PREDIKAT
from ..privacy import (
    keterangan_360,
)
from ._sections_360 import proposal
from ._sections_base import (
    MIME_RINGKASAN,
    Bagian,
    KonteksLaporan,
    belum_tersedia,
    fmt_angka,
    ikm_table,
    module,
    persen,
    plots,
    sel,
)
from ._sections_summary import violations


def section_ikm(ctx: KonteksLaporan) -> Bagian:
    """IKM (PermenPANRB 14/2017) per service unit."""
    tab = ctx.cached("ikm", lambda: ikm_table(ctx))
    if tab is None:
        return Bagian(f"Tidak ada data survei kepuasan masyarakat untuk periode {_e(ctx.periode)}.")
    best, worst = tab.iloc[0], tab.iloc[-1]
    text = (
        f"{fmt_angka(len(tab))} unit layanan disurvei ({fmt_angka(int(tab['n_responden'].sum()))} "
        "responden). "
    )
    if len(tab) == 1:
        text += (
            f"IKM {_e(best['unit_layanan'])}: {sel('ikm', best['ikm'])} (mutu {_e(best['mutu'])})."
        )
    else:
        text += (
            f"IKM tertinggi {sel('ikm', best['ikm'])} (mutu {_e(best['mutu'])}, "
            f"{_e(best['unit_layanan'])}); terendah {sel('ikm', worst['ikm'])} "
            f"(mutu {_e(worst['mutu'])}, {_e(worst['unit_layanan'])})."
        )
    fig = plots().gambar_ikm(tab)
    return Bagian(text, [("IKM per unit layanan", tab)], [fig])


def section_kompetensi(ctx: KonteksLaporan) -> Bagian:
    """Competency gaps (Job Person Match) per competency."""
    competency = module("competency")
    k = ctx.wb.kompetensi
    if competency is None:
        return belum_tersedia("competency")
    if k is None or not len(k):
        return Bagian("Tidak ada data kompetensi untuk instansi ini.")
    jt = competency.jpm_table(k)
    kes = competency.kesenjangan(k)
    gap_col = "kesenjangan" if "kesenjangan" in kes.columns else None
    cats = jt["kategori"].astype("string").value_counts()
    text = (
        f"Job Person Match rata-rata {fmt_angka(jt['jpm'].mean())} % untuk "
        f"{fmt_angka(len(jt))} pegawai; "
        + ", ".join(f"{_e(c)}: {fmt_angka(int(n))}" for c, n in cats.items())
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
            f"(rata-rata {sel('kesenjangan_rata_rata', w['kesenjangan_rata_rata'])} level, "
            f"{fmt_angka(int(w['pegawai_di_bawah_standar']))} pegawai di bawah standar) — "
            "prioritas pelatihan."
        )
        tables.append(("Kesenjangan per kompetensi", per.reset_index(drop=True)))
    return Bagian(text, tables, tertutup=("Kategori JPM", "Kesenjangan per kompetensi"))


def section_talenta(ctx: KonteksLaporan) -> Bagian:
    """9-box talent map with follow-ups: pendidikan lanjutan shortlist, promotion pool 7–9."""
    talent = module("talent")
    s = ctx.skor_periode
    if talent is None:
        return belum_tersedia("talent")
    if s is None:
        return belum_tersedia("scoring")
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
        f"{fmt_angka(len(peta))} pegawai dipetakan ke 9 kotak (kinerja dari predikat × potensi). "
        f"Kelompok suksesi (kotak 7–9): {fmt_angka(len(pool))} pegawai; usulan pendidikan lanjutan: "
        f"{fmt_angka(len(edu))} pegawai. Daftar ini bahan pertimbangan pimpinan instansi, bukan "
        "keputusan."
    )
    cols = ["nip", "nama", "jabatan", "kotak", "tindak_lanjut"]
    tables = [
        ("Jumlah pegawai per kotak", box),
        ("Kelompok suksesi (kotak 7–9), per pegawai", pool[cols].reset_index(drop=True)),
        ("Usulan pendidikan lanjutan, per pegawai", edu[cols].reset_index(drop=True)),
    ]
    fig = plots().gambar_9box(box)
    return Bagian(text, tables, [fig], tertutup=tuple(j for j, _ in tables))


def section_tren(ctx: KonteksLaporan) -> Bagian:
    """Trend between periods: predikat shares and mean capaian per periode."""
    s = ctx.skor
    if s is None:
        return belum_tersedia("scoring")
    s = s.loc[s["predikat"].notna()]
    per = sorted(s["periode"].astype(str).unique())
    if len(per) < 2:
        return Bagian(
            "Bagian ini memerlukan predikat pegawai pada sedikitnya dua periode; instansi ini "
            f"memilikinya pada {fmt_angka(len(per))} periode."
        )
    shares = pd.crosstab(
        s["periode"].astype(str), s["predikat"].astype("string"), normalize="index"
    ).reindex(columns=list(PREDIKAT), fill_value=0.0)
    cap = s.groupby(s["periode"].astype(str))["capaian"].mean() if "capaian" in s else None
    a, b = per[-2], per[-1]
    good = ["Baik", "Sangat Baik"]
    ga, gb = shares.loc[a, good].sum(), shares.loc[b, good].sum()
    text = (
        f"Porsi pegawai berpredikat Baik atau Sangat Baik: {persen(ga)} pada {_e(a)} dan "
        f"{persen(gb)} pada {_e(b)}"
    )
    if cap is not None:
        text += f"; capaian rata-rata {fmt_angka(cap[a])} % → {fmt_angka(cap[b])} %."
    else:
        text += "."
    tab = (100 * shares).rename_axis("periode").reset_index()
    if cap is not None:
        tab["capaian_rata_rata"] = cap.reindex(tab["periode"]).to_numpy()
    fig = plots().gambar_tren(shares)
    return Bagian(text, [("Porsi predikat (%) per periode", tab)], [fig])


def section_aturan(ctx: KonteksLaporan) -> Bagian:
    """Which numbers of the rules are unconfirmed and what the instansi may decide, in plain
    sentences (no configuration key, no code: those are in the README and the course)."""
    from .. import rules as rules_mod
    from .._catatan_aturan import kalimat_aturan

    used = [ctx.aturan]
    for name in ("skm-14-2017", "kompetensi-38-2017", "talenta-3-2020"):
        if name in rules_mod.available():
            used.append(rules_mod.load(name))
    scoring = module("scoring")
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
    viol = violations(ctx) if n_pred else None
    if viol is not None:
        calibrate = module("calibrate")
        moves = None
        if len(viol) and calibrate is not None and hasattr(calibrate, "calibrate_distribution"):
            moves = ctx.cached("usulan", lambda: proposal(ctx, calibrate))
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


def show_summary(ctx: KonteksLaporan) -> None:
    """Emit the summary as a custom-mimetype output (the cell is removed from the HTML)."""
    from IPython.display import display

    display({MIME_RINGKASAN: ringkasan_indeks(ctx)}, raw=True)
