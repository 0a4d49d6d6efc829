"""The registry of content validators, one per regime, apart from the loader.

:mod:`kinerja_calib.rules` (the loader) asks :data:`VALIDATORS` for the regime of a file it
has just parsed; the validator modules (``_validators``, ``_validators_sdm``) register here. The
validators read a rules object only through :meth:`~kinerja_calib.rules.Rules.get_path`
(:class:`RulesView`), so they never import the loader and the loader imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["VALIDATORS", "RulesView", "daftarkan_validator"]


class RulesView(Protocol):
    """What a validator reads of a :class:`kinerja_calib.rules.Rules`."""

    def get_path(self, path: str, default: Any = ...) -> Any:
        """The value at a dotted ``path`` (see :meth:`kinerja_calib.rules.Rules.get_path`)."""


#: regime name -> ``func(rules) -> list of Indonesian problem messages``.
VALIDATORS: dict[str, Callable[[Any], list[str]]] = {}


def daftarkan_validator(rezim: str, func: Callable[[Any], list[str]]) -> None:
    """Register ``func(rules) -> list of Indonesian problem messages`` for a regime."""
    VALIDATORS[rezim] = func
