"""Regulations as data: TOML rule files and their loader.

Every regime (PermenPANRB 6/2022, PP 30/2019, PP 46/2011, SKM 14/2017, ...) is one
TOML file in this folder, read with the standard-library :mod:`tomllib`. The code in
:mod:`kinerja_calib.scoring` and friends never hard-codes a regulatory number: it asks
the :class:`Rules` object.

File format (the contract for every ``*.toml`` in this folder)
--------------------------------------------------------------
1. **Top level, required**: ``nama`` (str, equal to the file stem for built-in files),
   ``judul`` (str), ``sumber`` (str: regulation + article/lampiran), ``berlaku_sejak``
   (a TOML date, or a string ``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``).
   Optional: ``rezim`` (which built-in regime the file follows; defaults to ``nama``;
   a user's own copy of the 6/2022 file keeps ``rezim = "permenpanrb-6-2022"`` so the
   scoring code and the validation know how to read it), ``catatan`` (str), ``versi``.
2. **Flagged values.** Any value may be written as an inline table
   ``{ nilai = <value>, terkonfirmasi = false, catatan = "..." }``. The keys allowed in
   such a table are exactly ``nilai`` (required), ``terkonfirmasi`` (bool, default
   ``true``), ``catatan`` (str, **required** when ``terkonfirmasi = false``; Indonesian,
   says why the number is a default and what an instansi should decide) and ``sumber``
   (str). A table holding ``nilai`` plus only these keys *is* a flagged value; do not use
   ``nilai`` as an ordinary key elsewhere. Plain values (``x = 0.7``) count as confirmed.
   Every number that ``docs/regulasi.md`` marks UNCONFIRMED must be flagged.
3. **Tables may carry a ``sumber`` string**; it is the source shown for the values
   inside it (nearest ancestor wins, then the file's ``sumber``).
4. Arrays of tables (``[[kurva.Istimewa]]``) are allowed; their paths are written
   ``kurva.Istimewa[0].proporsi``.
5. Paths (``kunci``) join keys with dots, e.g. ``"ambang.capaian.batas_atas"``.

Reading
-------
``load(name)`` returns a :class:`Rules`, a read-only nested mapping whose leaves are the
*unwrapped* values (``rules["ambang"]["capaian"]["batas_bawah"] == 80.0``; lists become
tuples). Metadata of a leaf: ``rules.info("ambang.capaian.batas_bawah")``. The value at a
path: ``rules.get_path("kurva.Istimewa[0].proporsi")``.

Overrides
---------
``load(name, overrides={...})`` merges a nested dict (keys may also be dotted paths) into
the file. Every overridden leaf is marked ``sumber = "ditetapkan instansi"`` and leaves the
list of unconfirmed defaults. Unknown keys and wrong value types raise
:class:`~kinerja_calib.errors.ParameterError` (Indonesian). The whole merged result is
validated again.

Precision
---------
A threshold here is compared with a computed score only after both are rounded to 9
decimals (:mod:`kinerja_calib._precision`): a 360 composite computed as 2.9999999999999996
meets ``ambang.perilaku.batas_bawah = 3.0``; a kurva count ``proporsi × n`` (0.2 × 15) is
rounded the same way before it is floored or ceiled.

Validation
----------
On load the generic format above is checked; files whose ``rezim`` has a registered
validator (the built-in ``permenpanrb-6-2022``, ``pp-30-2019``, ``pp-46-2011``, and any a
module registers with :func:`daftarkan_validator`) are checked further. Problems raise one
:class:`~kinerja_calib.errors.ParameterError` listing all of them in Indonesian.

Examples
--------
>>> from kinerja_calib import rules
>>> r = rules.load("permenpanrb-6-2022")
>>> r.nama
'permenpanrb-6-2022'
>>> r2 = rules.load("permenpanrb-6-2022", overrides={"ambang": {"capaian": {"batas_bawah": 85}}})
>>> r2.info("ambang.capaian.batas_bawah")["sumber"]
'ditetapkan instansi'
"""

from __future__ import annotations

from . import _validators, _validators_sdm  # noqa: F401  (register the content validators)
from ._catatan import catatan_belum_terkonfirmasi
from ._model import SUMBER_INSTANSI, Rules  # noqa: F401  (SUMBER_INSTANSI: public, as before)
from ._muat import FOLDER as _FOLDER  # noqa: F401  (the built-in files; tests read them)
from ._muat import available, load, resolve
from ._registry import daftarkan_validator

__all__ = [
    "Rules",
    "available",
    "catatan_belum_terkonfirmasi",
    "daftarkan_validator",
    "load",
    "resolve",
]
