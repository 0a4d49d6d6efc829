"""Reference libraries of the cross-checks: imported, or the test fails loudly.

A cross-check against pingouin, krippendorff, statsmodels, scipy, distributed or psutil
that silently skips when its library is missing proves nothing. :func:`require` imports the
module or fails the test with a sentence naming the ``dev`` extra of ``pyproject.toml``
(mirrored in ``environment.yml``) that installs it. ``tests/test_packaging.py`` checks that
no test uses ``pytest.importorskip`` and that every module passed here is a dependency.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest


def require(module: str) -> ModuleType:
    """Import ``module`` (e.g. ``"statsmodels.formula.api"``) or fail the calling test."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        top = module.split(".")[0]
        pytest.fail(
            f"Pustaka pembanding '{top}' tidak terpasang di lingkungan uji ({err}). "
            "Pasang ekstra dev dari pyproject.toml: pip install -e '.[dev]' "
            "(atau python3 jalankan.py uji, atau conda env update -f environment.yml).",
            pytrace=False,
        )
