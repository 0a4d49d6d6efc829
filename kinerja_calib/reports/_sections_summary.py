"""Report sections: title, summary with decisions, achievement (capaian) and the
distribution curve (kurva).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._escape import escape_text as _e
from ..labels import PREDIKAT
from ._sections_360 import efek, flags, peran_utama, proposal
from ._sections_base import (
    GAYA,
    TANPA_PREDIKAT,
    Bagian,
    KonteksLaporan,
    belum_tersedia,
    capaian_jabatan,
    fmt_angka,
    ikm_table,
    module,
    persen,
    plots,
    sel,
)


def section_judul(ctx: KonteksLaporan) -> Bagian:
    """Report heading: the instansi's name, code and periode (and the report's stylesheet)."""
    return Bagian(
        f"## {_e(ctx.nama_instansi)}\n\nKode {_e(ctx.kode_instansi)} · {_e(ctx.jenis)} · "
        f"{_e(ctx.wilayah)} · periode {_e(ctx.periode)} · ambang anonimitas 360: {ctx.ambang} "
        "penilai",
        kepala=GAYA,
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
    scoring = module("scoring")
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
    viol = violations(ctx)
    if viol is None:
        return None
    calibrate = module("calibrate")
    n = int(ctx.jumlah_predikat().sum())
    if not len(viol):
        return (
            f"**Kurva distribusi terpenuhi.** Sebaran predikat {fmt_angka(n)} pegawai sesuai "
            f"batas untuk predikat organisasi {_e(ctx.predikat_organisasi)}; tidak ada "
            "perpindahan predikat yang perlu diputuskan."
        )
    moves = None
    if calibrate is not None and hasattr(calibrate, "calibrate_distribution"):
        moves = ctx.cached("usulan", lambda: proposal(ctx, calibrate))
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
            f"**Kurva distribusi belum terpenuhi** ({fmt_angka(len(viol))} ketentuan), dan tidak "
            "ada perpindahan predikat yang dapat memenuhinya (mis. unit terlalu kecil): "
            "pimpinan memutuskan apakah kurva diberlakukan untuk unit ini." + aturan
        )
    arah = moves[["predikat_awal", "predikat_usulan"]].astype(str)
    naik = arah["predikat_usulan"].map(PREDIKAT.index) > arah["predikat_awal"].map(PREDIKAT.index)
    pasangan = arah.value_counts(sort=False).reset_index(name="jumlah")
    pasangan = pasangan.sort_values("jumlah", ascending=False, kind="stable")
    rincian = ", ".join(
        f"{fmt_angka(int(j))} dari {_e(a)} ke {_e(u)}"
        for a, u, j in pasangan.itertuples(index=False)
    )
    teks = (
        f"**Putuskan usulan kalibrasi kurva distribusi.** Agar sebaran predikat memenuhi "
        f"kurva, laporan mengusulkan memindahkan **{fmt_angka(len(moves))} dari {fmt_angka(n)} "
        f"pegawai** ({rincian}); nama-namanya ada di bagian 3 (lipatan tertutup)."
    )
    n_turun, n_naik = int((~naik).sum()), int(naik.sum())
    if n_turun:
        teks += _SUB + (
            f"*Artinya bagi {fmt_angka(n_turun)} pegawai yang diturunkan:* predikat yang lebih "
            "rendah tercatat pada penilaian kinerja mereka dan menjadi dasar tindak lanjut "
            "(pembinaan, angka kredit pejabat fungsional, dan tunjangan kinerja bila instansi "
            "mengaitkannya dengan predikat), padahal penurunan itu berasal dari batas kurva, "
            "bukan dari penilaian atasannya. Beri tahu alasannya dan bahas bukti kinerja tiap "
            "orang sebelum predikat ditetapkan."
        )
    if n_naik:
        teks += _SUB + (
            f"*Artinya bagi {fmt_angka(n_naik)} pegawai yang dinaikkan:* predikatnya membaik."
        )
    return teks + aturan


def _keputusan_unit(ctx: KonteksLaporan) -> str | None:
    """Units needing attention and what it means for their staff (Markdown), or None."""
    units = _unit_perhatian(ctx)
    if not len(units):
        return None
    daftar = "; ".join(
        f"**{_e(u.unit_kerja)}** ({fmt_angka(int(u.n_bawah))} dari {fmt_angka(int(u.n))} pegawai, "
        f"capaian rata-rata {fmt_angka(u.capaian)} %)"
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
    ikm = ctx.cached("ikm", lambda: ikm_table(ctx))
    if ikm is None or not len(ikm):
        return None
    rendah = ikm.loc[ikm["mutu"].astype(str).isin(_MUTU_PERBAIKAN)]
    if not len(rendah):
        return None
    daftar = ", ".join(
        f"{_e(u.unit_layanan)} (IKM {sel('ikm', u.ikm)}, mutu {_e(u.mutu)})"
        for u in rendah.head(_UNIT_MAKS).itertuples(index=False)
    )
    lain = len(rendah) - min(len(rendah), _UNIT_MAKS)
    if lain:
        daftar += f" dan {fmt_angka(lain)} unit lain"
    return (
        f"**Tetapkan rencana perbaikan layanan** untuk {daftar} (bagian 7)."
        + _SUB
        + "*Artinya:* masyarakat menilai layanannya kurang baik; pegawai unit itu perlu tahu "
        "unsur layanan mana yang dikeluhkan dan apa yang akan diubah."
    )


def _keputusan_penilai(ctx: KonteksLaporan) -> str | None:
    """Raters flagged too lenient or too severe (counts only; Markdown), or None."""
    calibrate = module("calibrate")
    if calibrate is None or not hasattr(calibrate, "rater_effects") or not len(ctx.penilaian):
        return None
    effects = efek(ctx, calibrate)
    if effects is None:
        return None
    raters = effects.raters.loc[effects.raters.index.isin(peran_utama(ctx.penilaian).index)]
    f = flags(raters)
    lunak, keras = int(f["terlalu_lunak"].sum()), int(f["terlalu_keras"].sum())
    if not lunak + keras:
        return None
    return (
        f"**Jadwalkan kalibrasi penilai:** {fmt_angka(lunak)} penilai terlalu lunak dan "
        f"{fmt_angka(keras)} terlalu keras (bagian 6, tanpa nama penilai)."
        + _SUB
        + "*Artinya bagi pegawai yang mereka nilai:* predikatnya bisa lebih tinggi atau "
        "lebih rendah daripada kinerjanya; pelatihan bersama menyamakan ukuran penilai."
    )


def section_ringkasan(ctx: KonteksLaporan) -> Bagian:
    """Executive summary: organisation predikat, predikat shares, the decisions the leader
    must take and what each means for the people involved."""
    s = ctx.skor_periode
    n_peg = len(ctx.wb.pegawai)
    n_pred = int(ctx.jumlah_predikat().sum())
    lines = [
        f"Predikat organisasi **{_e(ctx.predikat_organisasi)}** · periode "
        f"**{_e(ctx.periode)}** · {fmt_angka(n_peg)} pegawai."
    ]
    if s is not None and len(s) and not n_pred:
        lines.append(f"Dari {fmt_angka(n_peg)} pegawai, {TANPA_PREDIKAT}")
    if s is not None and n_pred:
        porsi, jumlah = ctx.porsi_predikat(), ctx.jumlah_predikat()
        sebaran = " · ".join(
            f"{p} **{persen(porsi[p])}** ({fmt_angka(int(jumlah[p]))})"
            for p in reversed(PREDIKAT)
            if jumlah[p] > 0
        )
        lines.append(f"Predikat pegawai ({fmt_angka(n_pred)} berpredikat): {sebaran}.")
        mode = _kalimat_mode(ctx)
        if mode:
            lines.append(mode)
        angka_kunci = []
        if "capaian" in s.columns and s["capaian"].notna().any():
            angka_kunci.append(f"capaian indikator rata-rata {fmt_angka(s['capaian'].mean())} %")
        if len(ctx.penilaian):
            angka_kunci.append(
                f"{fmt_angka(int(ctx.penilaian['nip'].nunique()))} pegawai dinilai 360"
            )
        if angka_kunci:
            lines.append(angka_kunci[0][:1].upper() + "; ".join(angka_kunci)[1:] + ".")
    elif s is None or not len(s):
        lines.append(f"Instansi ini memiliki {fmt_angka(n_peg)} pegawai.")
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


def _capaian_indikator(ctx: KonteksLaporan) -> pd.DataFrame | None:
    indicators = module("indicators")
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


def section_capaian(ctx: KonteksLaporan) -> Bagian:
    """Indicator achievement (capaian) per jabatan, and the weakest indicators."""
    if ctx.skor is None:
        return belum_tersedia("scoring")
    tab = capaian_jabatan(ctx)
    if tab is None or not len(tab):
        return Bagian("Tidak ada data capaian indikator untuk periode ini.")
    best, worst = tab.iloc[0], tab.iloc[-1]
    text = (
        f"Capaian rata-rata per jabatan berkisar dari {fmt_angka(worst['capaian_rata_rata'])} % "
        f"(**{_e(worst['jabatan'])}**) sampai {fmt_angka(best['capaian_rata_rata'])} % "
        f"(**{_e(best['jabatan'])}**) pada {fmt_angka(len(tab))} jabatan."
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
            f"rata-rata {fmt_angka(w['capaian_rata_rata'])} % — periksa apakah targetnya realistis "
            "atau kinerjanya memang perlu dibantu."
        )
        tables.append(("Lima indikator dengan capaian terendah", low.reset_index(drop=True)))
    fig = plots().gambar_capaian_jabatan(tab, maks=10)
    return Bagian(text, tables, [fig], tertutup=(semua,))


def violations(ctx: KonteksLaporan) -> pd.DataFrame | None:
    scoring = module("scoring")
    s = ctx.skor_periode
    if scoring is None or s is None or not hasattr(scoring, "check_kurva"):
        return None
    pred = s["predikat"].dropna()
    if not len(pred):
        return None
    return ctx.cached(
        "cek_kurva",
        lambda: scoring.check_kurva(pred, ctx.predikat_organisasi, rules=ctx.aturan),
    )


def _tabel_kurva(ctx: KonteksLaporan, scoring) -> pd.DataFrame:
    """Every kurva constraint of the organisation predikat with its status, in words."""
    pred = ctx.skor_periode["predikat"].dropna()
    semua = scoring.check_kurva(pred, ctx.predikat_organisasi, rules=ctx.aturan, semua=True)
    status = np.where(
        semua["terpenuhi"].astype(bool),
        "terpenuhi",
        "belum: " + semua["harus_pindah"].map(fmt_angka).astype(str) + " orang harus pindah",
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


def section_kurva(ctx: KonteksLaporan) -> Bagian:
    """Predikat distribution against the kurva distribusi, with the calibration proposal."""
    scoring = module("scoring")
    s = ctx.skor_periode
    if scoring is None or s is None:
        return belum_tersedia("scoring")
    jumlah = ctx.jumlah_predikat()
    n = int(jumlah.sum())
    if not n:
        return Bagian(f"Bagian ini memerlukan predikat pegawai; di instansi ini {TANPA_PREDIKAT}")
    porsi = ctx.porsi_predikat()
    cons = scoring.kurva_constraints(ctx.predikat_organisasi, rules=ctx.aturan)
    viol = violations(ctx)
    if viol is None or not len(viol):
        text = (
            f"Untuk predikat organisasi **{_e(ctx.predikat_organisasi)}**, sebaran predikat "
            f"{fmt_angka(n)} pegawai memenuhi semua {fmt_angka(len(cons))} ketentuan kurva distribusi."
        )
    else:
        text = (
            f"Untuk predikat organisasi **{_e(ctx.predikat_organisasi)}**, sebaran predikat "
            f"{fmt_angka(n)} pegawai melanggar {fmt_angka(len(viol))} dari {fmt_angka(len(cons))} "
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
    calibrate = module("calibrate")
    catatan = ""
    if calibrate is not None and hasattr(calibrate, "calibrate_distribution") and n:
        moves = ctx.cached("usulan", lambda: proposal(ctx, calibrate))
        # the rules file's name is no reader's business (the appendix explains the rule)
        catatan = re.sub(r"\(aturan '[^']*', ", "(", ctx._cache.get("usulan_catatan", ""))
        if len(moves):
            text += (
                " Usulan kalibrasi (bahan rapat kalibrasi, bukan keputusan): memindahkan "
                f"{fmt_angka(len(moves))} pegawai agar kurva terpenuhi dengan perpindahan paling "
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
        n_pisah = int(ctx._cache.get("usulan_terpisah", 0))
        if n_pisah:
            text += (
                f" {fmt_angka(n_pisah)} pegawai tidak diikutkan dalam usulan karena skor "
                "perilaku terkalibrasinya tidak dapat dibandingkan dengan pegawai lain "
                "(penilainya tidak terhubung cukup kuat; lihat bagian 6)."
            )
    fig = plots().gambar_kurva(porsi, cons)
    return Bagian(
        text,
        tables,
        [fig],
        catatan=f"*{_e(catatan)}*" if catatan else "",
        tertutup=tuple(tertutup),
    )
