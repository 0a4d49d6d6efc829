"""Everything the feedback sheets need, computed once per workbook with vectorised pandas.

:func:`prepare` scores the workbook (:func:`kinerja_calib.score_workbook`), applies the anonymity
threshold to the 360 ratings (:func:`kinerja_calib.privacy.suppress_360`: hidden groups enter
nothing, not even a rater's tendencies), and turns each table into a :class:`Groups` — rows
sorted by ``nip`` and sliced by position — so a sheet takes its rows without any pandas
filtering per pegawai.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import competency, labels
from .. import rules as _rules
from .._butir import rating_butir
from .._referensi import baca_toml
from ..indicators import capaian_pegawai
from ..privacy import AMBANG_BAWAAN, suppress_360
from ..scoring import score_workbook

__all__ = ["Groups", "Prepared", "prepare", "referensi"]

#: Roles whose ratings count as "others" against the self rating.
PERAN_LAIN = ("atasan", "rekan", "bawahan", "pengguna_layanan")


def referensi() -> dict[str, Any]:
    """The data file of development types and rater thresholds (``referensi/umpan_balik.toml``)."""
    return baca_toml("umpan_balik.toml")


class Groups:
    """Rows of a table grouped by one key column, sliced by position (no per-key filtering)."""

    def __init__(self, df: pd.DataFrame, key: str = "nip") -> None:
        df = df.sort_values(key, kind="stable")
        keys = df[key].astype(str).to_numpy(dtype=object)
        cut = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        start = np.concatenate([[0], cut]) if len(keys) else np.array([], dtype=int)
        stop = np.concatenate([cut, [len(keys)]]) if len(keys) else np.array([], dtype=int)
        self._pos = dict(
            zip(keys[start].tolist(), zip(start.tolist(), stop.tolist(), strict=True), strict=True)
        )
        self._cols = {c: df[c].to_numpy(dtype=object) for c in df.columns}

    def __contains__(self, key: str) -> bool:
        return key in self._pos

    def keys(self) -> list[str]:
        """Every key, sorted."""
        return list(self._pos)

    def rows(self, key: str) -> list[dict[str, Any]]:
        """The rows of ``key`` as dicts (empty list when the key has none)."""
        a, b = self._pos.get(key, (0, 0))
        return [{c: v[i] for c, v in self._cols.items()} for i in range(a, b)]


@dataclass
class Prepared:
    """What every sheet of one workbook and period reads (see :func:`prepare`)."""

    periode: str
    periode_semua: list[str]
    ambang: int
    minimal: int
    aturan: _rules.Rules
    ref: dict[str, Any]
    pegawai: Groups
    instansi: dict[str, dict[str, Any]]
    skor: Groups
    indikator: Groups
    aspek: Groups
    peran: Groups
    kompetensi: Groups
    penilai: Groups
    penilai_aspek: Groups
    penilai_nilai: Groups
    sebaran: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


def _latest(values) -> list[str]:
    return sorted({str(v) for v in values if isinstance(v, str) and v})


def _indikator(wb, rules_6_2022, periode: str) -> pd.DataFrame:
    rea = wb.realisasi
    if rea is None or not (rea["periode"] == periode).any():  # e.g. only 360 in this period
        cols = ["nip", "kode_indikator", "nama_indikator", "satuan", "target", "target_min"]
        cols += ["target_max", "realisasi", "capaian", "arah", "jenis", "rating"]
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    cp = capaian_pegawai(wb, periode=[periode], rules=rules_6_2022).per_indikator
    cp = cp.loc[cp["periode"] == periode]
    if "jenis" in wb.indikator.columns:
        jenis = wb.indikator.set_index("kode_indikator")["jenis"]
        cp = cp.assign(jenis=cp["kode_indikator"].map(jenis).fillna("utama").astype(str))
    else:
        cp = cp.assign(jenis="utama")
    rating = rating_butir(cp["capaian"], rules=rules_6_2022).astype(object)
    return cp.assign(rating=rating.where(rating.notna(), None))


def _aspek(kept: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per pegawai × aspek: mean per role and of all others; per pegawai × role: rater counts."""
    keys = ["nip", "aspek", "peran_penilai"]
    per_peran = kept.groupby(keys, observed=True)["nilai"].mean().unstack("peran_penilai")
    per_peran = per_peran.reindex(columns=list(labels.PERAN_PENILAI))
    lain = kept.loc[kept["peran_penilai"].isin(PERAN_LAIN)]
    per_peran["lain"] = lain.groupby(["nip", "aspek"], observed=True)["nilai"].mean()
    aspek = per_peran.reset_index()
    n = (
        kept.groupby(["nip", "peran_penilai"], observed=True)["nip_penilai"]
        .nunique()
        .rename("n_penilai")
        .reset_index()
    )
    return aspek, n


def _kecenderungan(kept: pd.DataFrame, pegawai: pd.DataFrame, minimal: int):
    """Leniency, range and halo of every rater (kept, non-self ratings only).

    Leniency is the mean difference between a rater's score and the mean of the *other* kept
    raters of the same pegawai × aspek; range the standard deviation of all the rater's
    scores; halo the mean, over the pegawai rated, of the standard deviation across aspects.
    """
    r = kept.loc[kept["peran_penilai"] != "diri", ["nip", "nip_penilai", "aspek", "nilai"]]
    r = r.assign(nilai=r["nilai"].astype(float))
    cell = r.groupby(["nip", "aspek"], observed=True)["nilai"]
    total, count = cell.transform("sum"), cell.transform("count")
    others = (total - r["nilai"]) / (count - 1).where(count > 1)
    r = r.assign(selisih=r["nilai"] - others)
    g = r.groupby("nip_penilai", observed=True)
    out = pd.DataFrame(
        {
            "n_dinilai": g["nip"].nunique(),
            "rata": g["nilai"].mean(),
            "lunak": g["selisih"].mean(),
            "rentang": g["nilai"].std(ddof=0),
        }
    )
    per_ratee = r.groupby(["nip_penilai", "nip"], observed=True)["nilai"].std(ddof=0)
    out["halo"] = per_ratee.groupby(level=0).mean()
    out = out.loc[out["n_dinilai"] >= minimal]
    inst = pegawai.set_index("nip")["kode_instansi"]
    out["kode_instansi"] = out.index.map(inst)
    out = out.loc[out["kode_instansi"].notna()].rename_axis("nip").reset_index()
    keep = r["nip_penilai"].isin(out["nip"])
    per_aspek = (
        r.loc[keep]
        .groupby(["nip_penilai", "aspek"], observed=True)
        .agg(rata=("nilai", "mean"), lunak=("selisih", "mean"))
        .reset_index()
        .rename(columns={"nip_penilai": "nip"})
    )
    per_aspek["kode_instansi"] = per_aspek["nip"].map(inst)
    nilai = (
        r.loc[keep]
        .assign(nilai=r["nilai"].round().astype(int))
        .groupby(["nip_penilai", "nilai"], observed=True)
        .size()
        .rename("n")
        .reset_index()
        .rename(columns={"nip_penilai": "nip"})
    )
    return out, per_aspek, nilai


def _sebaran(tend: pd.DataFrame, per_aspek: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """Per instansi: the raters' values as arrays (for anonymous peer comparisons)."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for kode, g in tend.groupby("kode_instansi", sort=True):
        d = {c: g[c].to_numpy(float) for c in ("lunak", "rentang", "halo")}
        d["nip"] = g["nip"].to_numpy(dtype=object)
        out[str(kode)] = d
    if len(per_aspek):
        wide = per_aspek.pivot_table(
            index=["kode_instansi", "nip"], columns="aspek", values="lunak"
        )
        for kode, g in wide.groupby(level=0, sort=True):
            if str(kode) in out:
                out[str(kode)]["aspek"] = g.droplevel(0)
    return out


def prepare(
    wb,
    periode: str | None = None,
    rules: Any = "permenpanrb-6-2022",
    ambang_anonimitas: int = AMBANG_BAWAAN,
    minimal_dinilai: int | None = None,
) -> Prepared:
    """Compute, once, every table the sheets of ``wb`` read.

    Parameters
    ----------
    wb : Workbook
    periode : str, optional
        The period of the sheets; default the latest in the data. The trend uses every period.
    rules : str, path or Rules
        A 6/2022 rules set (thresholds, matrix).
    ambang_anonimitas : int
        Anonymity threshold of the 360 groups (as the instansi report).
    minimal_dinilai : int, optional
        Raters need at least this many pegawai for a sheet; default from the data file.
    """
    rules_6_2022 = _rules.resolve(rules)
    ref = referensi()
    minimal = int(ref["penilai"]["minimal_dinilai"] if minimal_dinilai is None else minimal_dinilai)
    skor = score_workbook(wb, rules=rules_6_2022, ambang_anonimitas=ambang_anonimitas)
    semua = _latest(skor["periode"].unique())
    if periode is None:
        periode = semua[-1]
    elif periode not in semua:
        from ..errors import ParameterError

        raise ParameterError(
            f"Periode '{periode}' tidak ada di data. Pilih salah satu: {', '.join(semua)}."
        )
    r360 = wb.penilaian_360
    if r360 is None or not len(r360):
        r360 = pd.DataFrame(
            {c: pd.Series(dtype=object) for c in labels_360()} | {"nilai": pd.Series(dtype=float)}
        )
    kept, _ = suppress_360(r360.loc[r360["periode"] == periode], ambang_anonimitas)
    aspek, peran = _aspek(kept)
    tend, per_aspek, nilai = _kecenderungan(kept, wb.pegawai, minimal)
    komp = wb.kompetensi
    if komp is not None and len(komp):
        komp = competency.kesenjangan(komp)
    else:
        komp = pd.DataFrame({"nip": pd.Series(dtype=object)})
    inst = wb.instansi.set_index("kode_instansi", drop=False)
    return Prepared(
        periode=periode,
        periode_semua=semua,
        ambang=int(ambang_anonimitas),
        minimal=minimal,
        aturan=rules_6_2022,
        ref=ref,
        pegawai=Groups(wb.pegawai),
        instansi={str(k): v for k, v in inst.to_dict("index").items()},
        skor=Groups(skor.sort_values(["nip", "periode"], kind="stable")),
        indikator=Groups(_indikator(wb, rules_6_2022, periode)),
        aspek=Groups(aspek),
        peran=Groups(peran),
        kompetensi=Groups(komp),
        penilai=Groups(tend),
        penilai_aspek=Groups(per_aspek),
        penilai_nilai=Groups(nilai),
        sebaran=_sebaran(tend, per_aspek),
    )


def jumlah_lembar(
    pegawai: pd.DataFrame, penilaian: pd.DataFrame, minimal_dinilai: int | None = None
) -> dict[str, int]:
    """How many sheets the batch writes for one instansi and period.

    Parameters
    ----------
    pegawai : DataFrame
        The instansi's pegawai table (one sheet each).
    penilaian : DataFrame
        The period's 360 ratings *after* the anonymity threshold
        (:func:`~kinerja_calib.privacy.suppress_360`), as the sheets use them.
    minimal_dinilai : int, optional
        Raters need at least this many pegawai for a sheet; default from the data file.

    Returns
    -------
    dict
        ``{"pegawai": n, "penilai": m}`` — the same rule as :func:`prepare` and the batch, so
        a report can state the counts without linking to (or reading) any sheet.
    """
    minimal = (
        referensi()["penilai"]["minimal_dinilai"] if minimal_dinilai is None else minimal_dinilai
    )
    n_penilai = 0
    if penilaian is not None and len(penilaian):
        n_penilai = len(_kecenderungan(penilaian, pegawai, int(minimal))[0])
    return {"pegawai": int(pegawai["nip"].nunique()), "penilai": int(n_penilai)}


def labels_360() -> tuple[str, ...]:
    """Text columns of an empty ``penilaian_360`` table."""
    return ("periode", "nip", "nip_penilai", "peran_penilai", "aspek")
