"""Report sections on the 360 ratings: behaviour scores, rater agreement and the raters
(only aggregated; rater identities never appear).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._escape import escape_text as _e
from ..labels import NAMA_PERAN, PERAN_PENILAI
from ..privacy import (
    keterangan_360,
    strip_rater_ids,
)
from ._sections_base import (
    Bagian,
    KonteksLaporan,
    belum_tersedia,
    ditekan_per_peran,
    fmt_angka,
    module,
    plots,
    sel,
)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    out = strip_rater_ids(df.reset_index(drop=True))
    for c in out.columns:
        if out[c].map(lambda v: isinstance(v, tuple | list)).any():
            out[c] = out[c].map(
                lambda v: " + ".join(map(str, v)) if isinstance(v, tuple | list) else v
            )
    return out


def proposal(ctx: KonteksLaporan, calibrate) -> pd.DataFrame | None:
    """Moves proposed by ``calibrate.calibrate_distribution`` for this instansi and periode.

    Who moves first is ordered by a combined score: the mean of the standardised capaian and
    the standardised calibrated 360 score (``rater_effects(...).ratees.skor_terkalibrasi``,
    rater severity removed; the shrunk score ranks best — ``skor_distribusi`` is for band
    and predikat shares, not for who moves first); pegawai without 360 data use capaian alone.
    """
    s = ctx.skor_periode[["nip", "kode_instansi", "predikat", "capaian"]]
    s = s.loc[s["predikat"].notna()].copy()
    parts = [_z(s["capaian"].to_numpy(dtype=float))]
    effects = efek(ctx, calibrate)
    if effects is not None:
        kal = effects.ratees["skor_terkalibrasi"].reindex(s["nip"]).to_numpy(dtype=float)
        parts.append(_z(kal))
    stack = np.vstack(parts)
    ada = np.isfinite(stack)
    n_ada = ada.sum(axis=0)
    total = np.where(ada, stack, 0.0).sum(axis=0)
    gabung = np.divide(total, n_ada, out=np.full(len(s), np.nan), where=n_ada > 0)
    bawah = np.nanmin(gabung) - 1 if np.isfinite(gabung).any() else 0.0
    s["skor_terkalibrasi"] = np.where(np.isfinite(gabung), gabung, bawah)
    if effects is not None and "kelas_banding" in effects.ratees.columns:
        # scores of another comparison class are not ranked with the others; pegawai without
        # 360 data are ordered by capaian alone and stay in the main class (NaN)
        for col in ("kelas_banding", "alasan_banding"):
            s[col] = effects.ratees[col].reindex(s["nip"]).to_numpy()
    res = calibrate.calibrate_distribution(s, ctx.predikat_organisasi, rules=ctx.aturan)
    ctx._cache["usulan_catatan"] = getattr(res, "catatan", "")
    ctx._cache["usulan_terpisah"] = len(getattr(res, "tidak_dibandingkan", ()))
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


def efek(ctx: KonteksLaporan, calibrate):
    """``calibrate.rater_effects`` of the report's 360 ratings (cached), or ``None`` when no
    rating other than self-ratings is left after the anonymity threshold. Its design warnings
    (``PeringatanKalibrasi``) are kept in ``effects.info["peringatan"]`` and shown once, in
    :func:`section_penilai`, not as Python warnings in the report."""

    def fit():
        with warnings.catch_warnings():
            kategori = getattr(calibrate, "PeringatanKalibrasi", None)
            if kategori is not None:
                warnings.simplefilter("ignore", kategori)
            try:  # the pegawai table names the groups whose link strength is checked
                return calibrate.rater_effects(ctx.penilaian, pegawai=ctx.wb.pegawai)
            except TypeError:  # a calibrate module without the argument
                return calibrate.rater_effects(ctx.penilaian)

    effects = ctx.cached("efek", fit)
    return None if "kurang" in effects.info else effects


def _per_pegawai_360(ctx: KonteksLaporan) -> pd.DataFrame:
    r = ctx.penilaian
    g = r.groupby(["nip", "peran_penilai"], observed=True)
    stats = pd.DataFrame({"rata": g["nilai"].mean(), "n": g["nip_penilai"].nunique()})
    stats = stats.reset_index()
    stats["sel"] = [
        f"{sel('rata_rata', m)} ({fmt_angka(int(k))} penilai)"
        for m, k in zip(stats["rata"], stats["n"], strict=True)
    ]
    wide = stats.pivot(index="nip", columns="peran_penilai", values="sel")
    roles = [p for p in PERAN_PENILAI if p in wide.columns]
    wide = wide[roles].rename(columns=NAMA_PERAN)
    others = r.loc[r["peran_penilai"] != "diri"].groupby("nip")["nilai"].mean()
    wide.insert(
        0, "Semua kecuali diri", others.reindex(wide.index).map(lambda v: sel("rata_rata", v))
    )
    peg = ctx.wb.pegawai.set_index("nip")[["nama"]]
    out = peg.join(wide, how="inner").reset_index().rename(columns={"index": "nip"})
    return out.fillna("–")


def section_360(ctx: KonteksLaporan) -> Bagian:
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
        f"**{sel('rata_rata', others)}**"
    )
    if pd.notna(self_):
        gap = self_ - others
        arah = "lebih tinggi" if gap > 0 else "lebih rendah"
        text += (
            f"; penilaian diri sendiri rata-rata {sel('rata_rata', self_)}, "
            f"{sel('rata_rata', abs(gap))} poin {arah} — ditampilkan terpisah dan tidak dihitung "
            "dalam skor perilaku."
        )
    else:
        text += "."
    text += (
        f" Pada periode ini {fmt_angka(len(ctx.ditekan))} kelompok penilai disembunyikan. "
        + keterangan_360(ctx.ambang)
    )
    aspek = r.pivot_table(
        index="aspek", columns="peran_penilai", values="nilai", aggfunc="mean", observed=True
    )
    roles = [p for p in PERAN_PENILAI if p in aspek.columns]
    from ..labels import ASPEK_BERAKHLAK

    aspek = aspek[roles].rename(columns=NAMA_PERAN)
    aspek.columns.name = None
    aspek.index = [ASPEK_BERAKHLAK.get(str(a), str(a)) for a in aspek.index]
    fig = plots().gambar_360_peran(aspek)
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
        (ditekan, ditekan_per_peran(ctx)),
        (per_pegawai, _per_pegawai_360(ctx)),
    ]
    return Bagian(text, tables, [fig], tertutup=(per_aspek, ditekan, per_pegawai))


def section_agreement(ctx: KonteksLaporan) -> Bagian:
    """Rater agreement per rater source and the advice on how many raters are needed."""
    agreement = module("agreement")
    if agreement is None or not hasattr(agreement, "agreement_table"):
        return belum_tersedia("agreement")
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
                f"perlu sekitar {fmt_angka(int(need))} penilai per pegawai agar reliabilitas "
                f"rata-rata mencapai {fmt_angka(target, 1)}"
            )
        elif pd.notna(need):
            advice = (
                f"reliabilitas {fmt_angka(target, 1)} baru tercapai dengan {fmt_angka(int(need))} "
                "penilai — tidak realistis; samakan dulu pemahaman panduan perilaku melalui "
                "kalibrasi penilai"
            )
        else:
            advice = "menambah penilai tidak menolong — samakan dulu pemahaman panduan perilaku"
        lines.append(
            f"- **{_e(row.peran_penilai)}**: ICC(1) satu penilai {sel('icc1', row.icc1)} "
            f"({_e(row.kategori_icc)}); rata-rata {sel('rata_penilai', row.rata_penilai)} "
            f"penilai per pegawai memberi ICC(1,k) {sel('icc1k', row.icc1k)}; {advice}."
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


def peran_utama(r: pd.DataFrame) -> pd.Series:
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


def flags(raters: pd.DataFrame) -> pd.DataFrame:
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
    info = flags(raters)
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
    info = flags(raters)
    info["peran"] = peran_utama(ctx.penilaian).reindex(info.index).to_numpy()
    out = _count_flags(info, "peran")
    out = out.reindex([p for p in PERAN_PENILAI if p in out.index])
    small = out["jumlah_penilai"] < ctx.ambang  # a count must never point at one person
    for col in ("terlalu_lunak", "terlalu_keras", "catatan_lain"):
        out[col] = out[col].astype("Int64").mask(small)
    out.index = [NAMA_PERAN[p] for p in out.index]
    return out.rename_axis("peran_utama").reset_index()


def section_penilai(ctx: KonteksLaporan) -> Bagian:
    """Raters flagged lenient/severe, aggregated per unit and role — never naming a rater."""
    calibrate = module("calibrate")
    if calibrate is None or not hasattr(calibrate, "rater_effects"):
        return belum_tersedia("calibrate")
    r = ctx.penilaian
    effects = efek(ctx, calibrate)
    if effects is None:
        return Bagian(
            "Bagian ini memerlukan penilaian 360 dari atasan, rekan, bawahan atau pengguna "
            f"layanan; instansi ini tidak memilikinya pada periode {_e(ctx.periode)} (setelah "
            "ambang anonimitas).",
            catatan=_catatan_umpan_balik(ctx),
        )
    # raters who only rated themselves are no rater effect on others
    raters = effects.raters.loc[effects.raters.index.isin(peran_utama(r).index)]
    f = flags(raters)
    text = (
        f"Dari {fmt_angka(len(raters))} penilai pada periode {_e(ctx.periode)}, model efek penilai "
        "(pegawai + penilai + peran + aspek) menandai "
        f"{fmt_angka(int(f['terlalu_lunak'].sum()))} penilai **terlalu lunak** dan "
        f"{fmt_angka(int(f['terlalu_keras'].sum()))} penilai **terlalu keras**; "
        f"{fmt_angka(int(f['catatan_lain'].sum()))} penilai lain mendapat catatan pola (efek halo, "
        "kecenderungan sentral, atau tidak konsisten). Tabel hanya memuat jumlah per unit kerja "
        "dan per peran; nama penilai tidak dilaporkan."
    )
    banding = paragraf_keterbandingan(effects, ctx.ambang)
    if banding:
        text += "\n\n" + banding
    per_unit = "Penilai bertanda per unit kerja penilai"
    tables = [
        ("Penilai bertanda per peran utama", _penilai_per_peran(ctx, raters)),
        (per_unit, _penilai_per_unit(ctx, raters)),
    ]
    peringatan = " ".join(_e(m) for m in effects.info.get("peringatan", []))
    catatan = _catatan_umpan_balik(ctx)
    if peringatan:
        catatan = f"*{peringatan}*\n\n{catatan}"
    return Bagian(text, tables, tertutup=(per_unit,), catatan=catatan)


_NAMA_TINGKAT = {"wilayah": "wilayah", "kode_instansi": "instansi", "unit_kerja": "unit kerja"}
_NAMA_MAKS = 5  # group names listed per class before "dan n lainnya"
_KELAS_MAKS = 5  # classes named in the paragraph (the largest); the others are pooled


def paragraf_keterbandingan(effects, ambang: int) -> str:
    """Which groups' calibrated scores cannot be compared with the rest, and why (Markdown;
    empty when every pegawai is comparable).

    From ``effects.info["tidak_dibandingkan"]`` (one row per comparison class other than the
    main one, see :func:`kinerja_calib.calibrate.rater_effects`). Plain words for a leader:
    no rater is named and no exact count of linking raters is given (only "fewer than the
    minimum"); classes of fewer pegawai than the anonymity threshold ``ambang`` are pooled
    into one unnamed line.
    """
    tab = effects.info.get("tidak_dibandingkan")
    if tab is None or not len(tab):
        return ""
    minimal = int(effects.info.get("minimal_penghubung", 3))
    n_all = len(effects.ratees)
    n_out = int(tab["n_pegawai"].sum())
    lines = []
    tab = tab.sort_values(["n_pegawai", "kelas"], ascending=[False, True], kind="stable")
    small = (tab["n_pegawai"] < ambang).to_numpy().copy()
    small |= np.cumsum(~small) > _KELAS_MAKS  # the largest few named, the rest pooled
    for row in tab.loc[~small].itertuples(index=False):
        names = [_e(str(k)) for k in row.kelompok[:_NAMA_MAKS]]
        lain = len(row.kelompok) - len(names)
        siapa = ", ".join(names) + (f" dan {fmt_angka(lain)} lainnya" if lain > 0 else "")
        tingkat = _NAMA_TINGKAT.get(str(row.tingkat), "kelompok")
        label = (
            f"{'sebagian pegawai ' if row.sebagian else ''}{tingkat} {siapa}"
            if names
            else "sekelompok pegawai"
        )
        if row.jenis == "terpisah":
            why = (
                "tidak ada penilai yang menilai pegawai kelompok ini sekaligus pegawai di luar "
                "kelompok ini, sehingga tidak dapat diketahui apakah nilainya tinggi atau rendah karena kinerjanya atau karena "
                "penilainya lebih murah atau lebih ketat"
            )
        else:
            why = (
                f"hanya terhubung dengan kelompok utama melalui kurang dari {fmt_angka(minimal)} "
                "penilai yang juga menilai pegawai kelompok utama, sehingga perbandingannya "
                "bertumpu pada penilaian segelintir orang"
            )
        lines.append(f"- {label} ({fmt_angka(int(row.n_pegawai))} pegawai): {why}.")
    if small.any():
        kecil = (tab["n_pegawai"] < ambang).to_numpy()
        sebab = (
            f"tidak dirinci karena kurang dari {fmt_angka(ambang)} pegawai"
            if kecil[small].all()
            else "tidak dirinci satu per satu"
        )
        lines.append(
            f"- {fmt_angka(int(small.sum()))} kelompok lain "
            f"({fmt_angka(int(tab.loc[small, 'n_pegawai'].sum()))} pegawai; {sebab}): "
            "penilainya terpisah atau terhubung terlalu lemah dengan kelompok utama."
        )
    return (
        "**Skor yang tidak dapat dibandingkan.** Model efek penilai hanya dapat memisahkan "
        "kinerja pegawai dari murah atau ketatnya penilai bila kelompok-kelompok pegawai "
        f"berbagi penilai. Pada periode ini {fmt_angka(n_out)} dari {fmt_angka(n_all)} pegawai "
        "yang dinilai tidak dapat dibandingkan langsung dengan pegawai lain di instansi ini:\n\n"
        + "\n".join(lines)
        + "\n\nPegawai ini tidak ikut diurutkan dalam usulan kurva distribusi (bagian 3); "
        "predikatnya dibahas tersendiri dengan bukti kinerja. Agar dapat dibandingkan pada "
        "periode berikutnya, tugaskan beberapa penilai (mis. rekan lintas unit) untuk juga "
        "menilai pegawai di kelompok lain."
    )


def _catatan_umpan_balik(ctx: KonteksLaporan) -> str:
    """How many personal feedback sheets exist for this instansi — a count, never a link."""
    from ..umpan_balik import jumlah_lembar

    n = jumlah_lembar(ctx.wb.pegawai, ctx.penilaian)
    return (
        f"**Umpan balik pribadi.** Untuk periode {_e(ctx.periode)} tersedia lembar umpan balik "
        f"bagi {fmt_angka(n['pegawai'])} pegawai dan lembar kecenderungan menilai bagi "
        f"{fmt_angka(n['penilai'])} penilai instansi ini. Setiap lembar hanya untuk orang yang "
        "bersangkutan; BKPSDM membagikannya satu per satu, sehingga lembar itu sengaja tidak "
        "dilampirkan atau ditautkan di laporan ini."
    )
