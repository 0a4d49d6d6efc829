"""The one plot style of the course and the reports."""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter, ScalarFormatter

from .._angka import indonesiakan
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
    from .._display import pasang_tampilan

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


class FormatAngka(ScalarFormatter):
    """Matplotlib's default tick formatter, written the Indonesian way: ``0,25``, ``1.200``.

    Same ticks, offset and scientific notation as :class:`~matplotlib.ticker.ScalarFormatter`;
    only the text changes (decimal comma, thousands dot). rcParams
    ``axes.formatter.use_locale`` cannot do this here: it follows the C library's locale,
    and the machines this runs on have only ``C``/``C.UTF-8``/``POSIX`` installed (decimal
    point), with no ``id_ID`` locale to switch to.
    """

    def __call__(self, x, pos=None):
        return indonesiakan(super().__call__(x, pos))

    def get_offset(self):
        return indonesiakan(super().get_offset(), ribuan=False)

    def format_data_short(self, value):
        return indonesiakan(super().format_data_short(value), ribuan=False)


class FormatPersen(PercentFormatter):
    """:class:`~matplotlib.ticker.PercentFormatter` with a decimal comma and "60 %"."""

    def __call__(self, x, pos=None):
        return indonesiakan(super().__call__(x, pos))


def format_indonesia(fig) -> None:
    """Give every axis of ``fig`` that still has matplotlib's default number formatter
    (or a plain :class:`~matplotlib.ticker.PercentFormatter`) the Indonesian one.

    Formatters set on purpose (category labels, fixed labels, functions) are left alone.
    Called by :class:`Gambar` before every draw; callable on any figure.
    """
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            for get, put in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                f = get()
                if type(f) is ScalarFormatter:
                    new = FormatAngka(useOffset=f.get_useOffset(), useMathText=f.get_useMathText())
                    # no public getters for these two; matplotlib's defaults when absent
                    new.set_scientific(getattr(f, "_scientific", True))
                    lim = getattr(f, "_powerlimits", mpl.rcParams["axes.formatter.limits"])
                    new.set_powerlimits(lim)
                    put(new)
                elif type(f) is PercentFormatter:
                    put(FormatPersen(f.xmax, f.decimals, f.symbol, getattr(f, "_is_latex", False)))


class Gambar(Figure):
    """The figure class of every ``kinerja_calib.plots`` function: a matplotlib
    :class:`~matplotlib.figure.Figure` whose number ticks are Indonesian (:func:`format_indonesia`
    runs before each draw, so axes added later by a notebook are covered too)."""

    def draw(self, renderer):
        format_indonesia(self)
        return super().draw(renderer)
