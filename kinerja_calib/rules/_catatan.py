"""The Markdown note on the UNCONFIRMED defaults of a rules file."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from .._angka import ringkas
from .._escape import escape_text
from ._model import Rules
from ._muat import resolve

__all__ = ["catatan_belum_terkonfirmasi"]


def _format_nilai(v: Any) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return "tidak ditetapkan"
        return ringkas(v, 6)  # Indonesian: 0,7 (a list separates with "; ")
    if isinstance(v, list | tuple):
        if len(v) > 4:
            return f"[{len(v)} butir]"
        return "[" + "; ".join(_format_nilai(x) for x in v) + "]"
    return str(v)


def _kode(text: Any) -> str:
    """Text for a Markdown code span (shown literally): no backtick or line break to end it."""
    return re.sub(r"[`\r\n]", "'", str(text))


def catatan_belum_terkonfirmasi(
    rules: Rules | str | None = None, bagian: str | Iterable[str] | None = None
) -> str:
    """Markdown note for notebooks and reports listing the unconfirmed defaults in use.

    Parameters
    ----------
    rules : Rules or str, optional
        The rules used (default: ``permenpanrb-6-2022``).
    bagian : str or iterable of str, optional
        Limit the list to these key prefixes (the parts of the rules actually used).

    Returns
    -------
    str
        A Markdown block starting with ``**⚠ Catatan: aturan belum terkonfirmasi**``, or a
        short confirmation line when nothing unconfirmed is in use.
    """
    r = resolve(rules)
    df = r.belum_terkonfirmasi(bagian)
    own = r.ditetapkan_instansi(bagian)
    # a rules file may come from anywhere (--aturan PATH): its text is escaped like data
    nama, e = escape_text(r.nama), escape_text
    lines: list[str] = []
    if len(df):
        lines.append(f"> **⚠ Catatan: aturan belum terkonfirmasi** ({nama}: {e(r.judul)})")
        lines.append(">")
        lines.append(
            "> Nilai berikut adalah bawaan yang **belum terkonfirmasi** terhadap teks resmi "
            "peraturan. Instansi dapat menetapkannya sendiri lewat "
            f"`kc.rules.load('{_kode(r.nama)}', overrides={{...}})`."
        )
        lines.append(">")
        for row in df.itertuples(index=False):
            lines.append(
                f"> - `{_kode(row.kunci)}` = {e(_format_nilai(row.nilai))}: {e(row.catatan)}"
            )
    else:
        lines.append(
            f"> Semua nilai aturan yang dipakai ({nama}) terkonfirmasi atau ditetapkan instansi."
        )
    if len(own):
        lines.append(">")
        lines.append("> Ditetapkan instansi:")
        for row in own.itertuples(index=False):
            lines.append(f"> - `{_kode(row.kunci)}` = {e(_format_nilai(row.nilai))}")
    return "\n".join(lines)


# Built-in validators live in a private module (imported here so they register).
