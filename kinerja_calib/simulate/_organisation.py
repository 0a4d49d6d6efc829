"""Synthetic organisations (instansi, units, atasan chains, NIPs) and the rater design."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..labels import PREDIKAT_ORGANISASI
from ._scenario import R_ATASAN, R_BAWAHAN, R_DIRI, R_PL, R_REKAN, Scenario

__all__: list[str] = []

_JENIS_DINAS = (
    "Dinas Kesehatan",
    "Dinas Pendidikan",
    "RSUD",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "BKPSDM",
    "Kecamatan",
    "Dinas Sosial",
    "Bappeda",
    "Dinas Pekerjaan Umum",
    "Badan Keuangan Daerah",
)
_NAMA_UNIT = (
    "Sekretariat",
    "Bidang Perencanaan",
    "Bidang Pelayanan",
    "Bidang Pengembangan",
    "Bidang Pengendalian",
    "UPTD",
    "Subbagian Keuangan",
    "Subbagian Umum dan Kepegawaian",
)
_JABATAN_STAF = (
    ("Analis Kebijakan", "fungsional"),
    ("Pranata Komputer", "fungsional"),
    ("Perencana", "fungsional"),
    ("Pengelola Keuangan", "pelaksana"),
    ("Pengadministrasi Umum", "pelaksana"),
    ("Pengolah Data", "pelaksana"),
    ("Analis Sumber Daya Manusia Aparatur", "fungsional"),
    ("Penata Layanan Operasional", "pelaksana"),
)
_NAMA_DEPAN = np.array(
    [
        "Ahmad", "Siti", "Budi", "Dewi", "Rahmat", "Nur", "Agus", "Sri", "Hendra", "Rina",
        "Fajar", "Yuni", "Muhammad", "Putri", "Andi", "Wahyu", "Fitri", "Dedi", "Lestari", "Rudi",
        "Ratna", "Eko", "Maya", "Joko", "Indah", "Arif", "Nurul", "Bambang", "Desi", "Irwan",
    ]
)  # fmt: skip
_NAMA_BELAKANG = np.array(
    [
        "Saputra", "Wati", "Hidayat", "Lestari", "Pratama", "Sari", "Santoso", "Rahmawati",
        "Nasution", "Harahap", "Siregar", "Kurniawan", "Susanti", "Syahputra", "Handayani",
        "Setiawan", "Fitriani", "Hasibuan", "Permana", "Utami", "Gunawan", "Yusuf", "Anggraini",
    ]
)  # fmt: skip


def make_nips(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` unique, valid 18-digit NIPs (birth yyyymmdd + TMT yyyymm + sex + serial)."""
    birth = np.datetime64("1966-01-01") + rng.integers(0, 365 * 34, n).astype("timedelta64[D]")
    years = birth.astype("datetime64[Y]").astype(int) + 1970
    months = birth.astype("datetime64[M]").astype(int) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(int) + 1
    tmt_year = np.minimum(years + rng.integers(20, 31, n), 2025)
    tmt_month = rng.integers(1, 13, n)
    sex = rng.integers(1, 3, n)
    prefix = (
        ((years * 100 + months) * 100 + days).astype(np.int64) * 10**7
        + (tmt_year * 100 + tmt_month).astype(np.int64) * 10
        + sex
    )
    order = np.argsort(prefix, kind="stable")
    sp = prefix[order]
    start = np.r_[True, sp[1:] != sp[:-1]]
    group_start = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    serial = np.empty(n, dtype=np.int64)
    serial[order] = np.arange(n) - group_start + 1
    if serial.max() > 999:  # pragma: no cover - needs > 999 identical prefixes
        raise ParameterError("Terlalu banyak NIP dengan awalan sama; kurangi n_pegawai.")
    return (prefix * 1000 + serial).astype(str)


def generate_organisation(
    s: Scenario, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The organisation of a scenario: ``(pegawai, instansi)`` tables, fully vectorised.

    Instansi → units → heads/koordinator chains → staff. Rate it (again and again, e.g. in
    the workshop) with :func:`kinerja_calib.simulate.rate_organisation`.
    """
    n, n_inst = s.n_pegawai, s.n_instansi
    n_staff_total = n - n_inst  # one head per instansi
    # --- instansi table
    wil = np.asarray(s.wilayah, dtype=object)
    inst_wil = wil[np.arange(n_inst) % len(wil)]
    inst_jenis_dinas = np.asarray(_JENIS_DINAS, dtype=object)[
        (np.arange(n_inst) // len(wil)) % len(_JENIS_DINAS)
    ]
    kode = np.char.add("I", np.char.zfill(np.arange(1, n_inst + 1).astype(str), 3))
    nama_inst = inst_jenis_dinas + " " + inst_wil
    jenis = np.where(pd.Series(inst_wil).str.startswith("Kota").to_numpy(), "kota", "kabupaten")
    pred_org = rng.choice(
        np.asarray(PREDIKAT_ORGANISASI, dtype=object),
        size=n_inst,
        p=[0.0, 0.05, 0.20, 0.60, 0.15],
    )
    instansi = pd.DataFrame(
        {
            "kode_instansi": pd.array(kode, dtype="string"),
            "nama_instansi": pd.array(nama_inst.astype(str), dtype="string"),
            "jenis": pd.array(jenis, dtype="string"),
            "wilayah": pd.array(inst_wil.astype(str), dtype="string"),
            "predikat_organisasi": pd.array(pred_org.astype(str), dtype="string"),
        }
    )
    # --- units: sizes 2 + Poisson(ukuran_unit - 2) until the staff are placed
    n_units_guess = int(np.ceil(n_staff_total / s.ukuran_unit * 1.5)) + n_inst + 2
    sizes = 2 + rng.poisson(s.ukuran_unit - 2, n_units_guess)
    cum = np.cumsum(sizes)
    n_units = max(int(np.searchsorted(cum, n_staff_total) + 1), 1)
    sizes = sizes[:n_units].copy()
    sizes[-1] -= cum[n_units - 1] - n_staff_total
    keep = sizes > 0
    sizes = sizes[keep]
    n_units = len(sizes)
    if n_units >= n_inst:
        unit_inst = np.sort(
            np.concatenate([np.arange(n_inst), rng.integers(0, n_inst, n_units - n_inst)])
        )
    else:
        unit_inst = np.sort(rng.integers(0, n_inst, n_units))
    # unit rank within instansi → name
    first_of_inst = np.r_[True, unit_inst[1:] != unit_inst[:-1]]
    unit_rank = np.arange(n_units) - np.maximum.accumulate(
        np.where(first_of_inst, np.arange(n_units), 0)
    )
    base = np.asarray(_NAMA_UNIT, dtype=object)[unit_rank % len(_NAMA_UNIT)]
    suffix = np.where(
        unit_rank >= len(_NAMA_UNIT), " " + (unit_rank // len(_NAMA_UNIT) + 1).astype(str), ""
    )
    unit_name = (base + suffix).astype(str)
    # --- staff rows: unit, position within unit
    unit_of = np.repeat(np.arange(n_units), sizes)
    unit_start = np.r_[0, np.cumsum(sizes)[:-1]]
    pos = np.arange(n_staff_total) - unit_start[unit_of]
    # people: heads first (index 0..n_inst-1), then staff
    head_of_unit = n_inst + unit_start  # position 0 of each unit
    span = s.rentang_kendali
    big = sizes[unit_of] - 1 > span
    team = (pos - 1) // span
    leader_pos = 1 + team * span
    atasan_staff = np.where(
        pos == 0,
        unit_inst[unit_of],  # unit head → instansi head
        np.where(
            big & (pos != leader_pos),
            n_inst + unit_start[unit_of] + leader_pos,
            head_of_unit[unit_of],
        ),
    )
    is_koord = big & (pos == leader_pos) & (pos > 0)
    atasan = np.r_[np.full(n_inst, -1), atasan_staff]
    inst_of = np.r_[np.arange(n_inst), unit_inst[unit_of]]
    unit_names = np.r_[np.full(n_inst, "Pimpinan", dtype=object), unit_name[unit_of]]
    # jabatan
    staff_kind = rng.integers(0, len(_JABATAN_STAF), n_staff_total)
    staf_nama = np.asarray([j for j, _ in _JABATAN_STAF], dtype=object)[staff_kind]
    staf_jenis = np.asarray([k for _, k in _JABATAN_STAF], dtype=object)[staff_kind]
    jab_staff = np.where(
        pos == 0,
        "Kepala " + unit_name[unit_of].astype(object),
        np.where(is_koord, "Koordinator " + staf_nama, staf_nama),
    )
    jenis_staff = np.where(pos == 0, "struktural", staf_jenis)
    kepala = np.where(
        inst_jenis_dinas == "Kecamatan",
        "Camat",
        np.where(inst_jenis_dinas == "RSUD", "Direktur RSUD", "Kepala " + inst_jenis_dinas),
    )
    jabatan = np.r_[kepala.astype(object), jab_staff.astype(object)]
    jenis_jabatan = np.r_[np.full(n_inst, "struktural", dtype=object), jenis_staff]
    nips = make_nips(n, rng)
    nama = np.char.add(
        np.char.add(_NAMA_DEPAN[rng.integers(0, len(_NAMA_DEPAN), n)], " "),
        _NAMA_BELAKANG[rng.integers(0, len(_NAMA_BELAKANG), n)],
    )
    nip_atasan = pd.array(np.where(atasan >= 0, nips[np.maximum(atasan, 0)], None), dtype="string")
    potensi = rng.choice(np.array(["rendah", "menengah", "tinggi"]), n, p=[0.25, 0.5, 0.25])
    pegawai = pd.DataFrame(
        {
            "nip": pd.array(nips, dtype="string"),
            "nama": pd.array(nama, dtype="string"),
            "kode_instansi": pd.array(kode[inst_of], dtype="string"),
            "unit_kerja": pd.array(unit_names.astype(str), dtype="string"),
            "jabatan": pd.array(jabatan.astype(str), dtype="string"),
            "jenis_jabatan": pd.array(jenis_jabatan.astype(str), dtype="string"),
            "nip_atasan": nip_atasan,
            "potensi": pd.array(potensi, dtype="string"),
        }
    )
    return pegawai, instansi


# ---------------------------------------------------------------------------
# Rater design
# ---------------------------------------------------------------------------
def floyd_sample(n_avail: np.ndarray, k: np.ndarray, kmax: int, rng) -> np.ndarray:
    """Per row, ``k[i]`` distinct integers from ``0..n_avail[i]-1`` (Floyd); -1 pads."""
    n = len(n_avail)
    chosen = np.full((n, max(kmax, 1)), -1, dtype=np.int64)
    for j in range(kmax):  # loop over slots (a small constant), not over rows
        active = j < k
        jj = n_avail - k + j
        t = np.floor(rng.random(n) * (jj + 1)).astype(np.int64)
        dup = (chosen[:, :j] == t[:, None]).any(axis=1) if j else np.zeros(n, bool)
        chosen[:, j] = np.where(active, np.where(dup, jj, t), -1)
    return chosen[:, :kmax]


def build_pairs(
    inst_code: np.ndarray,
    unit_code: np.ndarray,
    atasan: np.ndarray,
    s: Scenario,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Rater–ratee pairs: returns (ratee, rater, role, n_external) as int arrays.

    Raters ``0..n-1`` are the employees; ``n..n+n_external-1`` are external
    pengguna_layanan raters.
    """
    n = len(unit_code)
    idx = np.arange(n, dtype=np.int64)
    ratees, raters, roles = [], [], []
    # atasan
    has = atasan >= 0
    ratees.append(idx[has])
    raters.append(atasan[has])
    roles.append(np.full(has.sum(), R_ATASAN))
    # diri
    ratees.append(idx)
    raters.append(idx)
    roles.append(np.full(n, R_DIRI))
    # rekan: within unit (Floyd over offsets), some slots across units of the instansi
    k_lo, k_hi = s._k_rekan_range()
    if k_hi > 0:
        order = np.lexsort((unit_code, inst_code))
        u_sorted = unit_code[order]
        i_sorted = inst_code[order]
        pos_sorted = np.empty(n, dtype=np.int64)
        pos_sorted[order] = idx
        new_u = np.r_[True, (u_sorted[1:] != u_sorted[:-1]) | (i_sorted[1:] != i_sorted[:-1])]
        u_start_row = np.maximum.accumulate(np.where(new_u, idx, 0))
        u_id_row = np.cumsum(new_u) - 1
        u_size = np.bincount(u_id_row)
        new_i = np.r_[True, i_sorted[1:] != i_sorted[:-1]]
        i_start_row = np.maximum.accumulate(np.where(new_i, idx, 0))
        i_id_row = np.cumsum(new_i) - 1
        i_size = np.bincount(i_id_row)
        # per person (in original order)
        p = pos_sorted
        start = u_start_row[p]
        size = u_size[u_id_row[p]]
        rel = p - start
        k_target = rng.integers(k_lo, k_hi + 1, n)
        k = np.minimum(k_target, size - 1)
        off = floyd_sample(size - 1, k, k_hi, rng)  # 0..size-2
        valid = off >= 0
        peer_sorted_pos = start[:, None] + (rel[:, None] + off + 1) % size[:, None]
        across = rng.random(off.shape) < s.p_rekan_lintas_unit
        istart = i_start_row[p][:, None]
        isize = i_size[i_id_row[p]][:, None]
        rand_pos = istart + np.floor(rng.random(off.shape) * isize).astype(np.int64)
        peer_sorted_pos = np.where(across, rand_pos, peer_sorted_pos)
        peer = order[np.where(valid, peer_sorted_pos, 0)]
        rr = np.broadcast_to(idx[:, None], off.shape)[valid]
        pr = peer[valid]
        ok = (pr != rr) & (atasan[rr] != pr) & (atasan[pr] != rr)
        rr, pr = rr[ok], pr[ok]
        key = np.sort(rr * n + pr)  # drop duplicate (ratee, rater) pairs
        key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
        ratees.append(key // n)
        raters.append(key % n)
        roles.append(np.full(len(key), R_REKAN))
    # bawahan: direct reports rate their atasan, capped at k_bawahan (random subset)
    if s.k_bawahan > 0 and has.any():
        sub = idx[has]
        boss = atasan[has]
        o = np.lexsort((rng.random(len(sub)), boss))
        boss_s, sub_s = boss[o], sub[o]
        first = np.r_[True, boss_s[1:] != boss_s[:-1]]
        ar = np.arange(len(boss_s))
        rank = ar - np.maximum.accumulate(np.where(first, ar, 0))
        keep = rank < s.k_bawahan
        ratees.append(boss_s[keep])
        raters.append(sub_s[keep])
        roles.append(np.full(keep.sum(), R_BAWAHAN))
    # pengguna layanan: external one-off raters
    n_ext = 0
    if s.k_pengguna_layanan > 0 and s.porsi_pengguna_layanan > 0:
        public = idx[rng.random(n) < s.porsi_pengguna_layanan]
        n_ext = len(public) * s.k_pengguna_layanan
        ratees.append(np.repeat(public, s.k_pengguna_layanan))
        raters.append(n + np.arange(n_ext, dtype=np.int64))
        roles.append(np.full(n_ext, R_PL))
    ratee = np.concatenate(ratees)
    rater = np.concatenate(raters)
    role = np.concatenate(roles).astype(np.int8)
    o = np.lexsort((role, ratee))  # tidy order: per ratee, roles in PERAN order
    return ratee[o].astype(np.int32), rater[o].astype(np.int32), role[o], n_ext
