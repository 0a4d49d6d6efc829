"""Shared helpers of the scoring modules: rules lookup, array coercion, label codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import rules as _rules
from ..errors import ParameterError

__all__ = [
    "ArrayLike",
    "categorical",
    "is_scalar",
    "need_rezim",
    "rules_for",
    "to_codes",
    "to_float",
    "wrap",
]

ArrayLike = Any


# --------------------------------------------------------------------------- helpers
def rules_for(rules, default: str) -> _rules.Rules:
    return _rules.resolve(rules, default=default)


def need_rezim(r: _rules.Rules, rezim: str, what: str) -> None:
    if r.rezim != rezim:
        raise ParameterError(
            f"{what} memerlukan aturan rezim '{rezim}', bukan '{r.rezim}' ({r.nama})."
        )


def wrap(values: np.ndarray, like: Any, name: str | None = None):
    """Return ``values`` shaped like ``like``: Series keeps its index; scalars stay scalar."""
    if isinstance(like, pd.Series):
        return pd.Series(values, index=like.index, name=name or like.name)
    if np.ndim(like) == 0:
        return float(np.asarray(values))
    return values


def to_float(x: ArrayLike) -> np.ndarray:
    if isinstance(x, pd.Series) and pd.api.types.is_numeric_dtype(x.dtype):
        return x.to_numpy(dtype=float, na_value=np.nan)
    if isinstance(x, np.ndarray) and x.dtype.kind in "fiub":
        return x.astype(float, copy=False)
    if isinstance(x, int | float) and not isinstance(x, bool):
        return np.asarray(float(x))
    try:
        return np.asarray(
            pd.to_numeric(pd.Series(np.ravel(np.asarray(x, dtype=object))), errors="raise"),
            dtype=float,
        ).reshape(np.shape(x))
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"Nilai harus berupa angka: {exc}.") from exc


def is_scalar(x: Any) -> bool:
    if isinstance(x, list | tuple | np.ndarray | pd.Series | pd.Index | pd.Categorical):
        return False
    return x is None or isinstance(x, str) or np.ndim(x) == 0


def to_codes(values: ArrayLike, categories: Sequence[str], what: str) -> np.ndarray:
    """Integer codes of ``values`` in ``categories`` (-1 for missing); unknown → error."""
    cats = list(categories)
    if is_scalar(values):
        values = [values]
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        values = values.array
    if isinstance(values, pd.Categorical) and list(values.categories) == cats:
        return np.asarray(values.codes, dtype=np.int64)
    arr = (
        values
        if isinstance(values, pd.Series | pd.Index | pd.Categorical)
        else (np.asarray(values, dtype=object).ravel())
    )
    found, uniques = pd.factorize(arr, use_na_sentinel=True)
    uniques = list(np.asarray(uniques, dtype=object))
    bad = [u for u in uniques if u not in cats]
    if bad:
        unknown = sorted(str(v) for v in bad)[:5]
        raise ParameterError(f"{what} tidak dikenal: {unknown}. Gunakan salah satu dari {cats}.")
    lookup = np.array([cats.index(u) for u in uniques] + [-1], dtype=np.int64)
    return lookup[found]  # sentinel -1 picks the trailing -1


def categorical(codes: np.ndarray, categories: Sequence[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=list(categories), ordered=True)
