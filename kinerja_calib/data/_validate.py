"""One validation pass over every table read, and the converted output frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._builder import trim_heap
from ._checks import check_columns, convert
from ._problems import Problems
from ._relations import (
    check_bobot,
    check_duplicates,
    check_hierarchy,
    check_realisasi_jabatan,
    check_refs,
    check_self_rating,
)
from ._schema import SCHEMA, TABLES
from ._table import Table
from ._workbook import Workbook


def validate(tables: dict[str, Table | None], skala, probs: Problems, path) -> Workbook | None:
    lo, hi = skala
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ParameterError(
            f"Skala {skala!r} tidak sah: isi dua angka (min, maks) dengan min < maks."
        )
    conv: dict[str, dict] = {}
    for name, t in tables.items():
        if t is None:
            continue
        check_columns(t, probs)
        conv[name] = convert(t, skala, probs)
        check_duplicates(t, conv[name], probs)
    ins, peg, ind = tables.get("instansi"), tables.get("pegawai"), tables.get("indikator")
    rea, r360 = tables.get("realisasi"), tables.get("penilaian_360")
    skm, kom = tables.get("survei_skm"), tables.get("kompetensi")

    def ok(name, col):
        return conv[name].get("ok:" + col, np.zeros(len(tables[name].frame), dtype=bool))

    if peg is not None:
        check_refs(
            peg, "kode_instansi", ok("pegawai", "kode_instansi"), ins, "kode_instansi", probs
        )
        miss = check_refs(peg, "nip_atasan", ok("pegawai", "nip_atasan"), peg, "nip", probs)
        conv["pegawai"]["ok:nip_atasan"] = ok("pegawai", "nip_atasan") & ~miss
        check_hierarchy(peg, conv["pegawai"], probs)
    if ind is not None:
        check_refs(
            ind, "kode_instansi", ok("indikator", "kode_instansi"), ins, "kode_instansi", probs
        )
        check_bobot(ind, conv["indikator"], probs)
    if rea is not None:
        b1 = check_refs(
            rea, "kode_indikator", ok("realisasi", "kode_indikator"), ind, "kode_indikator", probs
        )
        b2 = check_refs(rea, "nip", ok("realisasi", "nip"), peg, "nip", probs)
        if peg is not None and ind is not None:
            good = ok("realisasi", "nip") & ok("realisasi", "kode_indikator") & ~b1 & ~b2
            check_realisasi_jabatan(rea, good, peg, ind, probs)
    if r360 is not None:
        check_refs(r360, "nip", ok("penilaian_360", "nip"), peg, "nip", probs)
        if "peran_penilai" in r360.frame:
            internal = (r360.frame["peran_penilai"] != "pengguna_layanan").to_numpy()
            check_refs(
                r360, "nip_penilai", ok("penilaian_360", "nip_penilai"), peg, "nip", probs, internal
            )
        check_self_rating(r360, conv["penilaian_360"], probs)
    if skm is not None:
        check_refs(
            skm, "kode_instansi", ok("survei_skm", "kode_instansi"), ins, "kode_instansi", probs
        )
    if kom is not None:
        check_refs(kom, "nip", ok("kompetensi", "nip"), peg, "nip", probs)
    if probs.errors:
        return None
    trim_heap()
    out = {name: _output_frame(t, conv[name]) for name, t in tables.items() if t is not None}
    wb = Workbook(**{n: out.get(n) for n in TABLES}, path=path)
    wb.peringatan = probs.sorted("peringatan")
    return wb


def _output_frame(t: Table, conv: dict) -> pd.DataFrame:
    cols: dict[str, object] = {}
    n = len(t.frame)

    def text(col):  # categorical → "str" column, '' → NA; one object array per column
        cat = t.frame[col].array
        u = pd.Series(cat.categories, dtype="str")
        return pd.Series(u.where(u != "").array.take(cat.codes))

    for c in SCHEMA[t.name]:
        v = conv.get(c.name)
        if c.kind in ("num", "int"):
            arr = np.full(n, np.nan) if v is None else v
            cols[c.name] = arr.astype(np.int64) if c.kind == "int" else arr.astype(np.float64)
        elif c.name in t.frame:
            cols[c.name] = text(c.name)
        elif not c.always:
            continue
        else:
            cols[c.name] = pd.Series(np.full(n, np.nan), dtype="str")
    schema = {c.name for c in SCHEMA[t.name]}
    for extra in t.frame.columns:
        if extra not in schema:
            cols[extra] = text(extra)
    return pd.DataFrame(cols)
