"""The thin ``kinerja-calib`` command: Indonesian help and errors, exit codes."""

from __future__ import annotations

import pytest

from kinerja_calib import cli


def test_help_is_indonesian(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("penggunaan: kinerja-calib")
    assert "opsi:" in out and "tampilkan bantuan ini lalu keluar" in out
    for perintah in ("validasi", "laporan", "workshop", "lab", "nasional"):
        assert perintah in out


def test_subcommand_help_has_one_usage_prefix(capsys):
    with pytest.raises(SystemExit):
        cli.main(["laporan", "--help"])
    out = capsys.readouterr().out
    assert out.count("penggunaan:") == 1
    assert "--keluaran" in out and "--hanya-laporan" in out and "--dask-scheduler" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["salah"], "pilihan tidak dikenal"),
        (["laporan", "data"], "argumen berikut wajib diisi: --keluaran"),
        (["laporan", "data", "--keluaran", "x", "--pekerja", "dua"], "bukan bilangan bulat"),
    ],
)
def test_usage_errors_are_indonesian(capsys, argv, expected):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "Gunakan --help" in err


def test_validasi_missing_folder_exits_1_with_a_table(capsys, tmp_path):
    code = cli.main(["validasi", str(tmp_path / "tidak-ada")])
    out = capsys.readouterr().out
    assert code == 1
    assert "tidak ditemukan" in out and "1 masalah ditemukan" in out


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129), ("SIGINT", 130)])
def test_laporan_stopped_by_a_signal_exits_128_plus_signal(monkeypatch, capsys, name, code):
    import signal

    from kinerja_calib import reports

    def stopped(args):
        raise reports.Dihentikan(getattr(signal, name))

    monkeypatch.setitem(cli._COMMANDS, "laporan", stopped)
    assert cli.main(["laporan", "data", "--keluaran", "x"]) == code
    err = capsys.readouterr().err
    assert "Dihentikan" in err and (name in err or name == "SIGINT")
    assert "Traceback" not in err


def test_unexpected_write_error_is_one_indonesian_sentence(monkeypatch, capsys):
    import errno

    def full(args):
        raise OSError(errno.ENOSPC, "No space left on device", "/keluaran/index.html")

    monkeypatch.setitem(cli._COMMANDS, "laporan", full)
    assert cli.main(["laporan", "data", "--keluaran", "x"]) == 1
    err = capsys.readouterr().err
    assert err == "galat: /keluaran/index.html tidak dapat dibaca atau ditulis (disk penuh).\n"
