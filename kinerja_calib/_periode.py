"""The one period selector: which ``periode`` labels of a table a function works on.

Every function that takes a ``periode`` argument and reads a table with a ``periode``
column chooses its periods here, with one meaning for each value:

- ``None`` — every period (no filter);
- ``""`` (:data:`TERBARU`) — the latest period (the largest label; labels such as
  ``"2026-S1"`` sort in time order);
- a label or a list of labels — exactly those; a label the table does not have is an error
  that lists the labels it does have.

A public function may keep its own documented default (``calibrate.rater_effects`` reads
the latest period when given ``None`` and pools every period on ``"semua"``); it passes the
explicit value to :func:`pilih_periode`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .errors import ParameterError

__all__ = ["SEMUA", "TERBARU", "pilih_periode"]

#: ``periode`` value meaning every period.
SEMUA = None
#: ``periode`` value meaning the latest period.
TERBARU = ""


def _pesan_bawaan(unknown: list[Any], available: list[Any]) -> str:
    return f"Periode {unknown} tidak ada di data. Periode yang tersedia: {available}."


def pilih_periode(
    available: Sequence[Any],
    periode: Any,
    pesan: Callable[[list[Any], list[Any]], str] | None = None,
) -> list[Any] | None:
    """The periods to keep out of ``available`` (sorted labels of one table).

    Parameters
    ----------
    available : sequence
        The period labels present, sorted.
    periode : None, str or list of str
        ``None`` = every period, ``""`` = the latest, a label or labels (see the module).
    pesan : callable, optional
        ``pesan(unknown, available) -> str``: the error message for unknown labels, for a
        caller whose users know other choices (default: the labels available).

    Returns
    -------
    list or None
        The labels to keep; ``None`` for every period (no filter); ``[]`` when the latest
        is asked of a table without periods.

    Raises
    ------
    ParameterError
        A label not in ``available``.

    Examples
    --------
    >>> pilih_periode(["2025-S2", "2026-S1"], None) is None
    True
    >>> pilih_periode(["2025-S2", "2026-S1"], "")
    ['2026-S1']
    >>> pilih_periode(["2025-S2", "2026-S1"], "2025-S2")
    ['2025-S2']
    """
    available = list(available)
    if periode is None:
        return None
    if isinstance(periode, str):
        if periode == "":
            return available[-1:] if available else []
        periode = [periode]
    periode = list(periode)
    unknown = [p for p in periode if p not in available]
    if unknown:
        raise ParameterError((pesan or _pesan_bawaan)(unknown, available))
    return periode
