"""Session store of the rater training (kinerja_calib.pelatihan._sesi / _simpan).

Most tests use a four-case stand-in bank (a fixture) so that the store is tested on its own;
``test_packaged_bank_is_the_default`` checks the store against the packaged vignette bank.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from _reference import require

from kinerja_calib.errors import ParameterError
from kinerja_calib.labels import ASPEK_BERAKHLAK, RATING
from kinerja_calib.pelatihan import BUTIR_DINILAI, Sesi
from kinerja_calib.pelatihan import _simpan as simpan

CODES = ["V01", "V02", "V03", "V04"]
PARALEL = {"V01": "V03", "V02": "V04", "V03": "V01", "V04": "V02"}


@dataclass
class FakeBank:
    """Four-case stand-in with the VignetteBank attributes the store uses."""

    kasus: pd.DataFrame

    def kasus_paralel(self, kode: str) -> str | None:
        return PARALEL.get(kode)


@pytest.fixture
def bank() -> FakeBank:
    return FakeBank(kasus=pd.DataFrame({"kode": CODES, "judul": [f"Kasus {k}" for k in CODES]}))


def _aspek(value: int = 3) -> dict[str, int]:
    return dict.fromkeys(ASPEK_BERAKHLAK, value)


@pytest.fixture
def sesi(tmp_path, bank) -> Sesi:
    return Sesi.buat(tmp_path, "Pelatihan uji", kode_vinyet=CODES, ronde=2, bank=bank)


def test_session_round_trip_and_sqlite_file(tmp_path, sesi):
    path = tmp_path / f"{sesi.kode_sesi}.sqlite"
    assert path.exists()
    url = simpan.session_url(tmp_path, sesi.kode_sesi)
    with simpan.engine_for(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == simpan.BUSY_TIMEOUT_MS
    again = Sesi.buka(tmp_path, sesi.kode_sesi)
    assert (again.nama, again.jumlah_ronde, again.ronde_aktif) == ("Pelatihan uji", 2, 1)
    assert again.kasus_ronde(1) == CODES
    with pytest.raises(ParameterError, match="tidak ditemukan"):
        Sesi.buka(tmp_path, "PLT-TIDAKADA")


def test_submit_replace_and_long_table(sesi):
    ani = sesi.daftar("Ani", "Dinas Kesehatan", "Kab. Sleman")
    assert sesi.peserta(ani.token) == ani
    first = sesi.kirim(ani, "V01", 1, RATING[1], RATING[2], _aspek(4))
    assert (first.diganti, first.kiriman_ke) == (False, 1)
    second = sesi.kirim(ani, "V01", 1, RATING[0], RATING[2], {**_aspek(4), "loyal": 2})
    assert (second.diganti, second.kiriman_ke) == (True, 2)
    rows = sesi.penilaian()
    assert len(rows) == len(BUTIR_DINILAI)  # replaced, not appended
    got = rows.set_index("butir")
    assert got.loc["rating_hasil_kerja", "nilai"] == RATING[0]
    assert got.loc["rating_hasil_kerja", "skor"] == 1
    assert got.loc["rating_perilaku", "skor"] == 3
    assert got.loc["loyal", "skor"] == 2 and got.loc["adaptif", "nilai"] == "4"
    assert set(rows["kiriman_ke"]) == {2}
    status = sesi.status_kiriman(1).set_index("nama")
    assert status.loc["Ani", "kasus_terkirim"] == 1 and not status.loc["Ani", "selesai"]
    assert "token" not in sesi.daftar_peserta().columns


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kode_vinyet": "V99"}, "'kode_vinyet'"),
        ({"ronde": 2}, "'ronde' 2 belum dibuka"),
        ({"hasil_kerja": "Baik sekali"}, "'rating_hasil_kerja'"),
        ({"perilaku": 3}, "'rating_perilaku'"),
        ({"aspek": {**_aspek(), "loyal": 6}}, "'loyal' harus bilangan bulat 1–5"),
        ({"aspek": {**_aspek(), "jujur": 3}}, "'aspek' tidak dikenal: 'jujur'"),
        (
            {"aspek": {k: 3 for k in list(ASPEK_BERAKHLAK)[1:]}},
            "'berorientasi_pelayanan' wajib diisi",
        ),
        ({"peserta": "PXXXX"}, "'peserta' tidak terdaftar"),
    ],
)
def test_invalid_submission_names_the_field(sesi, kwargs, field):
    ani = sesi.daftar("Ani", "Dinas Kesehatan", "Kab. Sleman")
    args = {
        "peserta": ani,
        "kode_vinyet": "V01",
        "ronde": 1,
        "hasil_kerja": RATING[1],
        "perilaku": RATING[1],
    }
    args["aspek"] = _aspek()
    args.update(kwargs)
    with pytest.raises(ParameterError, match="Kiriman ditolak") as err:
        sesi.kirim(**args)
    assert field in str(err.value)
    assert sesi.penilaian().empty


def test_create_and_join_refuse_bad_input(tmp_path, bank):
    with pytest.raises(ParameterError) as err:
        Sesi.buat(tmp_path, " ", kode_vinyet=["V01", "V77"], ronde=9, bank=bank)
    message = str(err.value)
    assert "'nama sesi' wajib diisi" in message and "V77" in message and "'ronde'" in message
    sesi = Sesi.buat(tmp_path, "Uji", bank=bank)
    assert sesi.kasus_ronde(1) == CODES  # all cases by default
    with pytest.raises(ParameterError, match="'wilayah' wajib diisi"):
        sesi.daftar("Budi", "BKPSDM", "")


def test_packaged_bank_is_the_default(tmp_path):
    from kinerja_calib import pelatihan

    real = pelatihan.load_bank()
    assert pelatihan.vinyet().equals(real.kasus)
    sesi = Sesi.buat(tmp_path, "Bank bawaan", ronde=2)
    assert sesi.kasus_ronde(1) == list(real.kasus["kode"])
    with pytest.raises(ParameterError, match="V99"):
        Sesi.buat(tmp_path, "Kode asing", kode_vinyet=["V01", "V99"])
    sesi.tutup_ronde(1)
    sesi.buka_ronde(2, paralel=True)
    expected = [real.kasus_paralel(k) for k in sesi.kasus_ronde(1)]
    assert sesi.kasus_ronde(2) == expected and expected[:2] == ["V02", "V01"]


def test_rounds_close_and_parallel_cases(sesi, bank):
    ani = sesi.daftar("Ani", "Kecamatan", "Kota Malang")
    sesi.kirim(ani, "V01", 1, RATING[1], RATING[1], _aspek())
    with pytest.raises(ParameterError, match="Tutup dulu"):
        sesi.buka_ronde(2)
    sesi.tutup_ronde(1)
    with pytest.raises(ParameterError, match="sudah ditutup"):
        sesi.kirim(ani, "V02", 1, RATING[1], RATING[1], _aspek())
    sesi.buka_ronde(2, kode_vinyet=["V01", "V02"], paralel=True, bank=bank)
    assert sesi.kasus_ronde(2) == ["V01", "V02"]
    assert sesi.ronde_aktif == 2
    sesi.kirim(ani, "V02", 2, RATING[2], RATING[1], _aspek(5))
    with pytest.raises(ParameterError, match="sudah pernah dibuka"):
        sesi.buka_ronde(2)
    assert sesi.penilaian(2)["kode_vinyet"].unique().tolist() == ["V02"]


def test_round_two_parallel_from_bank(sesi, bank):
    sesi.tutup_ronde(1)
    sesi.buka_ronde(2, paralel=True, bank=bank)
    assert sesi.kasus_ronde(2) == [PARALEL[k] for k in CODES]


def test_export_csv_and_excel(tmp_path, sesi):
    for i in range(3):
        p = sesi.daftar(f"Peserta {i}", "RSUD", "Kab. Bantul")
        sesi.kirim(p, "V03", 1, RATING[i], RATING[1], _aspek(i + 2))
    csv = pd.read_csv(sesi.ekspor(tmp_path / "nilai.csv"))
    assert len(csv) == 3 * len(BUTIR_DINILAI)
    assert "token" not in csv.columns
    xlsx = pd.read_excel(sesi.ekspor(tmp_path / "nilai.xlsx"), sheet_name=None, engine="openpyxl")
    assert set(xlsx) == {"peserta", "penilaian", "ronde"}
    assert sorted(xlsx["penilaian"].query("butir == 'rating_hasil_kerja'")["skor"]) == [1, 2, 3]
    with pytest.raises(ParameterError, match=r"\.csv atau \.xlsx"):
        sesi.ekspor(tmp_path / "nilai.json")


# ---------------------------------------------------------------------- concurrency
N_SUBMITTERS = 40


def _submit_all(db, kode_sesi: str, i: int, barrier) -> None:
    """One participant: join, wait for everyone, submit every case, resubmit V01."""
    sesi = Sesi.buka(db, kode_sesi)
    p = sesi.daftar(f"Peserta {i:02d}", f"Instansi {i % 5}", f"Wilayah {i % 3}")
    barrier.wait()
    for kode in CODES:
        sesi.kirim(p, kode, 1, RATING[i % 3], RATING[(i + 1) % 3], _aspek(1 + i % 5))
    sesi.kirim(p, "V01", 1, RATING[(i + 2) % 3], RATING[(i + 1) % 3], _aspek(1 + i % 5))


def _process_worker(db, kode_sesi, i, barrier, errors) -> None:
    try:
        _submit_all(db, kode_sesi, i, barrier)
    except Exception as exc:  # pragma: no cover - reported to the parent
        errors.put(f"{i}: {exc!r}")


def _check_complete(sesi: Sesi) -> None:
    rows = sesi.penilaian()
    assert len(rows) == N_SUBMITTERS * len(CODES) * len(BUTIR_DINILAI)
    key = ["id_peserta", "ronde", "kode_vinyet", "butir"]
    assert not rows.duplicated(key).any()
    assert rows["nama"].nunique() == N_SUBMITTERS
    per_case = rows.drop_duplicates(["id_peserta", "kode_vinyet"]).set_index(
        ["nama", "kode_vinyet"]
    )
    assert set(per_case.xs("V01", level="kode_vinyet")["kiriman_ke"]) == {2}
    assert set(per_case.drop("V01", level="kode_vinyet")["kiriman_ke"]) == {1}
    hk = rows[(rows["kode_vinyet"] == "V01") & (rows["butir"] == "rating_hasil_kerja")]
    expected = hk["nama"].str[-2:].astype(int).map(lambda i: RATING[(i + 2) % 3])
    assert (hk["nilai"] == expected).all()  # the resubmission won
    assert sesi.status_kiriman(1)["selesai"].all()


def test_forty_concurrent_threads_lose_and_duplicate_nothing(tmp_path, sesi):
    barrier = threading.Barrier(N_SUBMITTERS)
    errors: list[BaseException] = []

    def run(i):
        try:
            _submit_all(tmp_path, sesi.kode_sesi, i, barrier)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N_SUBMITTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _check_complete(sesi)


def test_forty_concurrent_processes_lose_and_duplicate_nothing(tmp_path, sesi):
    ctx = mp.get_context("fork")
    barrier, errors = ctx.Barrier(N_SUBMITTERS), ctx.Queue()
    procs = [
        ctx.Process(
            target=_process_worker, args=(str(tmp_path), sesi.kode_sesi, i, barrier, errors)
        )
        for i in range(N_SUBMITTERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0] * N_SUBMITTERS
    assert errors.empty()
    _check_complete(sesi)


# ---------------------------------------------------------------------- PostgreSQL
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    """A throw-away PostgreSQL server in a temp dir, run as ``nobody`` when we are root."""
    require("psycopg")  # a dev dependency: missing means a broken environment, not a skip
    initdb, pg_ctl = PG_BIN / "initdb", PG_BIN / "pg_ctl"
    if not (initdb.exists() and pg_ctl.exists()):
        pytest.skip(f"PostgreSQL tidak tersedia: {initdb} tidak ada")
    root = Path(tempfile.mkdtemp(prefix="kc-pg-"))
    data, port = root / "data", _free_port()
    prefix: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("berjalan sebagai root tanpa runuser; initdb menolak root")
        os.chmod(root, 0o777)
        shutil.chown(root, "nobody")
        prefix = [runuser, "-u", "nobody", "--"]
    try:
        subprocess.run(
            [*prefix, str(initdb), "-D", str(data), "-U", "kc", "--auth=trust", "-E", "UTF8"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        opts = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        )
        subprocess.run(
            [*prefix, str(pg_ctl), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"PostgreSQL tidak dapat dijalankan: {detail.decode(errors='replace')[:300]}")
    try:
        yield f"postgresql+psycopg://kc@127.0.0.1:{port}/postgres"
    finally:
        simpan.dispose_all()
        subprocess.run(
            [*prefix, str(pg_ctl), "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def test_postgresql_store_with_concurrent_threads(postgres_url, bank):
    sesi = Sesi.buat(postgres_url, "Pelatihan daring", kode_vinyet=CODES, bank=bank)
    other = Sesi.buat(postgres_url, "Sesi lain", kode_vinyet=CODES[:1], bank=bank)
    barrier = threading.Barrier(N_SUBMITTERS)
    errors: list[BaseException] = []

    def run(i):
        try:
            _submit_all(postgres_url, sesi.kode_sesi, i, barrier)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N_SUBMITTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _check_complete(Sesi.buka(postgres_url, sesi.kode_sesi))
    assert other.penilaian().empty and other.daftar_peserta().empty  # sessions kept apart
