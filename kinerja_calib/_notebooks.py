"""Where the course notebooks and the report template are.

Two places hold them:

- a git checkout (or an editable install): the repository's top-level ``notebooks/``,
  next to the package and to ``pyproject.toml`` — the course is used from there;
- an installed wheel: ``kinerja_calib/notebooks/`` inside the package, a copy that the build
  step in ``setup.py`` makes from ``notebooks/*.ipynb``.

The checkout wins when both exist, so an edited notebook is what runs. This module imports
nothing from the package (a bottom-layer module).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["notebook_folder"]

#: The file that marks a folder as the notebooks folder (the per-instansi report template).
_PENANDA = "laporan_instansi.ipynb"

_PACKAGE = Path(__file__).resolve().parent


def notebook_folder() -> Path:
    """Return the folder holding the course notebooks and the report template.

    Returns
    -------
    pathlib.Path
        The checkout's ``notebooks/`` when the package sits in a checkout (a
        ``pyproject.toml`` beside it and the report template inside); otherwise the copy
        shipped in the package (``kinerja_calib/notebooks/``). The path is returned even
        when neither exists, so that the caller's error message can name it.

    Examples
    --------
    >>> (notebook_folder() / "laporan_instansi.ipynb").is_file()
    True
    """
    checkout = _PACKAGE.parent
    folder = checkout / "notebooks"
    if (checkout / "pyproject.toml").is_file() and (folder / _PENANDA).is_file():
        return folder
    return _PACKAGE / "notebooks"
