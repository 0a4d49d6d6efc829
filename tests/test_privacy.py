"""Anonymity threshold for 360 groups (kinerja_calib.privacy)."""

from __future__ import annotations

import html
import importlib.util
import itertools
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kinerja_calib as kc
from kinerja_calib import ParameterError, reports
from kinerja_calib.labels import PERAN_PENILAI
from kinerja_calib.privacy import assert_no_rater_ids, strip_rater_ids, suppress_360
from kinerja_calib.reports import _sections_base, _tasks

ASPEK = ("loyal", "adaptif")


def _ratings(groups: dict[tuple[str, str], int], periode: str = "2026-S1") -> pd.DataFrame:
    """One row per (ratee, role, rater, aspect); ``groups[(ratee, role)]`` distinct raters."""
    rows = []
    for (nip, peran), n in groups.items():
        for k, aspek in itertools.product(range(n), ASPEK):
            rater = nip if peran == "diri" else f"{nip}-{peran}-{k}"
            rows.append((periode, nip, rater, peran, aspek, 3.0 + k % 2))
    return pd.DataFrame(
        rows, columns=["periode", "nip", "nip_penilai", "peran_penilai", "aspek", "nilai"]
    )


@pytest.mark.parametrize("ambang", [2, 3, 5])
def test_groups_below_threshold_dropped_at_threshold_kept(ambang):
    groups = {
        ("A", "rekan"): ambang - 1,
        ("A", "bawahan"): ambang,
        ("A", "pengguna_layanan"): ambang + 1,
        ("B", "rekan"): ambang,
        ("B", "bawahan"): 1,
    }
    kept, hidden = suppress_360(_ratings(groups), ambang=ambang)
    shown = set(map(tuple, kept[["nip", "peran_penilai"]].drop_duplicates().to_numpy()))
    assert shown == {("A", "bawahan"), ("A", "pengguna_layanan"), ("B", "rekan")}
    assert hidden.to_dict("records") == [
        {"nip": "A", "periode": "2026-S1", "peran_penilai": "rekan", "n_penilai": ambang - 1},
        {"nip": "B", "periode": "2026-S1", "peran_penilai": "bawahan", "n_penilai": 1},
    ]


def test_atasan_and_diri_exempt():
    groups = {("A", "atasan"): 1, ("A", "diri"): 1, ("A", "rekan"): 2}
    kept, hidden = suppress_360(_ratings(groups), ambang=3)
    assert set(kept["peran_penilai"]) == {"atasan", "diri"}
    assert list(hidden["peran_penilai"]) == ["rekan"]
    # a custom exemption list is honoured
    kept2, _ = suppress_360(_ratings(groups), ambang=3, exempt=("diri",))
    assert set(kept2["peran_penilai"]) == {"diri"}


def test_counts_distinct_raters_not_rows():
    # 2 raters x 7 aspects = 14 rows, still only 2 raters -> suppressed at 3
    r = _ratings({("A", "rekan"): 2})
    r = pd.concat([r, r.assign(aspek="kompeten"), r.assign(aspek="harmonis")])
    kept, hidden = suppress_360(r, ambang=3)
    assert kept.empty and hidden["n_penilai"].tolist() == [2]


def test_threshold_per_periode():
    a = _ratings({("A", "rekan"): 3}, periode="2026-S1")
    b = _ratings({("A", "rekan"): 2}, periode="2026-S2")
    kept, hidden = suppress_360(pd.concat([a, b], ignore_index=True), ambang=3)
    assert set(kept["periode"]) == {"2026-S1"}
    assert hidden["periode"].tolist() == ["2026-S2"]


def test_filter_then_suppress():
    """A group that passes on the whole table can fail after a filter (aspect, unit, ...):
    the threshold must be applied last, on the filtered table."""
    r = _ratings({("A", "rekan"): 3})
    # rater 0 only rated "loyal"
    r = r.loc[~((r["nip_penilai"] == "A-rekan-0") & (r["aspek"] == "adaptif"))]
    kept_all, _ = suppress_360(r, ambang=3)
    assert kept_all["nip_penilai"].nunique() == 3
    filtered = r.loc[r["aspek"] == "adaptif"]
    kept, hidden = suppress_360(filtered, ambang=3)
    assert kept.empty
    assert hidden["n_penilai"].tolist() == [2]


def test_suppressed_table_has_counts_only():
    _, hidden = suppress_360(_ratings({("A", "rekan"): 1}), ambang=3)
    assert list(hidden.columns) == ["nip", "periode", "peran_penilai", "n_penilai"]
    assert_no_rater_ids(hidden)


def test_input_not_modified_and_order_kept():
    r = _ratings({("A", "rekan"): 3, ("B", "rekan"): 1}).sample(frac=1, random_state=1)
    before = r.copy()
    kept, _ = suppress_360(r, ambang=3)
    pd.testing.assert_frame_equal(r, before)
    assert list(kept.index) == [i for i in r.index if i in set(kept.index)]


def test_empty_and_bad_parameters():
    empty = _ratings({})
    kept, hidden = suppress_360(empty, ambang=3)
    assert kept.empty and hidden.empty
    assert list(hidden.columns) == ["nip", "periode", "peran_penilai", "n_penilai"]
    for bad in (0, -1, 2.5, True, "3"):
        with pytest.raises(ParameterError, match="ambang_anonimitas"):
            suppress_360(_ratings({("A", "rekan"): 3}), ambang=bad)
    with pytest.raises(ParameterError, match="nip_penilai"):
        suppress_360(_ratings({("A", "rekan"): 3}).drop(columns="nip_penilai"))
    with pytest.raises(ParameterError, match="tidak dikenal"):
        suppress_360(_ratings({("A", "rekan"): 3}), exempt=("bos",))


def test_strip_and_assert_rater_ids():
    r = _ratings({("A", "rekan"): 3})
    with pytest.raises(AssertionError):
        assert_no_rater_ids(r)
    clean = strip_rater_ids(r)
    assert "nip_penilai" not in clean.columns
    assert_no_rater_ids(clean)
    indexed = r.set_index(["nip", "nip_penilai"])
    with pytest.raises(AssertionError):
        assert_no_rater_ids(indexed)
    assert_no_rater_ids(strip_rater_ids(indexed))
    with pytest.raises(AssertionError):
        assert_no_rater_ids("<th>nip_penilai</th>")
    assert_no_rater_ids("<th>nip</th>")


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from("ABC"), st.sampled_from(PERAN_PENILAI)),
        st.integers(1, 6),
        max_size=12,
    ),
    st.integers(1, 6),
)
def test_property_every_shown_anonymous_group_meets_threshold(groups, ambang):
    groups = {k: (1 if k[1] == "diri" else v) for k, v in groups.items()}
    r = _ratings(groups)
    kept, hidden = suppress_360(r, ambang=ambang)
    n = kept.groupby(["nip", "periode", "peran_penilai"])["nip_penilai"].nunique()
    anon = n[~n.index.get_level_values("peran_penilai").isin(["atasan", "diri"])]
    assert (anon >= ambang).all()
    # nothing lost or invented: kept rows + suppressed groups' rows = input
    dropped = r.merge(hidden[["nip", "periode", "peran_penilai"]], how="inner")
    assert len(kept) + len(dropped) == len(r)
    assert (hidden["n_penilai"] < ambang).all()


# --------------------------------------------------------------------------- the promise
# DESIGN §9: changing only the ratings of hidden groups changes no published row about
# anyone — scores and predikat, the report (context, every section, Excel sheets, index
# summary) and the per-pegawai outputs of the notebooks' helpers.

_FIXTURES = Path(__file__).parent / "fixtures" / "reports"


def _tulis_mini(folder: Path) -> dict:
    spec = importlib.util.spec_from_file_location("mini_workbook", _FIXTURES / "mini.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.tulis_mini(folder)


@pytest.fixture(scope="module")
def mini_asli(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mini_asli")
    _tulis_mini(folder)
    return folder


def _hidden_mask(r360: pd.DataFrame, ambang: int = 3) -> np.ndarray:
    kept, _ = suppress_360(r360, ambang=ambang)
    return ~r360.index.isin(kept.index)


def _ubah_tersembunyi(asli: Path, tujuan: Path, seed: int, hapus_satu: bool) -> int:
    """Copy the workbook, re-draw every hidden rating; optionally drop one hidden rater."""
    shutil.copytree(asli, tujuan)
    f = tujuan / "penilaian_360.csv"
    r = pd.read_csv(f, dtype={"nip": str, "nip_penilai": str})
    hidden = _hidden_mask(r)
    rng = np.random.default_rng(seed)
    r.loc[hidden, "nilai"] = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], size=int(hidden.sum()))
    if hapus_satu:  # a hidden group of 2 becomes a hidden group of 1 (counts stay hidden)
        first = r.loc[hidden].iloc[0]
        drop = (
            (r["nip"] == first["nip"])
            & (r["periode"] == first["periode"])
            & (r["nip_penilai"] == first["nip_penilai"])
            & (r["peran_penilai"] == first["peran_penilai"])
        )
        r = r.loc[~drop]
    r.to_csv(f, index=False)
    return int(hidden.sum())


def _fig_bytes(fig) -> bytes:
    import matplotlib.pyplot as plt

    data = _sections_base._png(fig)
    plt.close(fig)
    return data


def _terbit(folder: Path) -> dict[str, object]:
    """Everything published about pegawai/raters from ``folder``, as comparable objects."""
    from kinerja_calib import agreement, calibrate, params, simulate

    out: dict[str, object] = {}
    wb = kc.load_workbook(folder)
    out["score_workbook"] = kc.score_workbook(wb)
    out["score_workbook_pp30"] = kc.score_workbook(wb, "pp-30-2019")
    out["compare_regimes"] = kc.compare_regimes(wb)
    out["skor_perilaku"] = kc.scoring.perilaku_score(wb.penilaian_360)
    # the report: context tables, every section (text, HTML tables, figures), Excel, index
    ctx = reports.prepare_report(str(folder), "UJI-A")
    out["ctx.skor"] = ctx.skor
    out["ctx.penilaian"] = ctx.penilaian.reset_index(drop=True)
    out["excel"] = ctx.tabel_excel()
    out["indeks"] = reports.ringkasan_indeks(ctx)
    for name in (n for n in reports.__all__ if n.startswith("section_")):
        b = getattr(reports, name)(ctx)
        out[name] = (
            b.teks,
            b.catatan,
            [(j, _sections_base._tabel_html(df)) for j, df in b.tabel],
            [_fig_bytes(f) for f in b.gambar],
        )
    # notebook helpers (02 via params.validate, 03, 04, 05), one instansi and the province
    for kode in ("UJI-A", ""):
        p = params.validate(str(folder), kode, "", tabel_periode=["realisasi", "penilaian_360"])
        out[f"02.wb360[{kode}]"] = p.wb.penilaian_360
        out[f"02.skor[{kode}]"] = kc.score_workbook(p.wb, periode=p.periode)
        p3 = simulate.prepare(str(folder), kode, "", n_pegawai=20, n_ulangan=1)
        out[f"03.wb360[{kode}]"] = p3.wb.penilaian_360
        p4 = agreement.prepare(str(folder), kode, "")
        out[f"04.ratings[{kode}]"] = p4.ratings
        out[f"04.tabel[{kode}]"] = agreement.agreement_table(p4.ratings, by=["peran_penilai"])
        p5 = calibrate.prepare(str(folder), kode, "", n_boot=0)
        out[f"05.ratings[{kode}]"] = p5.ratings
        out[f"05.skor[{kode}]"] = p5.skor
        fx = calibrate.rater_effects(p5.ratings, pegawai=p5.wb.pegawai)
        out[f"05.ratees[{kode}]"] = fx.ratees
        out[f"05.diagnosis[{kode}]"] = fx.raters["diagnosis"].value_counts().sort_index()
    return out


def _sama(a: object, b: object, key: str) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=key)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, obj=key)
    elif isinstance(a, dict) and a and isinstance(next(iter(a.values())), pd.DataFrame):
        assert a.keys() == b.keys(), key
        for k in a:
            pd.testing.assert_frame_equal(a[k], b[k], obj=f"{key}[{k}]")
    else:
        assert a == b, key


@pytest.fixture(scope="module")
def terbit_asli(mini_asli) -> dict[str, object]:
    return _terbit(mini_asli)


def test_mini_workbook_has_hidden_groups_whose_raters_also_rate_others(mini_asli):
    """The fixture is a real test of the promise (not vacuous)."""
    r = pd.read_csv(mini_asli / "penilaian_360.csv", dtype={"nip": str, "nip_penilai": str})
    hidden = _hidden_mask(r)
    assert hidden.sum() >= 4 * 7
    assert set(r.loc[hidden, "peran_penilai"]) == {"rekan", "bawahan"}
    # the hidden raters also sit in kept groups (the calibration sees them)
    assert set(r.loc[hidden, "nip_penilai"]) <= set(r.loc[~hidden, "nip_penilai"])


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), hapus_satu=st.booleans())
def test_property_hidden_ratings_change_nothing_published(
    seed, hapus_satu, mini_asli, terbit_asli, tmp_path_factory
):
    folder = tmp_path_factory.mktemp("mini_ubah") / "data"
    n = _ubah_tersembunyi(mini_asli, folder, seed, hapus_satu)
    assert n > 0
    ubah = _terbit(folder)
    assert ubah.keys() == terbit_asli.keys()
    for key, value in terbit_asli.items():
        _sama(value, ubah[key], key)


def test_hidden_group_enters_no_score_atasan_still_counts():
    """The documented decision: a hidden group is absent from skor_perilaku, n_penilai and
    predikat; the atasan always counts (weights renormalised over what is left)."""
    base = {("A", "atasan"): 1, ("A", "rekan"): 2, ("A", "diri"): 1, ("B", "atasan"): 1}
    base[("B", "rekan")] = 3
    r = _ratings(base)
    r.loc[(r["nip"] == "A") & (r["peran_penilai"] == "rekan"), "nilai"] = 1.0
    sp = kc.scoring.perilaku_score(r).set_index("nip")
    atasan_a = r.loc[(r["nip"] == "A") & (r["peran_penilai"] == "atasan"), "nilai"].mean()
    assert sp.loc["A", "skor_perilaku"] == pytest.approx(atasan_a)  # atasan alone
    assert sp.loc["A", "n_penilai"] == 1 and pd.isna(sp.loc["A", "skor_rekan"])
    assert sp.loc["B", "n_penilai"] == 4 and sp.loc["B", "skor_rekan"] == pytest.approx(10 / 3)
    # ambang 1 restores the old behaviour (every rating) for teaching
    assert (
        kc.scoring.perilaku_score(r, ambang_anonimitas=1).set_index("nip").loc["A", "n_penilai"]
        == 3
    )
    with pytest.raises(ParameterError, match="ambang_anonimitas"):
        kc.scoring.perilaku_score(r, ambang_anonimitas=0)


def test_validate_applies_threshold_and_refuses_bad_values(mini_asli):
    from kinerja_calib import params

    raw = kc.load_workbook(mini_asli).penilaian_360
    p = params.validate(str(mini_asli), "UJI-A", "", ambang_anonimitas=3)
    n = p.wb.penilaian_360.groupby(["nip", "periode", "peran_penilai"])["nip_penilai"].nunique()
    anon = n[~n.index.get_level_values("peran_penilai").isin(["atasan", "diri"])]
    assert len(anon) and (anon >= 3).all()
    assert p.ambang == 3 and len(p.ditekan) == 4  # 2 groups x 2 periods
    p1 = params.validate(str(mini_asli), "UJI-A", "", ambang_anonimitas=1)
    assert len(p1.wb.penilaian_360) == int(raw["nip"].isin(p1.wb.pegawai["nip"]).sum())
    for bad in (0, 2.5, True, "3"):
        with pytest.raises(ParameterError, match="ambang_anonimitas"):
            params.validate(str(mini_asli), "UJI-A", "", ambang_anonimitas=bad)


def test_report_text_tells_the_truth_about_hidden_groups(mini_asli):
    ctx = reports.prepare_report(str(mini_asli), "UJI-A")
    teks = reports.section_360(ctx).teks
    assert "tidak digabung ke skor mana pun" not in teks
    assert "tidak masuk ke skor perilaku, predikat, kalibrasi" in teks
    assert "atasan" in teks


# --------------------------------------------------------------------------- reach
_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
_BUKU = [*sorted(_NOTEBOOKS.glob("0[0-5]*_*.ipynb")), _NOTEBOOKS / "laporan_instansi.ipynb"]


def test_threshold_reaches_every_batch_task(mini_asli, tmp_path):

    course = sorted(_NOTEBOOKS.glob("0[1-5]*_*.ipynb"))
    assert len(course) == len(reports.KURSUS)
    params = {"data": str(mini_asli), "periode": "", "aturan": "permenpanrb-6-2022"}
    extra = {"cache": str(tmp_path / "cache"), "kunci": "ab" * 32}
    codes, _, tasks = _tasks.buat_tugas(
        mini_asli, tmp_path / "out", None, _BUKU[-1], course, True, params, 5, 0, extra
    )
    assert sorted(codes) == ["UJI-A", "UJI-B"]
    assert len(tasks) == 2 * (1 + len(course) + 1)  # report + course + Excel per instansi
    assert {t.jenis for t in tasks} == {"notebook", "excel"}
    assert [t.parameter.get("ambang_anonimitas") for t in tasks] == [5] * len(tasks)


@pytest.mark.parametrize("path", _BUKU, ids=lambda p: p.stem)
def test_every_notebook_takes_and_uses_the_threshold(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    param = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(param) == 1
    assert re.search(r"^ambang_anonimitas = 3\b", param[0].source, flags=re.M)
    used = "\n".join(c.source for c in code if c is not param[0])
    # passed on to the shared entry (params.validate through the helpers) or applied at once
    assert re.search(
        r"ambang_anonimitas=ambang_anonimitas|suppress_workbook\(wb, ambang_anonimitas\)"
        r"|prepare_report\([^)]*ambang_anonimitas\)",
        used,
    ), path.name


# --------------------------------------------------------------------------- end to end
_SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
_KECIL = "MRJ-KEC-SEKERNAN"  # the smallest sample instansi (28 pegawai, 36 hidden groups)


def _normal_html(text: str) -> tuple[str, list[str]]:
    """What a reader sees — the visible text (tags and whitespace runs collapsed: Jupyter may
    split one cell's printed stream into several output blocks) and the embedded images —
    minus what legitimately differs between two runs: Styler table ids, the index's run time
    and date."""
    images = re.findall(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", text)
    text = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", text)
    text = re.sub(r"\bT_[0-9a-f]{5}(?=[_\"\s{:])", "T_X", text)
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))  # "18&#46;52" is "18.52"
    text = re.sub(r"dalam [0-9.,]+ detik \(dibuat [0-9: -]+\)", "dalam X detik", text)
    text = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?", "WAKTU", text)
    text = re.sub(r"\d{2}-\d{2}-\d{4} \d{2}\.\d{2}", "WAKTU", text)  # the index's dd-mm-yyyy
    text = re.sub(r"proses ini \d+ detik", "proses ini X detik", text)
    return " ".join(text.split()), images


@pytest.mark.slow
def _keluaran_sel(path: Path) -> list:
    """Every code cell's outputs of a delivered .ipynb: text, normalised HTML, images."""
    import nbformat

    found = []
    for cell in nbformat.read(path, as_version=4).cells:
        # consecutive stream outputs are joined: how the kernel's stdout is cut into
        # messages depends on timing (one run gave one output, the next two), not on data
        outputs = []
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            same = outputs and out.get("output_type") == "stream" == outputs[-1]["output_type"]
            if same and out.get("name") == outputs[-1].get("name"):
                outputs[-1] = {**outputs[-1], "text": outputs[-1]["text"] + out.get("text", "")}
            else:
                outputs.append(out)
        for out in outputs:
            data = out.get("data", {})
            text = out.get("text", "") + str(data.get("text/plain", ""))
            text = re.sub(r" at 0x[0-9a-f]+>", ">", text)  # reprs name a memory address
            found.append(
                (
                    " ".join(text.split()),
                    _normal_html(str(data.get("text/html", ""))),
                    str(data.get("image/png", "")),
                )
            )
    return found


@pytest.mark.skipif(not (_SAMPLES / "penilaian_360.csv").exists(), reason="tanpa data contoh")
def test_batch_outputs_identical_when_only_hidden_ratings_change(tmp_path):
    """Report, every course copy (.html and the .ipynb outputs), Excel and index:
    equal (after normalising run ids/times) when only the hidden groups' ratings change."""
    from kinerja_calib import reports

    data = tmp_path / "data"
    shutil.copytree(_SAMPLES, data)

    def run(out: Path) -> None:
        code = reports.run_batch(
            data, out, instansi=[_KECIL], excel=True, tampilkan=False, pekerja=1
        )
        assert code == 0, (out / "index.html").read_text()

    run(tmp_path / "out1")
    f = data / "penilaian_360.csv"
    r = pd.read_csv(f, dtype=str)
    peg = pd.read_csv(data / "pegawai.csv", dtype=str)
    hidden = _hidden_mask(r) & r["nip"].isin(peg.loc[peg["kode_instansi"] == _KECIL, "nip"])
    assert hidden.sum() > 100
    r.loc[hidden, "nilai"] = (6 - r.loc[hidden, "nilai"].astype(int)).astype(str)  # mirror
    r.to_csv(f, index=False)
    run(tmp_path / "out2")

    one, two = tmp_path / "out1", tmp_path / "out2"
    pages = sorted(p.relative_to(one) for p in one.rglob("*.html"))
    assert len(pages) == 2 + len(reports.KURSUS)  # index + report + course
    assert pages == sorted(p.relative_to(two) for p in two.rglob("*.html"))
    for page in pages:
        (ta, ia), (tb, ib) = (_normal_html((d / page).read_text("utf-8")) for d in (one, two))
        assert ta == tb, f"{page}: teks berbeda"
        assert ia == ib, f"{page}: gambar berbeda"
    copies = sorted(p.relative_to(one) for p in one.glob("*/*.ipynb"))
    assert len(copies) == 1 + len(reports.KURSUS)
    for nb in copies:
        assert _keluaran_sel(one / nb) == _keluaran_sel(two / nb), f"{nb}: keluaran berbeda"
    xlsx = f"{_KECIL}/ringkasan_{_KECIL}.xlsx"
    sheets = [pd.read_excel(d / xlsx, sheet_name=None, engine="openpyxl") for d in (one, two)]
    assert sheets[0].keys() == sheets[1].keys()
    for name in sheets[0]:
        pd.testing.assert_frame_equal(sheets[0][name], sheets[1][name], obj=name)


def test_planted_raters_summarised_per_kind_never_per_rater():
    from types import SimpleNamespace

    raters = pd.DataFrame(
        {
            "keparahan": [1.0, 2.0, 3.0, -1.0, -2.0, 0.0],
            "diagnosis": ["terlalu keras", "wajar", "terlalu keras", "terlalu lunak", "wajar", ""],
        },
        index=pd.Index(list("abcdef"), name="nip_penilai"),
    )
    truth = pd.DataFrame(
        {"keparahan": [2.0, 2.0, 4.0, -3.0, -1.0, 0.0], "ditanam": [*"kkk", "l", "l", None]},
        index=pd.Index(list("abcdef"), name="nip_penilai"),
    ).replace({"k": "keras", "l": "lunak"})
    t = kc.calibrate.check_planted(SimpleNamespace(raters=raters), truth, ambang=3)
    assert t["ditanam"].tolist() == ["keras"]  # 2 lenient raters: too few to show
    row = t.iloc[0]
    assert row["jumlah_penilai"] == 3 and row["didiagnosis_sesuai"] == 2
    assert row["keparahan_rata_rata"] == 2.0 and row["keparahan_benar_rata_rata"] == pytest.approx(
        8 / 3
    )
    assert len(kc.calibrate.check_planted(SimpleNamespace(raters=raters), truth, ambang=2)) == 2
    assert_no_rater_ids(t)
