"""kinerja-calib: a training and calibration workbook for ASN performance appraisal.

The package holds the logic; the notebooks under ``notebooks/`` narrate and call it.
Submodules are imported on first use, so ``import kinerja_calib`` stays cheap and the
statistics never pull in matplotlib, ipywidgets or papermill.

Examples
--------
>>> import kinerja_calib as kc
>>> kc.labels.PREDIKAT[-1]
'Sangat Baik'
"""

from __future__ import annotations

import importlib
from typing import Any

from . import labels
from .errors import DataError, KinerjaCalibError, ParameterError, Problem, ReportError

__version__ = "0.1.0"

_SUBMODULES = {
    "agreement",
    "calibrate",
    "cli",
    "competency",
    "data",
    "indicators",
    "nasional",
    "params",
    "pelatihan",
    "plots",
    "privacy",
    "reports",
    "rules",
    "scoring",
    "simulate",
    "survey",
    "tahunan",
    "talent",
    "umpan_balik",
    "widgets",
    "workshop",
}

# Public names re-exported at top level, resolved lazily: name -> submodule.
_REEXPORTS = {
    "load_workbook": "data",
    "Workbook": "data",
    "score_workbook": "scoring",
    "compare_regimes": "scoring",
    "angka": "_display",
    "bilangan": "_angka",
    "desimal": "_angka",
    "persen": "_angka",
    "contoh": "_display",
    "DataKurang": "_display",
}

__all__ = [
    "DataError",
    "KinerjaCalibError",
    "ParameterError",
    "Problem",
    "ReportError",
    "__version__",
    "labels",
    *sorted(_SUBMODULES),
    *sorted(_REEXPORTS),
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if name in _REEXPORTS:
        module = importlib.import_module(f".{_REEXPORTS[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kinerja_calib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
