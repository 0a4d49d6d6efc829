"""Make data text inert before it reaches HTML or Markdown, and the pages' second wall (CSP).

Every string that comes from a workbook (``nama_instansi``, ``wilayah``, ``jabatan``,
``nama_indikator``, ``unit_layanan``, ``kompetensi`` …) is passed through :func:`escape_text`
where it is put into HTML or Markdown, so ``<script>``, ``<img onerror=…>`` or
``[x](javascript:…)`` in the data is shown as text and never runs. Produced pages also carry
:data:`CSP`, a Content-Security-Policy that lets no script run and loads nothing from outside
the page, in case an unescaped string slips through.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["CSP", "add_csp", "escape_mathtext", "escape_text"]

#: Characters that mean something in HTML or Markdown (CommonMark, JupyterLab's math
#: delimiters ``$``), replaced by numeric character references. A reference is plain text to
#: both an HTML parser and a Markdown renderer, so one function serves both contexts. Line
#: breaks and tabs too: a newline in a name would otherwise end the paragraph (and an
#: indented line after it would become a code block that shows the references raw).
_SPECIAL = {c: f"&#{ord(c)};" for c in "&<>\"'`\\*_[](){}#+-.!|~$:=@\n\r\t"}
_SPECIAL_RE = re.compile("[" + re.escape("".join(_SPECIAL)) + "]")

#: Content-Security-Policy of every produced page: no script of any kind, images and fonts
#: only embedded (``data:``), styles only from the page itself, no forms, frames or base URL.
CSP = (
    "default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
    "script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; "
    "form-action 'none'"
)


def escape_text(value: Any) -> str:
    """Return ``str(value)`` with every HTML/Markdown special character made inert.

    Parameters
    ----------
    value : object
        Any value from the data; ``None`` becomes ``""``.

    Returns
    -------
    str
        Text safe to put into HTML (element content or a quoted attribute) or Markdown.

    Examples
    --------
    >>> escape_text("<script>alert(1)</script>")
    '&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;'
    >>> escape_text("Dinas Kesehatan")
    'Dinas Kesehatan'
    """
    if value is None:
        return ""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], str(value))


def escape_mathtext(value: Any) -> str:
    """Return ``str(value)`` for a matplotlib label, with ``$`` kept literal.

    Matplotlib reads text between two ``$`` as mathtext: a data string such as
    ``"Biaya $US$ per \\alpha"`` would be typeset as a formula, and an invalid one
    (``"$\\foo$"``) makes the figure fail to draw. ``\\$`` is matplotlib's literal dollar.
    (Figures are images: no HTML or Markdown escaping is needed there.)

    Examples
    --------
    >>> escape_mathtext("Rp$1$ juta")
    'Rp\\\\$1\\\\$ juta'
    >>> escape_mathtext(None)
    ''
    """
    if value is None:
        return ""
    return str(value).replace("$", r"\$")


def add_csp(page: str) -> str:
    """Insert the :data:`CSP` ``<meta>`` as the first element of ``<head>``.

    Examples
    --------
    >>> add_csp("<html><head><title>x</title></head></html>").count("Content-Security-Policy")
    1
    """
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    if meta in page:  # already there (idempotent)
        return page
    page, n = re.subn(r"<head(\s[^>]*)?>", lambda m: m.group(0) + meta, page, count=1)
    if not n:
        raise ValueError("halaman HTML tanpa <head>: CSP tidak dapat disisipkan")
    return page
