"""Code-free HTML of an executed notebook (:func:`render_html`): widgets and cells tagged
:data:`~._sections_base.TAG_HAPUS` stripped, links between exported notebooks rewritten.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._escape import add_csp
from ._sections_base import TAG_HAPUS
from ._tasks_base import HTML_TEMPLATE, KURSUS, TEMPLAT, WIDGET_MIME


def _strip_widgets(nb) -> None:
    """Remove widget state and widget views (they need JS from a CDN and a live kernel)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        cell.outputs = [
            out for out in cell.get("outputs", []) if WIDGET_MIME not in out.get("data", {})
        ]


def render_html(nb, judul: str | None = None) -> str:
    """Return a code-free, offline HTML page for an executed notebook.

    Inputs and prompts are excluded; cells tagged ``hapus-dari-html`` (e.g. the
    machine-readable summary) are removed; widget state and views are stripped; the
    template loads no script from the internet (no require.js, MathJax, Mermaid or
    widget manager from a CDN). Matplotlib figures are embedded as base64 PNG. The page
    carries :data:`~kinerja_calib._escape.CSP` (no script runs, nothing is loaded from
    outside the page) as a second wall behind the escaping of data text.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (modified in place: widgets stripped).
    judul : str, optional
        Page title (default: the notebook's first heading).
    """
    import jinja2
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    _strip_widgets(nb)
    _tautan_html(nb)
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {TAG_HAPUS}
    config.TagRemovePreprocessor.remove_input_tags = {"parameters", "injected-parameters"}
    exporter = HTMLExporter(
        config=config,
        template_name="lab",
        template_file="laporan.html.j2",
        extra_loaders=[jinja2.DictLoader({"laporan.html.j2": HTML_TEMPLATE})],
        exclude_input=True,
        exclude_output_prompt=True,
        exclude_input_prompt=True,
    )
    resources = {"metadata": {"name": judul or _first_heading(nb) or "Laporan"}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = re.sub(r"<html( lang=\"[^\"]*\")?>", '<html lang="id">', body, count=1)
    body = body.replace(f'alt="{_ALT_NBCONVERT}"', f'alt="{ALT_GRAFIK}"')
    return add_csp(body)


#: The English alt text nbconvert gives every image that has none.
_ALT_NBCONVERT = "No description has been provided for this image"
#: The Indonesian alt text of a report figure (the text around each figure interprets it).
ALT_GRAFIK = "Grafik; isi dan artinya dijelaskan pada teks di sekitarnya"


#: Markdown link ``[label](target)`` (no nested brackets; target without spaces).
_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(([^)\s]+)\)")
#: Notebooks exported beside each other in ``<keluaran>/<kode>/``: courses 01–05, the report.
_DIEKSPOR = re.compile(
    rf"^(?:(?:{'|'.join(KURSUS)})_[^/]*|{re.escape(Path(TEMPLAT).stem)})\.ipynb$"
)


def _tautan_html(nb) -> None:
    """Rewrite the markdown links of an exported notebook for the delivered folder.

    Relative links to a sibling notebook that is exported too (courses 01–05, the report)
    point to its ``.html``; links to notebooks that are not delivered (``jawaban/``, the
    table of contents 00) become plain text. Other links are left alone.
    """

    def ganti(m: re.Match) -> str:
        label, target = m.group(1), m.group(2)
        path, sep, anchor = target.partition("#")
        if "://" in path or path.startswith(("/", "mailto:")) or not path.endswith(".ipynb"):
            return m.group(0)
        if _DIEKSPOR.fullmatch(path):
            return f"[{label}]({path[: -len('.ipynb')]}.html{sep}{anchor})"
        return label

    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            cell.source = _MD_LINK.sub(ganti, cell.source)


def _first_heading(nb) -> str | None:
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return None


# --------------------------------------------------------------------------- tasks
