"""Anonymity threshold for 360 groups (kinerja_calib.privacy)."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja_calib import ParameterError
from kinerja_calib.labels import PERAN_PENILAI
from kinerja_calib.privacy import assert_no_rater_ids, strip_rater_ids, suppress_360

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
