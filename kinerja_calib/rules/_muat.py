"""Loading rules: the built-in files, reading TOML, the cache, :func:`load` and :func:`resolve`."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from ..errors import ParameterError
from ._model import Rules, build_rules

__all__ = ["FOLDER", "available", "load", "resolve"]

FOLDER = Path(__file__).resolve().parent

# Rules are immutable, so a file is parsed once per (path, modification time).
_CACHE: dict[tuple[str, int], Rules] = {}


def available() -> list[str]:
    """Names of the built-in rule files (``kinerja_calib/rules/*.toml``), sorted."""
    return sorted(p.stem for p in FOLDER.glob("*.toml"))


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(
            f"Berkas aturan {path} bukan TOML yang sah: {exc}. Periksa tanda kutip, "
            "kurung siku dan tanda '=' pada baris yang disebut."
        ) from exc
    except OSError as exc:
        raise ParameterError(f"Berkas aturan {path} tidak dapat dibaca: {exc}.") from exc


def load(
    name_or_path: str | Path | Rules = "permenpanrb-6-2022", overrides: Mapping | None = None
) -> Rules:
    """Load a rules file by name (see :func:`available`) or path, with optional overrides.

    Parameters
    ----------
    name_or_path : str, path or Rules
        A built-in name (``"permenpanrb-6-2022"``), a path to the user's own TOML file
        (same format, see the module docstring), or an existing :class:`Rules` (then only
        ``overrides`` are applied).
    overrides : dict, optional
        Nested dict (or dotted keys) merged into the file, e.g.
        ``{"ambang": {"capaian": {"batas_bawah": 85}}}`` or
        ``{"kurva.pembulatan": "terdekat"}``. Overridden values are marked
        ``sumber = "ditetapkan instansi"`` and drop out of
        :meth:`Rules.belum_terkonfirmasi`.

    Returns
    -------
    Rules

    Raises
    ------
    ParameterError
        Unknown name, unreadable or malformed file, bad override (message in Indonesian).
    """
    if isinstance(name_or_path, Rules):
        return name_or_path.with_overrides(overrides)
    text = str(name_or_path)
    if text in available():
        path = FOLDER / f"{text}.toml"
    else:
        path = Path(text).expanduser()
        if not path.is_file():
            raise ParameterError(
                f"Aturan '{text}' tidak dikenal. Pilih salah satu dari {available()} "
                "atau berikan path ke berkas .toml milik instansi."
            )
    try:
        stamp = (str(path.resolve()), path.stat().st_mtime_ns)
    except OSError:
        stamp = None
    rules = _CACHE.get(stamp) if stamp is not None else None
    if rules is None:
        rules = build_rules(_read(path), path)
        if stamp is not None:
            _CACHE[stamp] = rules
    return rules.with_overrides(overrides)


def resolve(rules: str | Path | Rules | None, default: str = "permenpanrb-6-2022") -> Rules:
    """Return a :class:`Rules` for ``rules`` (``None`` → ``default``; name/path → loaded)."""
    if rules is None:
        return load(default)
    if isinstance(rules, Rules):
        return rules
    return load(rules)
