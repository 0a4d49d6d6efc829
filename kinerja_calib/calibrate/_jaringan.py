"""Which calibrated scores can be compared: components and link strength of the rater network.

A rater-effects model separates "this pegawai is good" from "this rater is lenient" only
through raters who rate pegawai on *both* sides of a comparison (Linacre 1997; Eckes 2015,
ch. 5 "connectedness"). Two parts of the rater–ratee graph that share no rater are separate
connected components: their difference in mean rating is not identified at all. Two parts that
share one or two raters are connected, but their difference rests on those few people's
ratings — the classic "anchor rater" design, which the component count alone reports as fine.

**Link strength.** For a grouping of the pegawai (``wilayah``, ``kode_instansi``,
``unit_kerja`` — whichever the ``pegawai`` table has), the link between two groups is their
*rater connectivity* κ: the fewest raters whose removal leaves no path between the groups in
the rater–ratee graph, which by Menger's theorem equals the number of rater-disjoint paths
between them. It is one maximum flow (:func:`scipy.sparse.csgraph.maximum_flow`) on a small
network — one node per group, each rater who rates in two or more groups split into an in- and
an out-node joined by capacity 1 — so a head who rates one pegawai in each of five units
counts once, not once per unit pair. "κ ≥ ``minimal_penghubung``" is an equivalence relation
(κ(a, c) ≥ min(κ(a, b), κ(b, c))), so it partitions each component's groups into classes;
the class with the most pegawai is the main one. All pairs' κ come from Gusfield's (1990)
equivalent flow tree: ``n − 1`` minimum cuts for ``n`` groups of a component, each on that
component's own small network (a loop over groups, never over pegawai), only when
``pegawai`` is given.

A pegawai is *dapat dibandingkan* (comparable with the bulk of the network) when they are in
the main connected component and in the main class at every grouping level; pegawai without a
group (absent from ``pegawai``) are judged by their component only. The threshold is an
UNCONFIRMED rules value: ``keterbandingan.minimal_penghubung`` in
``rules/permenpanrb-6-2022.toml``.

References
----------
.. [1] Linacre, J. M. (1997). Connectedness and disjoint subsets. *Rasch Measurement
   Transactions*, 11(1), 546.
.. [2] Eckes, T. (2015). *Introduction to many-facet Rasch measurement* (2nd ed.), ch. 5.
   Peter Lang.
.. [4] Gusfield, D. (1990). Very simple methods for all pairs network flow analysis. *SIAM
   J. Comput.*, 19(1), 143–155.
.. [3] Menger, K. (1927). Zur allgemeinen Kurventheorie. *Fundamenta Mathematicae*, 10,
   96–115 (vertex cuts = disjoint paths); Ford, L. R., & Fulkerson, D. R. (1956). Maximal
   flow through a network. *Canadian J. Math.*, 8, 399–404.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import breadth_first_order, connected_components, maximum_flow

from .._angka import bilangan
from ..errors import ParameterError
from ._types import RaterEffects, RatingData

__all__ = ["TINGKAT", "mark_comparability", "minimal_penghubung"]

#: Grouping columns of ``pegawai`` checked for weak links, coarse to fine, and their names.
TINGKAT: dict[str, str] = {
    "wilayah": "wilayah",
    "kode_instansi": "instansi",
    "unit_kerja": "unit kerja",
}

_TERPISAH = (
    "tidak terhubung dengan jaringan penilai utama: tidak ada penilai yang juga menilai "
    "pegawai di bagian lain, sehingga kelunakan penilainya tidak dapat dipisahkan dari "
    "kinerja pegawainya"
)


def minimal_penghubung(rules: Any = None) -> int:
    """The minimum number of bridging raters for a link to count as adequate (rules value
    ``keterbandingan.minimal_penghubung``, UNCONFIRMED)."""
    from .. import rules as _rules

    r = _rules.resolve(rules)
    v = r.get_path("keterbandingan.minimal_penghubung", None)
    if v is None:  # a regime without the section: the 6/2022 file's value
        v = _rules.resolve("permenpanrb-6-2022").get_path("keterbandingan.minimal_penghubung")
    return int(v)


def _distinct(rater: np.ndarray, group: np.ndarray) -> pd.DataFrame:
    """The distinct (rater, group) pairs."""
    ng = int(group.max()) + 1
    key = np.unique(rater.astype(np.int64) * ng + group)
    return pd.DataFrame({"r": key // ng, "g": key % ng})


class _RaterCuts:
    """Rater-disjoint paths between groups (Menger): a flow network with one node per group
    and each bridging rater split into an in- and an out-node joined by capacity 1, so the
    maximum flow between two groups is the fewest raters whose removal separates them."""

    def __init__(self, rb: pd.DataFrame, n_groups: int) -> None:
        multi = rb[rb.groupby("r")["g"].transform("size") > 1]
        rcode, runiq = pd.factorize(multi["r"])
        nr = len(runiq)
        g = multi["g"].to_numpy(np.int64)
        r_in = n_groups + rcode
        r_out = n_groups + nr + rcode
        big = nr + 1
        rows = np.r_[g, n_groups + np.arange(nr), r_out]
        cols = np.r_[r_in, n_groups + nr + np.arange(nr), g]
        cap = np.r_[np.full(len(g), big), np.ones(nr, np.int64), np.full(len(g), big)]
        n = n_groups + 2 * nr
        self.graph = sparse.csr_matrix(
            (cap.astype(np.int32), (rows, cols)), shape=(n, n), dtype=np.int32
        )
        # bridging raters per group: an upper bound of its κ to any other group
        self.degree = np.bincount(g, minlength=n_groups)

    def cut(self, s: int, t: int) -> tuple[int, np.ndarray]:
        """κ(s, t) and the groups on ``s``'s side of a minimum cut (reachable from ``s`` in
        the residual network)."""
        n = len(self.degree)
        if not self.degree[s]:
            side = np.zeros(n, bool)
            side[s] = True
            return 0, side
        res = maximum_flow(self.graph, int(s), int(t))
        resid = (self.graph - res.flow).tocsr()
        resid.data = (resid.data > 0).astype(np.int8)
        resid.eliminate_zeros()
        reach = breadth_first_order(resid, int(s), directed=True, return_predecessors=False)
        side = np.zeros(n, bool)
        side[reach[reach < n]] = True
        return int(res.flow_value), side


def _classes(cuts: _RaterCuts, size: np.ndarray, thr: int) -> tuple[np.ndarray, int, np.ndarray]:
    """Classes of one component's groups under "joined by ≥ thr rater-disjoint paths", from
    Gusfield's (1990) equivalent flow tree — ``n − 1`` minimum cuts give every pair's κ as the
    smallest edge on the tree path between them. Returns the class per group, the
    representative of the main class (its largest group; the main class has the most
    pegawai) and κ from it to every group (NaN for itself)."""
    n = len(size)
    parent = np.zeros(n, np.int64)
    weight = np.zeros(n)
    for s in range(1, n):  # a loop over groups (units / regions), never pegawai
        t = parent[s]
        weight[s], side = cuts.cut(s, t)
        later = np.arange(s + 1, n)
        parent[later[side[later] & (parent[later] == t)]] = s
    child = np.arange(1, n)
    strong = weight[1:] >= thr
    adj = sparse.csr_matrix(
        (np.ones(int(strong.sum())), (child[strong], parent[1:][strong])), shape=(n, n)
    )
    _, cls = connected_components(adj, directed=False)
    tot = np.bincount(cls, weights=size)
    members = np.flatnonzero(cls == int(np.argmax(tot)))
    rep = int(members[np.argmax(size[members])])
    # κ(rep, x): the smallest tree edge on the path, by a walk over the tree from rep
    nbr: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for c_, p_, w_ in zip(child, parent[1:], weight[1:], strict=True):
        nbr[c_].append((int(p_), float(w_)))
        nbr[p_].append((int(c_), float(w_)))
    kap = np.full(n, np.nan)
    kap[rep] = np.inf
    stack = [rep]
    while stack:
        u = stack.pop()
        for v, w in nbr[u]:
            if np.isnan(kap[v]):
                kap[v] = min(kap[u], w)
                stack.append(v)
    kap[rep] = np.nan
    return cls.astype(np.int64), rep, kap


def _level(
    data: RatingData, comp_ratee: np.ndarray, labels: pd.Series, thr: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DataFrame, float]:
    """One grouping level: per ratee whether in the main class of its component, its class
    code, the rater connectivity κ of its group to the main group, the table of classes and
    the level's link strength (min κ over the main component's groups)."""
    na = len(comp_ratee)
    has = labels.notna().to_numpy()
    key = pd.Series(comp_ratee.astype(str)) + "\x1f" + labels.astype(str).reset_index(drop=True)
    g, _ = pd.factorize(key.where(has))
    g = g.astype(np.int64)
    main = np.ones(na, bool)
    blk = np.full(na, -1, np.int64)
    link = np.full(na, np.nan)
    if not has.any():
        return main, blk, link, pd.DataFrame(), np.nan
    ng = int(g.max()) + 1
    size = np.bincount(g[has], minlength=ng)
    g_comp = np.zeros(ng, np.int64)
    g_comp[g[has]] = comp_ratee[has]
    ok = has[data.pair_ratee]
    rb = _distinct(data.pair_rater[ok], g[data.pair_ratee[ok]])
    # one flow network per component (small graphs): the pairs sorted by component
    rb_comp = g_comp[rb["g"].to_numpy()]
    order = np.argsort(rb_comp, kind="stable")
    rb = rb.iloc[order].reset_index(drop=True)
    starts = np.searchsorted(rb_comp[order], np.arange(g_comp.max() + 2))
    by_comp = np.argsort(g_comp, kind="stable")
    g_starts = np.searchsorted(g_comp[by_comp], np.arange(g_comp.max() + 2))
    g_cls = np.zeros(ng, np.int64)
    g_main = np.zeros(ng, bool)
    g_kappa = np.full(ng, np.nan)
    offset = 0
    for c in range(int(g_comp.max()) + 1):  # a loop over components (instansi), not pegawai
        members = np.sort(by_comp[g_starts[c] : g_starts[c + 1]])
        if len(members) <= 1:
            g_cls[members] = offset
            g_main[members] = True
            offset += len(members)
            continue
        part = rb.iloc[starts[c] : starts[c + 1]]
        local = pd.DataFrame(
            {"r": part["r"].to_numpy(), "g": np.searchsorted(members, part["g"].to_numpy())}
        )
        cls, rep, kap = _classes(_RaterCuts(local, len(members)), size[members], thr)
        g_cls[members] = offset + cls
        g_main[members] = cls == cls[rep]
        g_kappa[members] = kap
        offset += int(cls.max()) + 1
    main = ~has | g_main[np.maximum(g, 0)]
    blk = np.where(has, g_cls[np.maximum(g, 0)], -1)
    link = np.where(has, g_kappa[np.maximum(g, 0)], np.nan)
    c0 = (g_comp == 0) & np.isfinite(g_kappa)
    strength = float(g_kappa[c0].min()) if c0.any() else np.nan
    names = pd.Series(labels.astype(object).to_numpy()[has]).groupby(g_cls[g[has]])
    sizes = np.bincount(g_cls[g[has]], minlength=offset)
    cls_comp = np.zeros(offset, np.int64)
    cls_comp[g_cls] = g_comp
    cls_main = np.zeros(offset, bool)
    cls_main[g_cls[g_main]] = True
    cls_kappa = pd.Series(g_kappa).groupby(g_cls).max().reindex(range(offset)).to_numpy()
    table = pd.DataFrame(
        {
            "komponen": cls_comp,
            "utama": cls_main,
            "kelompok": names.agg(lambda v: sorted(set(map(str, v)))).reindex(range(offset)),
            "n_pegawai": sizes,
            "n_penghubung": np.where(cls_main, np.nan, cls_kappa),
        }
    )
    return main, blk, link, table, strength


def mark_comparability(
    effects: RaterEffects,
    data: RatingData,
    pegawai: pd.DataFrame | None = None,
    minimal: int | None = None,
) -> None:
    """Add ``dapat_dibandingkan``, ``kelas_banding`` and ``alasan_banding`` to
    ``effects.ratees`` and the link tables to ``effects.info``.

    Parameters
    ----------
    effects : RaterEffects
        A fitted result (its ``ratees.komponen`` is the connected component).
    data : RatingData
        The encoded ratings it was fitted on (the (ratee, rater) pairs).
    pegawai : DataFrame, optional
        ``nip`` and any of the grouping columns of :data:`TINGKAT`; without it only the
        components are used.
    minimal : int, optional
        Minimum bridging raters (default: the rules value, see :func:`minimal_penghubung`).

    Notes
    -----
    ``kelas_banding`` numbers the comparison classes: 0 = comparable with the bulk
    (``dapat_dibandingkan``), then the other (component, block) combinations by size. Within
    one class scores can be compared; across classes they cannot. ``info["keterkaitan"]``:
    one row per (level, block) — ``tingkat``, ``komponen``, ``kelompok`` (group names),
    ``n_pegawai``, ``n_penghubung`` (distinct raters linking the block to the main block of
    its component; NaN for the main block), ``utama``. ``info["tidak_dibandingkan"]``: one
    row per comparison class other than 0, named by the coarsest grouping level whose groups
    lie wholly in it (see :func:`_summary`) — what a report tells its reader.
    ``info["kekuatan_hubungan"]``: the network's link strength, the rater connectivity κ of
    the weakest group of the main component to its main group (the fewest raters whose
    removal cuts that group off), minimum over the levels; NaN when no grouping was given or
    the main component holds one group only.
    """
    thr = minimal_penghubung() if minimal is None else int(minimal)
    if thr < 1:
        raise ParameterError("`minimal_penghubung` harus bilangan bulat ≥ 1.")
    ratees = effects.ratees
    comp = ratees["komponen"].to_numpy(dtype=np.int64)
    ok = comp == 0
    alasan = np.where(ok, "", _TERPISAH).astype(object)
    parts = [comp]
    tables = []
    strengths = []
    levels = []
    kappa = np.full(len(comp), np.nan)
    used: list[str] = []
    if pegawai is not None and "nip" in pegawai.columns:
        levels = [c for c in TINGKAT if c in pegawai.columns]
        peg = pegawai.assign(nip=pegawai["nip"].astype(str)).drop_duplicates("nip")
        peg = peg.set_index("nip").reindex(ratees.index.astype(str))
    for col in levels:
        labels = peg[col].astype("string")
        if labels.nunique() < 2:
            continue
        used.append(col)
        main, blk, link, table, strength = _level(data, comp, labels, thr)
        strengths.append(strength)
        if len(table):
            tables.append(table.assign(tingkat=col))
        weak = ~main & (comp == 0)
        text = (
            f"{TINGKAT[col]} "
            + labels.fillna("").to_numpy(dtype=object)
            + " hanya terhubung dengan kelompok utama melalui "
            + pd.Series(link).map(lambda v: bilangan(v) if np.isfinite(v) else "0").to_numpy()
            + f" penilai bersama (minimal {bilangan(thr)})"
        )
        alasan = np.where(weak & (alasan == ""), text, alasan)
        kappa = np.fmin(kappa, np.where(weak, link, np.nan))
        ok &= main
        parts.append(np.where(main, -1, blk))
    key = pd.MultiIndex.from_arrays([np.where(ok, -1, p) for p in parts])
    cls, uniq = pd.factorize(key)
    size = np.bincount(cls, minlength=len(uniq))
    first = np.zeros(len(uniq), np.int64)  # the comparable class first, then by size
    if ok.any():
        first[cls[ok][0]] = -1
    order = np.lexsort((np.arange(len(uniq)), -size, first))
    renum = np.empty(len(uniq), np.int64)
    renum[order] = np.arange(len(uniq)) + (0 if ok.any() else 1)
    ratees["dapat_dibandingkan"] = ok
    ratees["kelas_banding"] = renum[cls]
    ratees["alasan_banding"] = alasan
    cols = ["tingkat", "komponen", "utama", "kelompok", "n_pegawai", "n_penghubung"]
    found = [t[cols] for t in tables if len(t)]
    effects.info["keterkaitan"] = (
        pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=cols)
    )
    effects.info["tidak_dibandingkan"] = _summary(ratees, peg if used else None, used, kappa)
    finite = [s for s in strengths if np.isfinite(s)]
    effects.info["kekuatan_hubungan"] = float(min(finite)) if finite else np.nan
    effects.info["minimal_penghubung"] = thr


def _summary(
    ratees: pd.DataFrame, peg: pd.DataFrame | None, levels: list[str], kappa: np.ndarray
) -> pd.DataFrame:
    """One row per comparison class other than 0: ``kelas``, ``jenis`` ("terpisah": another
    component; "lemah": too few bridging raters), ``tingkat`` (the coarsest grouping level whose
    groups lie wholly in the class; None without one), ``kelompok`` (their names),
    ``sebagian`` (True when no level fits and the finest level's groups are only partly in
    the class), ``n_pegawai``, ``n_penghubung`` (the class's rater connectivity to the main
    group, 0 for another component)."""
    kelas = ratees["kelas_banding"].to_numpy()
    rest = kelas != 0
    cols = ["kelas", "jenis", "tingkat", "kelompok", "sebagian", "n_pegawai", "n_penghubung"]
    if not rest.any():
        return pd.DataFrame(columns=cols)
    d = pd.DataFrame(
        {
            "kelas": kelas,
            "terpisah": ratees["komponen"].to_numpy() > 0,
            "kappa": np.where(ratees["komponen"].to_numpy() > 0, 0.0, kappa),
        }
    )
    g = d[rest].groupby("kelas")
    out = pd.DataFrame(
        {
            "jenis": np.where(g["terpisah"].all(), "terpisah", "lemah"),
            "n_pegawai": g.size(),
            "n_penghubung": g["kappa"].min(),
        }
    )
    out["tingkat"] = None
    out["kelompok"] = [[] for _ in range(len(out))]
    out["sebagian"] = False
    for col in reversed(levels) if peg is not None else []:  # fine → coarse: coarse wins
        lab = peg[col].astype("string").reset_index(drop=True)
        n_cls = d.assign(lab=lab).groupby("lab")["kelas"].nunique()
        whole = lab.map(n_cls).eq(1) & lab.notna()
        fits = whole[rest].groupby(d["kelas"][rest]).all()
        names = lab[rest].groupby(d["kelas"][rest]).agg(lambda v: sorted(set(v.dropna())))
        first = out["tingkat"].isna()
        take = fits.reindex(out.index, fill_value=False) | first
        out.loc[take, "tingkat"] = col
        out.loc[take, "kelompok"] = names.reindex(out.index[take])
        out.loc[take, "sebagian"] = ~fits.reindex(out.index[take], fill_value=False)
    return out.rename_axis("kelas").reset_index()[cols]
