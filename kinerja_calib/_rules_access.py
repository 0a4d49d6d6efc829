"""Private rules access for survey, competency, talent and plots/talent (no domain logic).

Names and paths are loaded by :func:`kinerja_calib.rules.resolve` (validated, flags unwrapped,
cached). A plain mapping is also accepted (e.g. a hand-written table in a test or notebook);
values written in it as ``{ nilai = ..., terkonfirmasi = false, catatan = "..." }`` are
unwrapped by :func:`nilai`/:func:`ambil` (a no-op on a loaded :class:`~kinerja_calib.rules.Rules`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ParameterError

__all__ = ["ambil", "load", "muat", "nilai"]


def load(rules: Any, default: str) -> Mapping[str, Any]:
    """Return a rules mapping: ``rules`` itself, the file named ``rules``, or ``default``."""
    if rules is None or isinstance(rules, str | Path):
        from . import rules as rules_pkg

        return rules_pkg.resolve(rules, default)
    if not isinstance(rules, Mapping):
        raise ParameterError(
            "Parameter 'rules' harus nama aturan (mis. "
            f"'{default}'), path berkas TOML, atau hasil kc.rules.load(...)."
        )
    return rules


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


# aliases kept for one release (issue 14)
muat = load
