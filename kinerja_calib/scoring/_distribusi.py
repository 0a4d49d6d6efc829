"""Kurva distribusi (SE MenPANRB 3/2023): the constraints of a unit and their check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .. import labels
from .._kurva import batas_kurva as _batas
from ..errors import ParameterError
from ._dasar import ArrayLike, need_rezim, rules_for, to_codes

__all__ = ["check_kurva", "kurva_constraints"]


# --------------------------------------------------------------------------- kurva
_KURVA_COLUMNS = [
    "predikat_organisasi",
    "aturan",
    "predikat",
    "jenis",
    "proporsi",
    "minimal_orang",
    "terkonfirmasi",
    "keterangan",
]


def _check_org(predikat_organisasi: str) -> str:
    if predikat_organisasi not in labels.PREDIKAT_ORGANISASI:
        raise ParameterError(
            f"Predikat organisasi '{predikat_organisasi}' tidak dikenal. Pilih salah satu dari "
            f"{list(labels.PREDIKAT_ORGANISASI)}."
        )
    return predikat_organisasi


def kurva_constraints(predikat_organisasi: str, rules=None) -> pd.DataFrame:
    """The SE MenPANRB 3/2023 constraints on the employee predikat mix of one unit.

    Parameters
    ----------
    predikat_organisasi : str
        One of :data:`kinerja_calib.labels.PREDIKAT_ORGANISASI`.
    rules : Rules or str, optional
        A ``permenpanrb-6-2022`` regime (default).

    Returns
    -------
    pandas.DataFrame
        One row per constraint: ``predikat_organisasi``, ``aturan`` (short id, e.g.
        ``"Baik-3"``), ``predikat`` (tuple of employee predikat counted together), ``jenis``
        (``"min"`` | ``"maks"``), ``proporsi`` (share 0–1, NaN when none), ``minimal_orang``
        (int; 1 for "harus ada"), ``terkonfirmasi`` (bool: every number of the constraint is
        confirmed), ``keterangan`` (Indonesian).

    Notes
    -----
    All percentages come from one secondary paraphrase of the SE [S10a] and are
    UNCONFIRMED. Employee counts: ``maks`` allows ``floor(p·n)`` and ``min`` needs
    ``max(ceil(p·n), minimal_orang)`` under the default ``kurva.pembulatan``.

    Examples
    --------
    >>> kurva_constraints("Butuh Perbaikan")[["jenis", "proporsi"]].values.tolist()
    [['min', 0.6], ['maks', 0.1]]
    """
    r = rules_for(rules, "permenpanrb-6-2022")
    need_rezim(r, "permenpanrb-6-2022", "kurva_constraints")
    org = _check_org(predikat_organisasi)
    items = r["kurva"].get(org, ())
    rows = []
    for i, c in enumerate(items):
        base = f"kurva.{org}[{i}]"
        flags = [
            r.info(f"{base}.{k}")["terkonfirmasi"] or r.info(f"{base}.{k}")["ditetapkan_instansi"]
            for k in ("proporsi", "minimal_orang")
            if k in c
        ]
        rows.append(
            {
                "predikat_organisasi": org,
                "aturan": f"{org}-{i + 1}",
                "predikat": tuple(c["predikat"]),
                "jenis": c["jenis"],
                "proporsi": float(c.get("proporsi", np.nan)),
                "minimal_orang": int(c.get("minimal_orang", 0)),
                "terkonfirmasi": bool(all(flags)),
                "keterangan": c.get("keterangan", ""),
            }
        )
    return pd.DataFrame(rows, columns=_KURVA_COLUMNS)


def check_kurva(
    predikat_pegawai: ArrayLike | pd.DataFrame,
    predikat_organisasi: str | Mapping | pd.Series,
    rules=None,
    by: str | Sequence[str] | None = None,
    semua: bool = False,
) -> pd.DataFrame:
    """Check employee predikat against the kurva distribusi of the organisation predikat.

    Parameters
    ----------
    predikat_pegawai : array-like of labels, or DataFrame
        The employee predikat of one unit (labels of :data:`labels.PREDIKAT`; missing values
        are ignored). With ``by``, a DataFrame with the ``by`` column(s) and a ``predikat``
        column (e.g. the output of :func:`score_workbook`).
    predikat_organisasi : str, mapping or Series
        The unit's predikat organisasi; with ``by``, a single label for all groups, or a
        mapping / Series from the group key (the ``by`` value, a tuple for several columns)
        to the label, or the name of a column of ``predikat_pegawai`` holding it.
    rules : Rules or str, optional
        A ``permenpanrb-6-2022`` regime (default).
    by : str or list of str, optional
        Grouping columns (e.g. ``"kode_instansi"``).
    semua : bool, default False
        Return every constraint (with ``terpenuhi``) instead of only the violated ones.

    Returns
    -------
    pandas.DataFrame
        Violated constraints (empty when compliant): the ``by`` columns, the columns of
        :func:`kurva_constraints`, ``n_pegawai``, ``jumlah`` (employees now in the counted
        predikat), ``batas`` (allowed maximum or required minimum, in persons),
        ``harus_pindah`` (employees that would have to move in or out), ``terpenuhi``.

    Examples
    --------
    >>> p = ["Baik"] * 8 + ["Butuh Perbaikan"] * 2
    >>> check_kurva(p, "Baik")[["aturan", "jumlah", "batas", "harus_pindah"]].values.tolist()
    [['Baik-1', 8, 7, 1]]
    """
    r = rules_for(rules, "permenpanrb-6-2022")
    need_rezim(r, "permenpanrb-6-2022", "check_kurva")
    mode = r.get_path("kurva.pembulatan")
    if by is None:
        if isinstance(predikat_pegawai, pd.DataFrame):
            values = predikat_pegawai["predikat"]
        else:
            values = predikat_pegawai
        frame = pd.DataFrame({"_grup": 0, "predikat": np.asarray(values, dtype=object)})
        keys = ["_grup"]
        if not isinstance(predikat_organisasi, str):
            raise ParameterError("Tanpa 'by', predikat_organisasi harus satu label teks.")
        org_of = {0: _check_org(predikat_organisasi)}
    else:
        keys = [by] if isinstance(by, str) else list(by)
        if not isinstance(predikat_pegawai, pd.DataFrame):
            raise ParameterError("Dengan 'by', predikat_pegawai harus DataFrame.")
        missing = [c for c in [*keys, "predikat"] if c not in predikat_pegawai.columns]
        if missing:
            raise ParameterError(f"Kolom {missing} tidak ada pada tabel predikat pegawai.")
        frame = predikat_pegawai
        org_of = None
    codes = to_codes(frame["predikat"], labels.PREDIKAT, "Predikat pegawai")
    ok = codes >= 0
    onehot = np.zeros((len(frame), len(labels.PREDIKAT)), dtype=np.int64)
    onehot[np.nonzero(ok)[0], codes[ok]] = 1
    counts = pd.DataFrame(onehot, columns=list(labels.PREDIKAT))
    for k in keys:
        counts[k] = frame[k].to_numpy()
    counts = counts.groupby(keys, sort=True, dropna=False)[list(labels.PREDIKAT)].sum()
    group_keys = list(counts.index)

    # Organisation predikat per group.
    if org_of is None:
        if isinstance(predikat_organisasi, str) and predikat_organisasi in frame.columns:
            first = frame.groupby(keys, sort=True, dropna=False)[predikat_organisasi].first()
            org_of = dict(zip(first.index, first.to_numpy(), strict=True))
        elif isinstance(predikat_organisasi, str):
            org_of = dict.fromkeys(group_keys, _check_org(predikat_organisasi))
        else:
            mapping = dict(predikat_organisasi)
            org_of = {g: mapping.get(g) for g in group_keys}
            absent = [g for g, v in org_of.items() if v is None or pd.isna(v)]
            if absent:
                raise ParameterError(
                    f"Predikat organisasi tidak diberikan untuk {absent[:5]}; lengkapi "
                    "pemetaan predikat_organisasi."
                )
    for v in set(org_of.values()):
        _check_org(v)

    cons = pd.concat(
        [kurva_constraints(o, r) for o in labels.PREDIKAT_ORGANISASI if o in set(org_of.values())],
        ignore_index=True,
    )
    groups = pd.DataFrame(
        {"_key": group_keys, "predikat_organisasi": [org_of[g] for g in group_keys]}
    )
    long = groups.merge(cons, on="predikat_organisasi", how="inner")
    if long.empty:
        out = pd.DataFrame(
            columns=[
                *keys,
                *_KURVA_COLUMNS,
                "n_pegawai",
                "jumlah",
                "batas",
                "harus_pindah",
                "terpenuhi",
            ]
        )
        return out.drop(columns=["_grup"], errors="ignore")
    member = np.array(
        [[lab in tup for lab in labels.PREDIKAT] for tup in long["predikat"]], dtype=np.int64
    )
    cmat = counts.loc[long["_key"].tolist()].to_numpy()
    jumlah = (cmat * member).sum(axis=1)
    n = cmat.sum(axis=1)
    jenis = long["jenis"].to_numpy()
    batas = _batas(
        long["proporsi"].to_numpy(float),
        n.astype(float),
        jenis,
        long["minimal_orang"].to_numpy(float),
        mode,
    )
    pindah = np.where(jenis == "maks", jumlah - batas, batas - jumlah)
    pindah = np.clip(pindah, 0, None)
    long["n_pegawai"] = n
    long["jumlah"] = jumlah
    long["batas"] = batas.astype(np.int64)
    long["harus_pindah"] = pindah.astype(np.int64)
    long["terpenuhi"] = pindah == 0
    if len(keys) == 1:
        long[keys[0]] = long["_key"]
    else:
        for i, k in enumerate(keys):
            long[k] = [g[i] for g in long["_key"]]
    cols = [*keys, *_KURVA_COLUMNS, "n_pegawai", "jumlah", "batas", "harus_pindah", "terpenuhi"]
    out = long[cols]
    if not semua:
        out = out[~out["terpenuhi"]]
    out = out.drop(columns=["_grup"], errors="ignore").reset_index(drop=True)
    return out
