"""The one plot style of the course and the reports."""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl

from ..labels import PERAN_PENILAI, PREDIKAT

#: One colour per employee predikat, low → high (red → green), colour-blind friendly.
WARNA_PREDIKAT = dict(
    zip(PREDIKAT, ("#b2182b", "#ef8a62", "#fddbc7", "#67a9cf", "#2166ac"), strict=True)
)

#: One colour per 360 rater role.
WARNA_PERAN = dict(
    zip(PERAN_PENILAI, ("#1b9e77", "#d95f02", "#7570b3", "#999999", "#e7298a"), strict=True)
)

_RC = {
    "figure.figsize": (7.5, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "savefig.bbox": "tight",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titleweight": "bold",
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "legend.frameon": False,
    "font.size": 10,
}


def terapkan_gaya() -> None:
    """Apply the course style to matplotlib globally (call once per notebook).

    Inside a Jupyter kernel this also switches on the inline backend, so that the
    :class:`~matplotlib.figure.Figure` objects returned by ``kinerja_calib.plots`` display
    as images (they are built without pyplot).
    """
    from .._tampil import pasang_tampilan

    mpl.rcParams.update(_RC)
    pasang_tampilan()  # tables show missing values as "–"; warnings kept out of outputs
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebook stack
        return
    shell = get_ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        shell.run_line_magic("matplotlib", "inline")


@contextmanager
def gaya():
    """Context manager applying the course style only inside the block."""
    with mpl.rc_context(_RC):
        yield
