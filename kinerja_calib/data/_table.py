"""One table as read: categorical columns of cell texts plus spreadsheet row numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Table:
    """One table as read: every column categorical (stripped strings), plus sheet row numbers.

    ``typed`` marks, per column, the cells that held a typed number (an .xlsx number cell, a
    float in an in-memory frame): their text is Python's, never a thousands separator.
    """

    name: str
    file: str
    frame: pd.DataFrame
    rows: np.ndarray
    typed: dict = field(default_factory=dict, repr=False)
    _uniq: dict = field(default_factory=dict, repr=False)

    def uniq(self, col: str) -> tuple[np.ndarray, pd.Series]:
        """``(codes, uniques)`` of a column: checks run once per distinct value."""
        if col not in self._uniq:
            cat = self.frame[col].array
            self._uniq[col] = (cat.codes, pd.Series(cat.categories, dtype="str"))
        return self._uniq[col]

    def umap(self, col: str, values) -> np.ndarray:
        """Expand a per-unique array to the rows."""
        return np.asarray(values)[self.uniq(col)[0]]

    def text(self, col: str) -> np.ndarray:
        """The column as an object array of strings (shared objects: cheap)."""
        return self.frame[col].to_numpy(dtype=object)
