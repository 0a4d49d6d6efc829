"""The thin ``kinerja-calib`` command: Indonesian help and errors, exit codes."""

from __future__ import annotations

import re

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
    assert not re.search(r"<NA>|\bNone\b|\bnan\b", out), out  # a whole-path problem


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


# ---------------------------------------------------------------- validasi (issue 13 item 7)
def _bad_workbook(tmp_path, n_bad: int = 40):
    """The small valid workbook of test_data with ``n_bad`` distinct wrong category values
    and one duplicated header named like a formula."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from test_data import valid_tables, write_csvs

    tables = valid_tables()
    r = tables["penilaian_360"]
    r.loc[: n_bad - 1, "aspek"] = [f"aspek{i}" for i in range(n_bad)]
    folder = write_csvs(tmp_path / "d", tables)
    path = folder / "kompetensi.csv"
    lines = path.read_text().splitlines()
    lines = [lines[0] + ",=1+1,=1+1"] + [ln + ",a,b" for ln in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_validasi_console_shows_a_summary_and_points_at_masalah(capsys, tmp_path):
    folder = _bad_workbook(tmp_path)
    assert cli.main(["validasi", str(folder), "--tampilkan", "5"]) == 1
    out = capsys.readouterr().out
    assert out.count("\n- ") + out.startswith("- ") == 5
    assert "41 masalah ditemukan" in out
    assert "Ditampilkan 5 dari 41" in out and "--masalah masalah.xlsx" in out
    assert not re.search(r"<NA>|\bNone\b|\bnan\b", out)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_validasi_masalah_writes_the_full_list(capsys, tmp_path, suffix):
    import pandas as pd

    folder = _bad_workbook(tmp_path)
    target = tmp_path / f"masalah{suffix}"
    assert cli.main(["validasi", str(folder), "--masalah", str(target)]) == 1
    out = capsys.readouterr().out
    assert f"Daftar lengkap (41 baris) ditulis ke {target}" in out
    if suffix == ".csv":
        frame = pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        frame = pd.read_excel(target, dtype=str, keep_default_na=False, engine="openpyxl")
    assert list(frame.columns) == ["tingkat", "berkas", "baris", "kolom", "masalah", "jumlah_baris"]
    assert len(frame) == 41 and set(frame["tingkat"]) == {"galat"}
    dup = frame[frame["berkas"] == "kompetensi.csv"]
    assert list(dup["kolom"]) == ["'=1+1"]  # a header like a formula stays text
    assert list(dup["baris"]) == ["1"]
    whole = frame[frame["baris"] == ""]
    assert whole.empty or not whole["masalah"].str.contains("<NA>|None").any()
    assert (frame["jumlah_baris"] == "1").all()
    assert frame["masalah"].str.contains("'aspek39' tidak dikenal").any()


def test_validasi_masalah_on_valid_data_writes_headers_and_warnings(capsys, tmp_path):
    import sys
    from pathlib import Path

    import pandas as pd

    sys.path.insert(0, str(Path(__file__).parent))
    from test_data import valid_tables, write_csvs

    folder = write_csvs(tmp_path / "d", valid_tables())
    (folder / "kompetensi.csv").write_text("nip,kompetensi,level_standar,level_aktual\n")
    target = tmp_path / "masalah.csv"
    assert cli.main(["validasi", str(folder), "--masalah", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Data valid" in out and "peringatan" in out.lower()
    frame = pd.read_csv(target, encoding="utf-8-sig")
    assert list(frame["tingkat"]) == ["peringatan"] and "dilewati" in frame["masalah"][0]


def test_validasi_masalah_needs_xlsx_or_csv(capsys, tmp_path):
    assert cli.main(["validasi", str(tmp_path), "--masalah", str(tmp_path / "m.txt")]) == 1
    assert ".xlsx atau .csv" in capsys.readouterr().err
