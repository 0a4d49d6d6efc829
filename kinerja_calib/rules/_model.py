"""The :class:`Rules` object: dotted paths, freezing, parsing the flagged values of a rules
file, merging overrides, and building (and validating) a :class:`Rules` from a parsed file."""

from __future__ import annotations

import copy
import datetime as _dt
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from ..errors import ParameterError
from ._registry import VALIDATORS as _VALIDATORS

__all__ = ["SUMBER_INSTANSI", "Rules", "build_rules"]

_FLAG_KEYS = {"nilai", "terkonfirmasi", "catatan", "sumber"}
_REQUIRED_TOP = ("nama", "judul", "sumber", "berlaku_sejak")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SUMBER_INSTANSI = "ditetapkan instansi"


# --------------------------------------------------------------------------- paths
def _fmt_path(parts: Iterable[str | int]) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + p
    return out


_TOKEN_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parse_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for m in _TOKEN_RE.finditer(path):
        if m.group(1) is not None:
            parts.append(m.group(1))
        else:
            parts.append(int(m.group(2)))
    if not parts:
        raise ParameterError(f"Kunci aturan kosong atau tidak terbaca: {path!r}.")
    return parts


def _is_flagged(obj: Any) -> bool:
    return isinstance(obj, dict) and "nilai" in obj and set(obj) <= _FLAG_KEYS


# --------------------------------------------------------------------------- freezing
def _freeze(obj: Any) -> Any:
    if isinstance(obj, dict):
        return MappingProxyType({k: _freeze(v) for k, v in obj.items()})
    if isinstance(obj, list | tuple):
        return tuple(_freeze(v) for v in obj)
    return obj


def _thaw(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {k: _thaw(v) for k, v in obj.items()}
    if isinstance(obj, tuple | list):
        return [_thaw(v) for v in obj]
    return obj


# --------------------------------------------------------------------------- parsing
def _unwrap(
    raw: Any,
    parts: list[str | int],
    inherited_sumber: str,
    meta: dict[str, dict],
    problems: list[str],
) -> Any:
    """Return the unwrapped value of ``raw`` and record leaf metadata in ``meta``."""
    key = _fmt_path(parts)
    if _is_flagged(raw):
        flag = raw.get("terkonfirmasi", True)
        catatan = raw.get("catatan", "")
        if not isinstance(flag, bool):
            problems.append(f"'{key}.terkonfirmasi' harus true atau false, bukan {flag!r}.")
            flag = False
        if not isinstance(catatan, str):
            problems.append(f"'{key}.catatan' harus berupa teks.")
            catatan = str(catatan)
        if flag is False and not catatan.strip():
            problems.append(
                f"'{key}' ditandai terkonfirmasi = false tetapi tanpa 'catatan'; "
                "tuliskan alasan dan apa yang harus ditetapkan instansi."
            )
        value = raw["nilai"]
        if isinstance(value, dict):
            problems.append(f"'{key}.nilai' tidak boleh berupa tabel.")
        meta[key] = {
            "kunci": key,
            "nilai": _thaw(value),
            "terkonfirmasi": flag,
            "catatan": catatan,
            "sumber": raw.get("sumber", inherited_sumber),
            "ditetapkan_instansi": False,
        }
        return value
    if isinstance(raw, dict):
        if "nilai" in raw:
            extra = sorted(set(raw) - _FLAG_KEYS)
            problems.append(
                f"Tabel '{key}' memakai kunci 'nilai' bersama kunci lain {extra}; "
                "nilai berflag hanya boleh berisi nilai, terkonfirmasi, catatan, sumber."
            )
        sumber = raw.get("sumber", inherited_sumber)
        if not isinstance(sumber, str):
            sumber = inherited_sumber
        return {k: _unwrap(v, [*parts, k], sumber, meta, problems) for k, v in raw.items()}
    if isinstance(raw, list):
        out = []
        for i, v in enumerate(raw):
            out.append(_unwrap(v, [*parts, i], inherited_sumber, meta, problems))
        if not any(isinstance(v, dict) for v in raw):
            meta.setdefault(key, _plain_meta(key, raw, inherited_sumber))
            for i in range(len(raw)):
                meta.pop(_fmt_path([*parts, i]), None)
        return out
    if parts and parts[-1] != "sumber" and not (len(parts) == 1 and parts[0] in _META_TOP):
        meta.setdefault(key, _plain_meta(key, raw, inherited_sumber))
    return raw


_META_TOP = {"nama", "judul", "sumber", "berlaku_sejak", "rezim", "catatan", "versi"}


def _plain_meta(key: str, value: Any, sumber: str) -> dict:
    return {
        "kunci": key,
        "nilai": _thaw(value),
        "terkonfirmasi": True,
        "catatan": "",
        "sumber": sumber,
        "ditetapkan_instansi": False,
    }


# --------------------------------------------------------------------------- Rules
class Rules(Mapping):
    """A read-only, validated set of rules of one regime.

    Behaves as a nested mapping of unwrapped values (lists become tuples, tables become
    read-only mappings). Build it with :func:`load`.

    Attributes
    ----------
    nama, name : str
        Short id, e.g. ``"permenpanrb-6-2022"``.
    rezim : str
        The built-in regime the file follows (defaults to ``nama``).
    judul, sumber, berlaku_sejak : str
        Title, legal source, start date (ISO text).
    path : pathlib.Path or None
        File the rules were read from.
    """

    def __init__(self, data: dict, meta: dict[str, dict], path: Path | None):
        self._data = _freeze(data)
        self._meta = meta
        self.path = path
        self.nama = str(data["nama"])
        self.name = self.nama
        self.rezim = str(data.get("rezim", self.nama))
        self.judul = str(data["judul"])
        self.sumber = str(data["sumber"])
        bs = data["berlaku_sejak"]
        self.berlaku_sejak = bs.isoformat() if isinstance(bs, _dt.date) else str(bs)

    # Mapping protocol
    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        n = len(self.belum_terkonfirmasi())
        m = len(self.ditetapkan_instansi())
        return (
            f"<Rules {self.nama!r}: {self.judul} (berlaku sejak {self.berlaku_sejak}); "
            f"{n} nilai belum terkonfirmasi, {m} ditetapkan instansi>"
        )

    # Paths
    def get_path(self, path: str, default: Any = ...) -> Any:
        """Return the value at a dotted path such as ``"kurva.Istimewa[0].proporsi"``."""
        obj: Any = self._data
        for p in _parse_path(path):
            try:
                obj = obj[p]
            except (KeyError, IndexError, TypeError):
                if default is not ...:
                    return default
                raise ParameterError(
                    f"Aturan '{self.nama}' tidak memiliki kunci '{path}'."
                ) from None
        return obj

    def info(self, path: str) -> dict:
        """Metadata of one leaf: ``kunci, nilai, terkonfirmasi, catatan, sumber,
        ditetapkan_instansi``."""
        key = _fmt_path(_parse_path(path))
        if key not in self._meta:
            self.get_path(key)  # raises a clear error when the key does not exist
            raise ParameterError(f"'{key}' adalah tabel, bukan satu nilai aturan.")
        return dict(self._meta[key])

    def to_dict(self) -> dict:
        """A plain, mutable deep copy of the unwrapped values."""
        return _thaw(self._data)

    # Listings
    def parameter(self) -> pd.DataFrame:
        """Every leaf value with its status (``aturan, kunci, nilai, terkonfirmasi, sumber,
        catatan, ditetapkan_instansi``)."""
        rows = [{"aturan": self.nama, **m} for m in self._meta.values()]
        cols = [
            "aturan",
            "kunci",
            "nilai",
            "terkonfirmasi",
            "sumber",
            "catatan",
            "ditetapkan_instansi",
        ]
        return pd.DataFrame(rows, columns=cols)

    def belum_terkonfirmasi(self, bagian: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Unconfirmed defaults in use (``aturan, kunci, nilai, catatan``).

        Parameters
        ----------
        bagian : str or iterable of str, optional
            Keep only keys starting with these prefixes (e.g. ``"kurva"``), so a notebook
            can list just the rules it used. Values set by the instansi are not listed.
        """
        prefixes = _prefixes(bagian)
        rows = [
            {"aturan": self.nama, "kunci": k, "nilai": m["nilai"], "catatan": m["catatan"]}
            for k, m in self._meta.items()
            if not m["terkonfirmasi"]
            and not m["ditetapkan_instansi"]
            and (prefixes is None or k.startswith(prefixes))
        ]
        return pd.DataFrame(rows, columns=["aturan", "kunci", "nilai", "catatan"])

    def ditetapkan_instansi(self, bagian: str | Iterable[str] | None = None) -> pd.DataFrame:
        """Values overridden by the instansi (``aturan, kunci, nilai, sumber``)."""
        prefixes = _prefixes(bagian)
        rows = [
            {"aturan": self.nama, "kunci": k, "nilai": m["nilai"], "sumber": m["sumber"]}
            for k, m in self._meta.items()
            if m["ditetapkan_instansi"] and (prefixes is None or k.startswith(prefixes))
        ]
        return pd.DataFrame(rows, columns=["aturan", "kunci", "nilai", "sumber"])

    def with_overrides(self, overrides: Mapping | None) -> Rules:
        """Return a new :class:`Rules` with ``overrides`` merged in (see :func:`load`)."""
        if not overrides:
            return self
        raw = copy.deepcopy(self._raw)
        marked = _merge(raw, overrides, self.nama)
        return build_rules(raw, self.path, marked)


def _prefixes(bagian: str | Iterable[str] | None) -> tuple[str, ...] | None:
    if bagian is None:
        return None
    if isinstance(bagian, str):
        return (bagian,)
    return tuple(bagian)


# --------------------------------------------------------------------------- merge
def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "angka"
    if isinstance(v, str):
        return "teks"
    if isinstance(v, list | tuple):
        return "daftar"
    if isinstance(v, dict | Mapping):
        return "tabel"
    if isinstance(v, _dt.date):
        return "tanggal"
    return type(v).__name__


def _expand_dotted(overrides: Mapping) -> dict:
    out: dict = {}
    for k, v in overrides.items():
        parts = _parse_path(str(k))
        if any(isinstance(p, int) for p in parts):
            raise ParameterError(
                f"Kunci override '{k}' memakai indeks daftar; ganti seluruh daftar sebagai gantinya."
            )
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        last = parts[-1]
        if isinstance(v, Mapping) and not _is_flagged(dict(v)):
            node.setdefault(last, {})
            node[last] = _deep_update(node[last], _expand_dotted(v))
        else:
            node[last] = v
    return out


def _deep_update(a: dict, b: dict) -> dict:
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict) and not _is_flagged(v):
            _deep_update(a[k], v)
        else:
            a[k] = v
    return a


def _merge(raw: dict, overrides: Mapping, nama: str) -> set[str]:
    """Merge ``overrides`` into ``raw`` in place; return the set of marked path prefixes."""
    if not isinstance(overrides, Mapping):
        raise ParameterError("'overrides' harus berupa dict bertingkat, mis. {'ambang': {...}}.")
    marked: set[str] = set()
    problems: list[str] = []

    def walk(node: dict, ov: Mapping, parts: list[str]) -> None:
        for k, v in ov.items():
            here = [*parts, k]
            key = _fmt_path(here)
            if k in _META_TOP and not parts:
                problems.append(f"'{k}' adalah identitas berkas aturan dan tidak bisa di-override.")
                continue
            if k not in node:
                problems.append(
                    f"Kunci '{key}' tidak ada di aturan '{nama}' (periksa ejaan; "
                    "lihat rules.parameter() untuk daftar kunci)."
                )
                continue
            old = node[k]
            if _is_flagged(old):
                new_val = v["nilai"] if isinstance(v, Mapping) and "nilai" in v else v
                if _kind(new_val) != _kind(old["nilai"]) and not (
                    _kind(new_val) == "angka" and _kind(old["nilai"]) == "angka"
                ):
                    problems.append(
                        f"Nilai untuk '{key}' harus bertipe {_kind(old['nilai'])}, "
                        f"bukan {_kind(new_val)} ({new_val!r})."
                    )
                    continue
                node[k] = {
                    "nilai": _thaw(new_val),
                    "terkonfirmasi": True,
                    "catatan": (v.get("catatan", "") if isinstance(v, Mapping) else "")
                    or f"Ditetapkan instansi (bawaan: {old['nilai']!r}).",
                    "sumber": SUMBER_INSTANSI,
                }
                marked.add(key)
            elif isinstance(old, dict):
                if not isinstance(v, Mapping):
                    problems.append(f"'{key}' adalah tabel; berikan dict untuk mengubah isinya.")
                    continue
                walk(old, v, here)
            else:
                if _kind(v) != _kind(old) and not (_kind(v) == "angka" == _kind(old)):
                    problems.append(
                        f"Nilai untuk '{key}' harus bertipe {_kind(old)}, bukan {_kind(v)} ({v!r})."
                    )
                    continue
                node[k] = _thaw(v)
                marked.add(key)

    walk(raw, _expand_dotted(overrides), [])
    if problems:
        raise ParameterError(
            "Override aturan tidak dapat dipakai:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    return marked


# --------------------------------------------------------------------------- build
def build_rules(raw: dict, path: Path | None, marked: set[str] | None = None) -> Rules:
    where = str(path) if path is not None else "aturan"
    problems: list[str] = []
    for key in _REQUIRED_TOP:
        if key not in raw:
            problems.append(f"kunci tingkat atas '{key}' wajib ada.")
        elif key != "berlaku_sejak" and not isinstance(raw[key], str):
            problems.append(f"'{key}' harus berupa teks.")
    bs = raw.get("berlaku_sejak")
    if bs is not None and not isinstance(bs, _dt.date):
        if not (isinstance(bs, str) and _DATE_RE.match(bs)):
            problems.append(
                f"'berlaku_sejak' harus tanggal TOML atau teks 'YYYY', 'YYYY-MM', "
                f"'YYYY-MM-DD', bukan {bs!r}."
            )
    if problems:
        raise ParameterError(
            f"Berkas aturan {where} tidak valid:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    meta: dict[str, dict] = {}
    data = _unwrap(raw, [], str(raw["sumber"]), meta, problems)
    for key in marked or ():
        for k, m in meta.items():
            if k == key or k.startswith(key + ".") or k.startswith(key + "["):
                m["ditetapkan_instansi"] = True
                m["sumber"] = SUMBER_INSTANSI
    if problems:
        raise ParameterError(
            f"Berkas aturan {where} tidak valid:\n" + "\n".join(f"  - {p}" for p in problems)
        )
    rules = Rules(data, meta, path)
    rules._raw = raw
    validator = _VALIDATORS.get(rules.rezim)
    if validator is not None:
        problems = validator(rules)
        if problems:
            raise ParameterError(
                f"Berkas aturan {where} (rezim '{rules.rezim}') tidak valid:\n"
                + "\n".join(f"  - {p}" for p in problems)
            )
    return rules
