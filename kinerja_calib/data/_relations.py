"""Checks across rows and tables: duplicate keys, references, hierarchy, weights, self-ratings."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._nip import link_nips
from ._problems import Problems, fmt_num, group_positions, objects, quote, show, suggest
from ._schema import KEYS, MAX_PER_RULE
from ._table import Table


def check_duplicates(t: Table, out: dict, probs: Problems) -> None:
    """Rows repeating a key; keys holding an already reported value (a NIP Excel damaged
    into the same number, say) are not compared."""
    keys = [k for k in KEYS[t.name] if k in t.frame]
    if len(keys) != len(KEYS[t.name]):
        return
    n = len(t.frame)
    filled = np.ones(n, dtype=bool)
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for k in keys:  # one int64 per key (mixed radix of the categorical codes)
        codes, u = t.uniq(k)
        filled &= (u != "").to_numpy()[codes] & out.get("ok:" + k, True)
        if span * len(u) >= 2**62:  # too many combinations: renumber the keys so far
            key = pd.factorize(key)[0].astype(np.int64)
            span = int(key.max()) + 1
        key = key * len(u) + codes
        span *= len(u)
    order = np.argsort(key, kind="stable")  # equal keys keep row order: first one first
    ks = key[order]
    del key
    same = ks[1:] == ks[:-1]
    del ks
    if not (same & filled[order[1:]]).any():
        return
    group_start = np.flatnonzero(np.r_[True, ~same])
    first_sorted = np.repeat(order[group_start], np.diff(np.r_[group_start, n]))
    first = np.empty(n, dtype=np.int64)
    first[order] = first_sorted  # each row's first row with the same key
    del order, first_sorted
    dup = filled & (first != np.arange(n))
    if not dup.any():
        return
    pos = np.flatnonzero(dup)[:MAX_PER_RULE]
    keyvals = t.frame[keys].iloc[pos].to_numpy(dtype=object)
    first_row = t.rows[first[pos]]
    info = np.full(n, None, dtype=object)
    info[pos] = objects(
        (", ".join(f"{k}={v}" for k, v in zip(keys, kv, strict=True)), r)
        for kv, r in zip(keyvals, first_row, strict=True)
    )
    probs.rows(
        t,
        dup,
        ", ".join(keys),
        lambda v: (
            f"Baris ganda: {show(v[0], 120)} sudah ada di baris {v[1]}. Hapus salah satu "
            "baris atau perbaiki kuncinya."
        ),
        info,
    )


def check_refs(
    src: Table,
    col: str,
    ok: np.ndarray,
    target: Table | None,
    target_col: str,
    probs: Problems,
    mask=None,
) -> np.ndarray:
    """Values of ``src[col]`` (where ``ok``) must exist in ``target[target_col]``.

    One problem per missing value ("mempengaruhi N baris"); a missing NIP that is most
    likely a wrong ``pegawai.nip`` is counted under that NIP's problem instead.
    """
    if target is None or col not in src.frame or target_col not in target.frame:
        return np.zeros(len(src.frame), dtype=bool)
    codes, u = src.uniq(col)
    known = target.uniq(target_col)[1]
    known = known[known != ""]
    check = ok if mask is None else ok & mask
    bad = check & ~u.isin(known).to_numpy()[codes]
    if not bad.any():
        return bad
    rest = bad
    if target.name == "pegawai" and target_col == "nip" and probs.causes:
        missing = [str(u.iloc[c]) for c in np.unique(codes[bad])]
        link = link_nips(missing, probs.causes)
        if link:
            kn = bad & u.isin(list(link)).to_numpy()[codes]
            for code, pos in group_positions(codes, kn):
                v = str(u.iloc[code])
                probs.knock(link[v], src, col, v, pos, same=False)
            rest = bad & ~kn
    few = len(known) <= 300  # difflib is quadratic-ish: suggest only for short lists

    def msg(v):
        hint = suggest(v, known) if few else ""
        return (
            f"'{show(v)}' tidak ada di kolom '{target_col}' pada {target.file}. Tambahkan "
            f"ke {target.file} atau perbaiki nilainya." + hint
        )

    probs.by_value(src, rest, col, msg)
    return bad


def check_hierarchy(peg: Table, ok: dict, probs: Problems) -> None:
    f = peg.frame
    if "nip_atasan" not in f or "nip" not in f:
        return
    nip, atasan = pd.Series(peg.text("nip")), pd.Series(peg.text("nip_atasan"))
    good = ok["ok:nip"] & ~nip.duplicated().to_numpy()
    idx = pd.Index(nip[good])
    n = len(idx)
    parent = idx.get_indexer(atasan[good])
    parent = np.where(parent < 0, n, parent)
    rows = peg.rows[good]
    # atasan in another instansi
    if "kode_instansi" in f:
        inst = peg.text("kode_instansi")[good]
        has_parent = parent < n
        other = np.zeros(n, dtype=bool)
        other[has_parent] = inst[has_parent] != inst[parent[has_parent]]
        full = np.zeros(len(f), dtype=bool)
        full[np.flatnonzero(good)[other]] = True
        info = np.full(len(f), None, dtype=object)
        info[full] = objects(zip(inst[parent[other]], inst[other], strict=True))
        probs.rows(
            peg,
            full,
            "nip_atasan",
            lambda v: (
                f"Atasan berada di instansi {quote(v[0])}, bukan {quote(v[1])}. Isi atasan dari "
                "instansi yang sama, atau kosongkan nip_atasan untuk pimpinan."
            ),
            info,
        )
    # cycles: follow parents 2^k steps; whatever is not at the sentinel sits on a cycle
    step = np.append(parent, n)
    anc = step.copy()
    for _ in range(max(1, math.ceil(math.log2(n + 1))) + 1):
        anc = anc[anc]
    landed = np.unique(anc[:n][anc[:n] != n])
    seen = np.zeros(n, dtype=bool)
    nips = idx.to_numpy()
    for start in landed:
        if seen[start]:
            continue
        cyc = [start]
        seen[start] = True
        nxt = step[start]
        while nxt != start and len(cyc) <= n:
            cyc.append(nxt)
            seen[nxt] = True
            nxt = step[nxt]
        first = min(cyc, key=lambda i: rows[i])
        if len(cyc) == 1:
            msg = (
                "Pegawai tercatat sebagai atasannya sendiri. Isi NIP atasan yang benar, atau "
                "kosongkan nip_atasan untuk pimpinan instansi."
            )
        else:
            names = [nips[i] for i in cyc[:10]] + ([nips[cyc[0]]] if len(cyc) <= 10 else ["…"])
            msg = (
                f"Rantai atasan melingkar ({len(cyc)} pegawai): {' → '.join(names)}. Rantai harus "
                "berakhir di pimpinan dengan nip_atasan kosong; perbaiki nip_atasan salah satunya."
            )
        probs.one(peg.name, peg.file, rows[first], "nip_atasan", msg)


def check_realisasi_jabatan(rea: Table, ok, peg: Table, ind: Table, probs) -> None:
    need_p = {"nip", "jabatan", "kode_instansi"}
    need_i = {"kode_indikator", "jabatan", "kode_instansi"}
    if not (need_p <= set(peg.frame) and need_i <= set(ind.frame)):
        return
    if not {"nip", "kode_indikator"} <= set(rea.frame):
        return
    p = pd.DataFrame({c: peg.text(c) for c in need_p}).drop_duplicates("nip")
    i = pd.DataFrame({c: ind.text(c) for c in need_i}).drop_duplicates("kode_indikator")
    p = p[(p["jabatan"] != "") & (p["kode_instansi"] != "")]  # empty: reported already
    i = i[(i["jabatan"] != "") & (i["kode_instansi"] != "")]
    pos = np.flatnonzero(ok)
    r = pd.DataFrame({c: rea.text(c)[pos] for c in ("nip", "kode_indikator")} | {"_pos": pos})
    m = r.merge(p, on="nip").merge(i, on="kode_indikator", suffixes=("_p", "_i"))
    m = m[(m["jabatan_p"] != m["jabatan_i"]) | (m["kode_instansi_p"] != m["kode_instansi_i"])]
    if m.empty:
        return
    full = np.zeros(len(rea.frame), dtype=bool)
    full[m["_pos"].to_numpy()] = True
    info = np.full(len(rea.frame), "", dtype=object)
    info[m["_pos"].to_numpy()] = [
        f"Indikator '{a}' milik jabatan {quote(b)} di {quote(c)}, tetapi pegawai {d} adalah "
        f"{quote(e)} di {quote(g)}. Pakai indikator untuk jabatan pegawai itu, atau perbaiki "
        "jabatannya."
        for a, b, c, d, e, g in zip(
            m["kode_indikator"],
            m["jabatan_i"],
            m["kode_instansi_i"],
            m["nip"],
            m["jabatan_p"],
            m["kode_instansi_p"],
            strict=True,
        )
    ]
    probs.rows(rea, full, "kode_indikator", lambda v: v, info)


def check_bobot(ind: Table, out: dict, probs: Problems) -> None:
    f = ind.frame
    if not {"kode_instansi", "jabatan", "bobot"} <= set(f):
        return
    g = pd.DataFrame(
        {
            "kode_instansi": f["kode_instansi"].to_numpy(),
            "jabatan": f["jabatan"].to_numpy(),
            "bobot": out["bobot"],
            "ok": out["ok:bobot"],
            "baris": ind.rows,
        }
    )
    agg = g.groupby(["kode_instansi", "jabatan"], sort=False).agg(
        total=("bobot", "sum"), semua_ok=("ok", "all"), baris=("baris", "min"), n=("baris", "size")
    )
    bad = agg[agg["semua_ok"] & ((agg["total"] - 100).abs() > 0.01)]
    for (inst, jab), r in bad.iloc[:MAX_PER_RULE].iterrows():
        probs.one(
            ind.name,
            ind.file,
            r["baris"],
            "bobot",
            f"Jumlah bobot untuk instansi '{inst}', jabatan '{jab}' adalah {fmt_num(r['total'])}, "
            f"harus 100 (selisih {fmt_num(r['total'] - 100)}). Sesuaikan bobot {r['n']} "
            "indikator jabatan ini.",
        )


def check_self_rating(t: Table, out: dict, probs: Problems) -> None:
    f = t.frame
    if not {"nip", "nip_penilai", "peran_penilai"} <= set(f):
        return
    ca, ua = t.uniq("nip")
    cb, ub = t.uniq("nip_penilai")
    same = (pd.Index(ua).get_indexer(ub)[cb] == ca) & out["ok:nip"]
    diri = (f["peran_penilai"] == "diri").to_numpy()
    known = out["ok:peran_penilai"]
    probs.rows(
        t,
        same & known & ~diri,
        "nip_penilai",
        lambda v: (
            f"Pegawai menilai dirinya sendiri dengan peran '{v}'. Penilaian diri harus berperan "
            "'diri'; ganti perannya atau perbaiki nip_penilai."
        ),
        f["peran_penilai"],
    )
    judged = out["ok:nip"] & out["ok:nip_penilai"]  # a wrong NIP is reported already
    probs.rows(
        t,
        ~same & diri & judged,
        "nip_penilai",
        "Peran 'diri' tetapi nip_penilai berbeda dari nip. Untuk penilaian diri isi nip_penilai "
        "sama dengan nip, atau ganti perannya.",
    )
