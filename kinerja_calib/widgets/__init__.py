"""ipywidgets apps for the workshop (thin: they call simulate/calibrate/plots).

One submodule per app; imported on first use so that the statistics never import
ipywidgets.
"""

from __future__ import annotations

import importlib
from typing import Any

_APPS = {"calibrate", "indicators", "simulate"}


def __getattr__(name: str) -> Any:
    if name in _APPS:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kinerja_calib.widgets' has no attribute {name!r}")
