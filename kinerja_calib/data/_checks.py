"""Checks within one table's cells: columns, conversion by kind, scales and targets."""

from __future__ import annotations

import difflib
import re

import numpy as np

from ._nip import check_nip
from ._numbers import parse_numbers
from ._problems import Problems, fmt_num, show, suggest
from ._schema import PERIODE_FORMS, PERIODE_RE, SCHEMA, SKM_ITEMS
from ._table import Table


def check_columns(t: Table, probs: Problems) -> None:
    header = list(t.frame.columns)
    expected = [c.name for c in SCHEMA[t.name]]
    seen: dict[str, int] = {}
    keep = []
    for i, h in enumerate(header):
        col = t.frame.iloc[:, i]
        if h == "":
            if (col != "").any():
                probs.one(
                    t.name,
                    t.file,
                    1,
                    None,
                    f"Kolom ke-{i + 1} berisi data tetapi tidak punya judul. Beri judul di "
                    "baris 1 atau hapus kolom itu.",
                )
            continue
        if h in seen:
            probs.one(
                t.name,
                t.file,
                1,
                h,
                f"Judul kolom '{h}' muncul dua kali (kolom ke-{seen[h] + 1} dan ke-{i + 1}). "
                "Hapus atau ganti nama salah satunya.",
            )
            continue
        seen[h] = i
        keep.append(i)
    frame = t.frame.iloc[:, keep]
    t.frame = frame.set_axis([header[i] for i in keep], axis=1)
    present = set(t.frame.columns)
    unknown = [h for h in t.frame.columns if h not in expected]
    for c in SCHEMA[t.name]:
        if c.name in present:
            continue
        hit = difflib.get_close_matches(c.name, unknown, n=1, cutoff=0.6)
        if hit:  # a misnamed column: name the column that is there, and what it should be
            unknown.remove(hit[0])
            msg = (
                f"Kolom '{hit[0]}' tidak dikenal; mungkin maksud Anda '{c.name}'? Ganti judul "
                f"kolom '{hit[0]}' di baris 1 menjadi '{c.name}'."
            )
            if c.present:
                probs.one(t.name, t.file, 1, hit[0], msg + f" Kolom wajib '{c.name}' belum ada.")
            else:
                probs.warn(
                    t.name,
                    t.file,
                    1,
                    hit[0],
                    msg + f" Sampai diganti, kolom '{c.name}' dianggap kosong.",
                )
        elif c.present:
            probs.one(
                t.name,
                t.file,
                1,
                c.name,
                f"Kolom wajib '{c.name}' tidak ada. Tambahkan kolom ini di baris judul (baris 1). "
                f"Kolom yang diharapkan: {', '.join(expected)}.",
            )
    if t.name == "indikator" and "target" not in present:
        if not {"target_min", "target_max"} <= present:
            probs.one(
                t.name,
                t.file,
                1,
                "target",
                "Kolom 'target' tidak ada. Tambahkan kolom 'target', atau kolom 'target_min' dan "
                "'target_max' untuk target rentang.",
            )


def convert(t: Table, skala, probs: Problems) -> dict[str, object]:
    """Cell-level checks; return converted columns (and ``ok`` masks) by name."""
    f = t.frame
    out: dict[str, object] = {}
    peran = f["peran_penilai"] if "peran_penilai" in f else None
    for c in SCHEMA[t.name]:
        if c.name not in f:
            continue
        s = f[c.name]
        codes, u = t.uniq(c.name)
        empty = t.umap(c.name, (u == "").to_numpy())
        if c.filled:
            msg = f"Sel kosong. Isi kolom '{c.name}' (wajib)."
            if c.kind == "rater":
                msg = "Sel kosong. Isi NIP penilai (atau id responden untuk pengguna_layanan)."
            probs.rows(t, empty, c.name, msg)
        ok = ~empty
        if c.kind in ("num", "int"):
            vals = parse_numbers(t, c.name, probs)
            ok = ~np.isnan(vals)
            if c.kind == "int":
                frac = ok & (vals != np.round(vals))
                probs.rows(
                    t,
                    frac,
                    c.name,
                    lambda v: f"'{v}' harus bilangan bulat. Ganti dengan angka bulat.",
                    s,
                )
                ok &= ~frac
            out[c.name] = vals
        elif c.kind == "nip":
            ok = check_nip(t, c.name, probs)
            out[c.name] = s
        elif c.kind == "rater":
            internal = (peran != "pengguna_layanan").to_numpy() if peran is not None else None
            nip_ok = check_nip(t, c.name, probs, mask=internal)
            ok = ~empty & (nip_ok | ~internal) if internal is not None else nip_ok
            out[c.name] = s
        elif c.kind == "cat":
            bad = ~empty & t.umap(c.name, ~u.isin(c.choices).to_numpy())
            allowed = ", ".join(c.choices)
            probs.by_value(
                t,
                bad,
                c.name,
                lambda v, allowed=allowed, ch=c.choices: (
                    f"Nilai '{show(v)}' tidak dikenal. Ganti dengan salah satu: {allowed}."
                    + suggest(v, ch)
                ),
            )
            ok &= ~bad
            out[c.name] = s
        elif c.kind == "periode":
            bad = ~empty & t.umap(c.name, ~u.str.fullmatch(PERIODE_RE).to_numpy())

            def pmsg(v):
                fix = re.sub(r"[\s/_.]+", "-", v.strip().upper())
                hint = f" Mungkin maksud Anda '{fix}'?" if re.fullmatch(PERIODE_RE, fix) else ""
                return f"Periode '{show(v)}' tidak dikenal. Gunakan {PERIODE_FORMS}." + hint

            probs.by_value(t, bad, c.name, pmsg)
            ok &= ~bad
            out[c.name] = s
        else:
            out[c.name] = s
        out["ok:" + c.name] = ok
    _check_scales(t, out, skala, probs)
    return out


def _check_scales(t: Table, out: dict, skala, probs: Problems) -> None:
    def rng(col, lo, hi, message):
        if col not in out:
            return
        v = out[col]
        bad = out["ok:" + col] & ((v < lo) | (v > hi))
        probs.rows(t, bad, col, message, v)
        out["ok:" + col] = out["ok:" + col] & ~bad

    if t.name == "penilaian_360":
        lo, hi = skala
        rng(
            "nilai",
            lo,
            hi,
            lambda v: f"Nilai {fmt_num(v)} di luar skala {lo}–{hi}. Ganti dengan angka {lo}–{hi}.",
        )
    elif t.name == "survei_skm":
        for u in SKM_ITEMS:
            rng(
                u,
                1,
                4,
                lambda v: f"Jawaban SKM {fmt_num(v)} di luar skala. Isi bilangan bulat 1–4.",
            )
    elif t.name == "kompetensi":
        for col in ("level_standar", "level_aktual"):
            rng(col, 1, 5, lambda v: f"Level {fmt_num(v)} di luar skala. Isi bilangan bulat 1–5.")
    elif t.name == "realisasi":
        rng("realisasi", 0, np.inf, lambda v: f"Realisasi {fmt_num(v)} negatif. Isi angka ≥ 0.")
    elif t.name == "indikator":
        inf = np.inf
        rng("target", 1e-300, inf, lambda v: f"Target {fmt_num(v)} harus lebih dari 0. Perbaiki.")
        rng("target_min", 0, inf, lambda v: f"target_min {fmt_num(v)} negatif. Isi angka ≥ 0.")
        rng("target_max", 1e-300, inf, lambda v: f"target_max {fmt_num(v)} harus > 0. Perbaiki.")
        rng("bobot", 1e-300, inf, lambda v: f"Bobot {fmt_num(v)} harus lebih dari 0. Perbaiki.")
        _check_targets(t, out, probs)


def _check_targets(t: Table, out: dict, probs: Problems) -> None:
    n = len(t.frame)
    s = t.frame

    def has(col):  # non-empty cell
        return (s[col] != "").to_numpy() if col in s else np.zeros(n, dtype=bool)

    ht, hmin, hmax = has("target"), has("target_min"), has("target_max")
    probs.rows(
        t,
        ~ht & ~hmin & ~hmax,
        "target",
        "Target kosong. Isi 'target', atau 'target_min' dan 'target_max' untuk target rentang.",
    )
    probs.rows(
        t,
        ht & (hmin | hmax),
        "target",
        "Isi 'target' ATAU 'target_min' + 'target_max', jangan keduanya. Kosongkan salah satu.",
    )
    probs.rows(
        t,
        ~ht & (hmin ^ hmax),
        "target_max" if "target_max" in s else "target_min",
        "Target rentang butuh 'target_min' dan 'target_max' sekaligus. Isi keduanya.",
    )
    if "target_min" in out and "target_max" in out:
        both = out["ok:target_min"] & out["ok:target_max"]
        lo, hi = out["target_min"], out["target_max"]
        bad = both & (lo > hi)
        pairs = np.array([f"{fmt_num(a)} > {fmt_num(b)}" for a, b in zip(lo, hi, strict=True)])
        probs.rows(
            t,
            bad,
            "target_min",
            lambda p: (
                f"target_min lebih besar dari target_max ({p}). Tukar atau perbaiki nilainya."
            ),
            pairs if bad.any() else None,
        )
