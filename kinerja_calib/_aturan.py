"""Private rules access for survey, competency and talent (no domain logic).

Uses :func:`kinerja_calib.rules.load` when the loader is available and falls back to
reading ``kinerja_calib/rules/<name>.toml`` with :mod:`tomllib`. Values flagged in the
TOML as ``{ nilai = ..., terkonfirmasi = false, catatan = "..." }`` are unwrapped by
:func:`nilai`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ParameterError

__all__ = ["ambil", "muat", "nilai"]

_RULES_DIR = Path(__file__).parent / "rules"


def muat(rules: Any, default: str) -> Mapping[str, Any]:
    """Return a rules mapping: ``rules`` itself, the file named ``rules``, or ``default``."""
    if rules is not None and not isinstance(rules, str | Path):
        if not isinstance(rules, Mapping):
            raise ParameterError(
                "Parameter 'rules' harus nama aturan (mis. "
                f"'{default}'), path berkas TOML, atau hasil kc.rules.load(...)."
            )
        return rules
    name = default if rules is None else rules
    try:
        from . import rules as rules_pkg
        from .rules import _validasi_sdm  # noqa: F401  (registers the validators)

        load = rules_pkg.load
    except (ImportError, AttributeError):
        load = None
    if load is not None:
        return load(name)
    path = Path(name)
    if path.suffix != ".toml":
        path = _RULES_DIR / f"{name}.toml"
    if not path.exists():
        raise ParameterError(f"Aturan '{name}' tidak ditemukan (dicari: {path}).")
    with path.open("rb") as fh:
        return tomllib.load(fh)


def nilai(node: Any) -> Any:
    """Unwrap a flagged value ``{nilai: ..., terkonfirmasi: ...}``; plain values pass through."""
    if isinstance(node, Mapping) and "nilai" in node:
        return node["nilai"]
    return node


def ambil(rules: Mapping[str, Any], *keys: str) -> Any:
    """Return the unwrapped value at ``rules[k1][k2]...`` (flag dicts unwrapped at each step)."""
    node: Any = rules
    for key in keys:
        node = nilai(node)[key]
    return nilai(node)
