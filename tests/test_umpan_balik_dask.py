"""The feedback-sheet batch on Dask distributed (LocalCluster, 2 workers): same bytes as
the local run, one folder per instansi, restartable with ``lanjut``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from _reference import require

import kinerja_calib as kc
from kinerja_calib import umpan_balik as ub

FIXTURES = Path(__file__).parent / "fixtures" / "reports"


def _bytes(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_dask_localcluster_matches_local_and_restarts(tmp_path):
    distributed = require("distributed")
    spec = importlib.util.spec_from_file_location("mini_workbook", FIXTURES / "mini.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.tulis_mini(tmp_path / "data")
    wb = kc.load_workbook(tmp_path / "data")
    ub.tulis_semua(wb, tmp_path / "lokal", tampilkan=False)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        hasil = ub.tulis_semua(wb, tmp_path / "dask", dask_scheduler=client, tampilkan=False)
        assert list(hasil["kode_instansi"]) == ["UJI-A", "UJI-B"]
        assert _bytes(tmp_path / "dask") == _bytes(tmp_path / "lokal")
        # restart: one sheet lost, the rest complete -> only that sheet is written again
        lost = next((tmp_path / "dask" / "UJI-B" / "pegawai").glob("*.html"))
        lost.unlink()
        again = ub.tulis_semua(
            wb, tmp_path / "dask", dask_scheduler=client, lanjut=True, tampilkan=False
        )
        assert again["pegawai"].sum() == 1 and again["penilai"].sum() == 0
        assert _bytes(tmp_path / "dask") == _bytes(tmp_path / "lokal")


@pytest.mark.slow
def test_a_second_run_on_the_same_cluster_is_not_served_from_the_first(tmp_path, monkeypatch):
    """While the first run's futures are still alive on the cluster (here: held, as under load
    while they are being released), a second run with ``lanjut`` must run its own tasks: with
    one fixed key per instansi Dask handed back the first run's counts and wrote nothing."""
    distributed = require("distributed")
    spec = importlib.util.spec_from_file_location("mini_workbook", FIXTURES / "mini.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.tulis_mini(tmp_path / "data")
    wb = kc.load_workbook(tmp_path / "data")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        held = []
        submit = client.submit
        monkeypatch.setattr(
            client, "submit", lambda *a, **k: held.append(submit(*a, **k)) or held[-1]
        )
        first = ub.tulis_semua(wb, tmp_path / "dask", dask_scheduler=client, tampilkan=False)
        next((tmp_path / "dask" / "UJI-A" / "pegawai").glob("*.html")).unlink()
        again = ub.tulis_semua(
            wb, tmp_path / "dask", dask_scheduler=client, lanjut=True, tampilkan=False
        )
    assert first["pegawai"].sum() > 1
    assert again.set_index("kode_instansi")["pegawai"].to_dict() == {"UJI-A": 1, "UJI-B": 0}
    assert len({f.key for f in held}) == len(held) == 4
