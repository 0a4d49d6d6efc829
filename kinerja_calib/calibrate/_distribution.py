"""Distribution calibration: the fewest predikat moves that meet the kurva distribusi."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._angka import bilangan, persen
from .._kurva import batas_kurva
from ..errors import ParameterError
from ..labels import PREDIKAT, PREDIKAT_ORGANISASI

__all__ = ["CATATAN_USULAN", "DistributionProposal", "calibrate_distribution"]

CATATAN_USULAN = (
    "Usulan untuk rapat kalibrasi, bukan keputusan: predikat akhir ditetapkan pejabat yang "
    "berwenang setelah membahas bukti kinerja tiap pegawai."
)

_PEMBULATAN = {
    "ke_bawah_untuk_maks_ke_atas_untuk_min": "batas maksimal dibulatkan ke bawah dan batas "
    "minimal ke atas (tafsiran harfiah 'maksimal/minimal p %')",
    "ke_atas_untuk_maks_ke_bawah_untuk_min": "batas maksimal dibulatkan ke atas dan batas "
    "minimal ke bawah (tafsiran paling longgar)",
    "terdekat": "batas maksimal dan minimal dibulatkan ke bilangan terdekat (setengah ke atas)",
}


@dataclass
class DistributionProposal:
    """Result of :func:`calibrate_distribution` (always a proposal, never a verdict).

    Attributes
    ----------
    predikat : DataFrame
        One row per pegawai: ``nip``, the group column, ``skor``, ``predikat_awal``,
        ``predikat_usulan``, ``dipindah``.
    perpindahan : DataFrame
        One row per proposed move: ``nip``, group, ``predikat_awal``, ``predikat_usulan``,
        ``skor``, ``alasan`` (Indonesian).
    ringkasan : DataFrame
        One row per group: ``predikat_organisasi``, ``n_pegawai``, ``n_pindah``, ``status``
        ("sudah sesuai" | "usulan" | "tidak dapat dipenuhi"), ``keterangan``.
    catatan : str
        "Usulan untuk rapat kalibrasi, bukan keputusan" plus how rounding worked.
    tidak_dibandingkan : DataFrame
        Pegawai left out of the proposal because their score cannot be compared with their
        group's (another comparison class, see ``kelas``): ``nip``, group, ``kelas``,
        ``skor``, ``predikat``, ``alasan`` (Indonesian). Empty when all are comparable.
    """

    predikat: pd.DataFrame
    perpindahan: pd.DataFrame
    ringkasan: pd.DataFrame
    catatan: str
    tidak_dibandingkan: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["nip", "kelompok", "kelas", "skor", "predikat", "alasan"]
        )
    )

    def __repr__(self) -> str:  # pragma: no cover - cosmetic
        n = len(self.perpindahan)
        bad = int((self.ringkasan["status"] == "tidak dapat dipenuhi").sum())
        return (
            f"DistributionProposal({n} usulan perpindahan di {len(self.ringkasan)} kelompok; "
            f"{bad} kelompok tidak dapat dipenuhi)\n{self.catatan}"
        )


def _limit(p: float, n: int, jenis: str, minimal: int, mode: str) -> int:
    """Persons allowed (maks) or required (min) for share ``p`` of ``n`` under ``mode``.

    The one rule of :func:`kinerja_calib.scoring.check_kurva` (``p × n`` rounded to 9
    decimals before it is floored / ceiled, :mod:`kinerja_calib._precision`), so the proposal
    and the check never disagree on a count.
    """
    return int(batas_kurva(p, n, jenis, minimal, mode))  # checks ``mode`` too


def _group_label(pred: tuple[str, ...]) -> str:
    return " dan/atau ".join(pred)


def _solve_group(counts: np.ndarray, cons: list[dict]) -> tuple[np.ndarray | None, str]:
    """Minimum-move flows f[c, d] (c ≠ d) meeting the constraints; None when infeasible."""
    # Imported here, not at module level: scipy.optimize costs ~0.25 s to import and a group
    # that already meets the curve (and every report kernel importing the package) skips it.
    from scipy.optimize import LinearConstraint, milp

    K = len(counts)
    pairs = [(c, d) for c in range(K) for d in range(K) if c != d]
    nv = len(pairs)
    # objective: number of moves, tie-broken toward short moves (adjacent predikat first)
    cost = np.array([1.0 + 1e-3 * abs(c - d) for c, d in pairs])
    rows, lo, hi = [], [], []
    for c in range(K):  # cannot move out more than are there
        rows.append([1.0 if pc == c else 0.0 for pc, _ in pairs])
        lo.append(0.0)
        hi.append(float(counts[c]))
    for con in cons:
        member = np.isin(np.arange(K), con["idx"])
        # new count in the group = old + inflow − outflow
        coef = [float(member[d]) - float(member[c]) for c, d in pairs]
        base = float(counts[member].sum())
        rows.append(coef)
        if con["jenis"] == "maks":
            lo.append(-np.inf)
            hi.append(con["batas"] - base)
        else:
            lo.append(con["batas"] - base)
            hi.append(np.inf)
    res = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lo, hi),
        integrality=np.ones(nv),
        bounds=(0, counts.sum()),
    )
    if not res.success:
        return None, res.message
    flows = np.zeros((K, K), dtype=np.int64)
    for (c, d), v in zip(pairs, np.round(res.x).astype(np.int64), strict=True):
        flows[c, d] = v
    return flows, ""


def _why_infeasible(n: int, cons: list[dict]) -> str:
    mins = [c for c in cons if c["jenis"] == "min" and c["batas"] > 0]
    need = sum(c["batas"] for c in mins)
    parts = [f"{c['keterangan']} → {c['batas']} orang" for c in cons]
    text = f"unit hanya {n} pegawai; batasan yang berlaku: " + "; ".join(parts)
    if need > n:
        text += f" — batas minimal saja sudah meminta {need} orang"
    return text + ". Tidak dipaksakan: bahas di rapat kalibrasi atau gabungkan dengan unit lain."


def calibrate_distribution(
    scores: pd.DataFrame,
    predikat_organisasi: str | Mapping | pd.Series,
    rules: Any = None,
    by: str = "kode_instansi",
    skor: str = "skor_terkalibrasi",
    predikat: str = "predikat",
    pembulatan: str | None = None,
    kelas: str | None = "kelas_banding",
    alasan: str = "alasan_banding",
) -> DistributionProposal:
    """Propose predikat that meet the SE MenPANRB 3/2023 curve with the fewest moves.

    Parameters
    ----------
    scores : DataFrame
        One row per pegawai: ``nip`` (column or index), the ``by`` column, the current
        ``predikat`` and the calibrated ``skor`` that orders who moves. Only its order
        matters, so the shrunk ``skor_terkalibrasi`` of :func:`rater_effects` (the posterior
        mean: the best ranking) is the right one; ``skor_distribusi`` has the same order and
        is meant for counting pegawai per band, not for this proposal.
    predikat_organisasi : str, mapping, Series or column name
        The organisation's predikat (:data:`kinerja_calib.labels.PREDIKAT_ORGANISASI`): one label
        for every group, a mapping / Series from group to label, or the name of a column of
        ``scores`` holding it.
    rules : Rules or str, optional
        ``permenpanrb-6-2022`` (default); constraints come from
        :func:`kinerja_calib.scoring.kurva_constraints`.
    by : str
        Grouping column (one curve per group, e.g. ``kode_instansi`` or a unit column).
    skor, predikat : str
        Column names of the score and the current predikat.
    pembulatan : str, optional
        Rounding of ``p · n`` persons; default the rules' ``kurva.pembulatan`` (UNCONFIRMED
        default ``"ke_bawah_untuk_maks_ke_atas_untuk_min"``: a maximum of 70 % of 7 people is
        4, a minimum of 10 % of 7 is 1). Also ``"ke_atas_untuk_maks_ke_bawah_untuk_min"`` and
        ``"terdekat"``.
    kelas : str or None
        Column of comparison classes (``rater_effects(...).ratees["kelas_banding"]``): scores
        are compared only within one class. In each group only the class with the most pegawai
        (ties: the lowest label) takes part in the proposal — the curve is applied to it — and
        the others are returned in ``.tidak_dibandingkan`` with the reason, kept unmoved in
        ``.predikat`` (``dibandingkan`` False) and counted in ``.ringkasan``. A missing class
        (a pegawai without 360 ratings, ordered by other evidence) joins the group's main
        class. Ignored when the column is absent or ``None``.
    alasan : str
        Column with each pegawai's reason (``alasan_banding``); a generic sentence otherwise.

    Returns
    -------
    DistributionProposal
        ``.predikat``, ``.perpindahan`` (every move with its reason), ``.ringkasan``,
        ``.catatan`` — labelled as a proposal for the calibration meeting, not a decision.

    Notes
    -----
    Per group, the count of pegawai per predikat is the only thing the curve constrains, so the
    fewest moves solve a tiny integer programme over the 20 flows between the five predikat
    (``scipy.optimize.milp``; ties broken toward moves between adjacent predikat). Then *who*
    moves follows the calibrated score: a move up takes the highest scores of the source
    predikat, a move down the lowest — the pegawai nearest the boundary move first. When no
    assignment can meet the constraints (a tiny unit, e.g. one pegawai under "Sangat Kurang"
    that needs ≥ 60 % Sangat Kurang and ≥ 10 % Kurang/Butuh Perbaikan), the group is reported
    as "tidak dapat dipenuhi" with the reason, and nobody is moved.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"nip": list("abcdefghij"), "kode_instansi": "X",
    ...                   "predikat": ["Baik"] * 10, "skor_terkalibrasi": range(10)})
    >>> p = calibrate_distribution(s, "Baik")
    >>> p.perpindahan[["nip", "predikat_usulan"]].values.tolist()
    [['a', 'Butuh Perbaikan'], ['b', 'Butuh Perbaikan'], ['c', 'Butuh Perbaikan']]
    """
    from .. import rules as _rules
    from .. import scoring

    r = _rules.resolve(rules)
    mode = pembulatan or r.get_path("kurva.pembulatan")
    if mode not in _PEMBULATAN:
        raise ParameterError(
            f"Aturan pembulatan '{mode}' tidak dikenal; pilih dari {sorted(_PEMBULATAN)}."
        )
    df = scores.copy()
    if "nip" not in df.columns:
        df = df.reset_index()
    for col in ("nip", by, predikat, skor):
        if col not in df.columns:
            raise ParameterError(f"Kolom '{col}' tidak ada pada tabel skor.")
    df = df.dropna(subset=[predikat])
    codes = pd.Categorical(df[predikat].astype(object), categories=PREDIKAT).codes
    if (codes < 0).any():
        bad = sorted(set(df.loc[codes < 0, predikat].astype(str)))
        raise ParameterError(f"Predikat tidak dikenal: {bad}; gunakan {list(PREDIKAT)}.")
    df["_c"] = codes
    df["_skor"] = pd.to_numeric(df[skor], errors="coerce")
    df, excluded = _split_classes(df, by, kelas, alasan, skor, predikat)
    groups = df[by].drop_duplicates().sort_values().tolist()
    if isinstance(predikat_organisasi, str) and predikat_organisasi in df.columns:
        org_map = df.groupby(by)[predikat_organisasi].first().to_dict()
    elif isinstance(predikat_organisasi, str):
        org_map = dict.fromkeys(groups, predikat_organisasi)
    else:
        org_map = dict(pd.Series(predikat_organisasi))
    missing = [g for g in groups if g not in org_map]
    if missing:
        raise ParameterError(f"Predikat organisasi tidak diberikan untuk {missing[:5]}.")
    bad = sorted({str(v) for v in org_map.values() if v not in PREDIKAT_ORGANISASI})
    if bad:
        raise ParameterError(
            f"Predikat organisasi {bad} tidak dikenal; gunakan {list(PREDIKAT_ORGANISASI)}."
        )
    counts = pd.crosstab(df[by], df["_c"]).reindex(index=groups, columns=range(5), fill_value=0)
    cons_of = {o: scoring.kurva_constraints(o, r) for o in set(org_map[g] for g in groups)}
    flow_rows, summary = [], []
    for g in groups:  # loop over units (≤ 5 constraints each), never over employees
        org = org_map[g]
        n_c = counts.loc[g].to_numpy()
        n = int(n_c.sum())
        cons = []
        for row in cons_of[org].itertuples(index=False):
            idx = [PREDIKAT.index(p) for p in row.predikat]
            batas = _limit(float(row.proporsi), n, row.jenis, int(row.minimal_orang), mode)
            cons.append(
                {
                    "idx": idx,
                    "jenis": row.jenis,
                    "batas": batas,
                    "proporsi": row.proporsi,
                    "predikat": row.predikat,
                    "keterangan": row.keterangan,
                    "jumlah": int(n_c[idx].sum()),
                }
            )
        violated = [
            c
            for c in cons
            if (c["jenis"] == "maks" and c["jumlah"] > c["batas"])
            or (c["jenis"] == "min" and c["jumlah"] < c["batas"])
        ]
        if not violated:
            summary.append((g, org, n, 0, "sudah sesuai", "distribusi sudah memenuhi kurva"))
            continue
        flows, msg = _solve_group(n_c, cons)
        if flows is None:
            summary.append((g, org, n, 0, "tidak dapat dipenuhi", _why_infeasible(n, cons)))
            continue
        for c, d in zip(*np.nonzero(flows), strict=True):
            flow_rows.append((g, int(c), int(d), int(flows[c, d]), _reason(c, d, violated, n)))
        summary.append(
            (
                g,
                org,
                n,
                int(flows.sum()),
                "usulan",
                "; ".join(_violation_text(c, n) for c in violated),
            )
        )
    ringkasan = pd.DataFrame(
        summary,
        columns=[by, "predikat_organisasi", "n_pegawai", "n_pindah", "status", "keterangan"],
    )
    n_out = excluded.groupby(by).size() if len(excluded) else pd.Series(dtype=np.int64)
    ringkasan["n_tidak_dibandingkan"] = (
        ringkasan[by].map(n_out).fillna(0).astype(np.int64).to_numpy()
    )
    out = df[["nip", by, "_skor", "_c"]].rename(columns={"_skor": "skor"})
    out["predikat_awal"] = pd.Categorical.from_codes(out["_c"], categories=PREDIKAT, ordered=True)
    target = out["_c"].to_numpy().copy()
    alasan = np.full(len(out), "", dtype=object)
    if flow_rows:
        fl = pd.DataFrame(flow_rows, columns=[by, "_c", "_d", "_f", "_alasan"])
        fl["_up"] = fl["_d"] > fl["_c"]
        # within each (group, source, direction), the furthest destination takes the extremes
        fl["_key"] = np.where(fl["_up"], -fl["_d"], fl["_d"])
        fl = fl.sort_values([by, "_c", "_up", "_key"])
        fl["_end"] = fl.groupby([by, "_c", "_up"])["_f"].cumsum()
        fl["_start"] = fl["_end"] - fl["_f"]
        tie = out.sort_values("nip", kind="stable")
        pos = pd.Series(np.arange(len(out)), index=out.index)
        rank_hi = tie.groupby([by, "_c"])["skor"].rank(method="first", ascending=False) - 1
        rank_lo = tie.groupby([by, "_c"])["skor"].rank(method="first", ascending=True) - 1
        emp = pd.DataFrame(
            {
                by: out[by],
                "_c": out["_c"],
                "_pos": pos,
                "_hi": rank_hi.reindex(out.index),
                "_lo": rank_lo.reindex(out.index),
            }
        )
        m = emp.merge(fl, on=[by, "_c"], how="inner")
        rank = np.where(m["_up"], m["_hi"], m["_lo"])
        sel = m[(rank >= m["_start"]) & (rank < m["_end"])]
        target[sel["_pos"].to_numpy()] = sel["_d"].to_numpy()
        alasan[sel["_pos"].to_numpy()] = sel["_alasan"].to_numpy()
    out["predikat_usulan"] = pd.Categorical.from_codes(target, categories=PREDIKAT, ordered=True)
    out["dipindah"] = target != out["_c"].to_numpy()
    out["_alasan"] = alasan
    perpindahan = (
        out.loc[out["dipindah"], ["nip", by, "predikat_awal", "predikat_usulan", "skor", "_alasan"]]
        .rename(columns={"_alasan": "alasan"})
        .sort_values([by, "skor", "nip"])
        .reset_index(drop=True)
    )
    predikat_tab = out[["nip", by, "skor", "predikat_awal", "predikat_usulan", "dipindah"]]
    predikat_tab = predikat_tab.assign(dibandingkan=True)
    if len(excluded):
        awal = pd.Categorical(excluded["predikat"], categories=PREDIKAT, ordered=True)
        lain = pd.DataFrame(
            {
                "nip": excluded["nip"].to_numpy(),
                by: excluded[by].to_numpy(),
                "skor": excluded["skor"].to_numpy(),
                "predikat_awal": awal,
                "predikat_usulan": awal,
                "dipindah": False,
                "dibandingkan": False,
            }
        )
        predikat_tab = pd.concat([predikat_tab, lain], ignore_index=True)
    catatan = (
        f"{CATATAN_USULAN} Pembulatan jumlah orang: {_PEMBULATAN[mode]} (aturan '{r.name}', "
        "belum terkonfirmasi). Unit yang tidak dapat memenuhi kurva tidak dipaksakan."
    )
    if len(excluded):
        catatan += (
            f" {bilangan(len(excluded))} pegawai tidak diikutkan dalam usulan karena skor "
            "terkalibrasinya tidak dapat dibandingkan dengan pegawai lain di kelompoknya "
            "(jaringan penilainya terpisah atau terhubung terlalu lemah); predikat mereka "
            "dibahas tersendiri dengan bukti kinerja."
        )
    return DistributionProposal(
        predikat_tab.reset_index(drop=True),
        perpindahan,
        ringkasan,
        catatan,
        excluded,
    )


#: The reason given when a pegawai's own reason is empty (comparable with the network's bulk,
#: but not with the main class of their group).
ALASAN_KELAS = (
    "skor terkalibrasinya berasal dari bagian jaringan penilai yang tidak terhubung cukup kuat "
    "dengan kelompok pembanding utama di kelompok ini"
)


def _split_classes(
    df: pd.DataFrame, by: str, kelas: str | None, alasan: str, skor: str, predikat: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of each group's main comparison class (and of no class), and the others."""
    cols = ["nip", by, "kelas", "skor", "predikat", "alasan"]
    if kelas is None or kelas not in df.columns or not df[kelas].notna().any():
        return df, pd.DataFrame(columns=cols)
    k = df[kelas]
    n = df.loc[k.notna()].groupby([by, kelas]).size().rename("_n").reset_index()
    n = n.sort_values([by, "_n", kelas], ascending=[True, False, True], kind="stable")
    ref = n.drop_duplicates(by).set_index(by)[kelas]
    main = k.isna().to_numpy() | (k.to_numpy() == df[by].map(ref).to_numpy())
    out = df.loc[~main]
    why = (
        out[alasan].astype("string").fillna("")
        if alasan in out.columns
        else pd.Series("", index=out.index, dtype="string")
    )
    excluded = pd.DataFrame(
        {
            "nip": out["nip"].to_numpy(),
            by: out[by].to_numpy(),
            "kelas": out[kelas].to_numpy(),
            "skor": out["_skor"].to_numpy(),
            "predikat": out[predikat].astype(object).to_numpy(),
            "alasan": np.where(why.to_numpy() == "", ALASAN_KELAS, why.to_numpy()),
        }
    )
    return df.loc[main], excluded.sort_values([by, "nip"], kind="stable").reset_index(drop=True)


def _violation_text(c: dict, n: int) -> str:
    label = _group_label(c["predikat"])
    if c["jenis"] == "maks":
        return (
            f"{label}: {c['jumlah']} dari {n} orang, batas maksimal {c['batas']} orang "
            f"({c['keterangan']})"
        )
    return f"{label}: {c['jumlah']} dari {n} orang, minimal {c['batas']} orang ({c['keterangan']})"


def _reason(c: int, d: int, violated: list[dict], n: int) -> str:
    src = PREDIKAT[c]
    where = "tertinggi" if d > c else "terendah"
    tail = f"skor terkalibrasi {where} di kelompok {src}"
    for con in violated:
        if con["jenis"] == "maks" and c in con["idx"] and d not in con["idx"]:
            p = con["proporsi"]
            lim = f"{persen(p, 0)} " if np.isfinite(p) else ""
            return f"batas maksimal {lim}{_group_label(con['predikat'])} terlampaui; {tail}"
    for con in violated:
        if con["jenis"] == "min" and d in con["idx"] and c not in con["idx"]:
            p = con["proporsi"]
            if np.isfinite(p):
                head = f"minimal {persen(p, 0)} {_group_label(con['predikat'])} belum terpenuhi"
            else:
                head = f"harus ada pegawai {_group_label(con['predikat'])}"
            return f"{head}; {tail}"
    return f"penyesuaian kurva distribusi; {tail}"
