"""Pelatihan penilai: live frame-of-reference rater training.

The room rates the same vignette cases, sees how far apart it is and how far from the
expert key, discusses, and rates again. A :class:`Sesi` stores the session (SQLite by
default, any SQLAlchemy URL); the statistics for the trainer and the private per-participant
view live in :mod:`kinerja_calib.pelatihan._statistik`. Names are resolved lazily, so the
vignette bank (``_bank``) is only read when it is used.

Examples
--------
>>> from kinerja_calib import pelatihan
>>> pelatihan.BUTIR_DINILAI[:2]
('rating_hasil_kerja', 'rating_perilaku')
"""

from __future__ import annotations

import importlib
from typing import Any

# Public name -> private module that defines it.
_EXPORTS = {
    "Sesi": "_sesi",
    "Peserta": "_sesi",
    "Kiriman": "_sesi",
    "BUTIR_DINILAI": "_sesi",
    "vinyet": "_sesi",
    "Ringkasan": "_statistik",
    "UmpanBalikPeserta": "_statistik",
    "accuracy": "_statistik",
    "agreement": "_statistik",
    "convergence": "_statistik",
    "disagreement": "_statistik",
    "group_summary": "_statistik",
    "participant_feedback": "_statistik",
    "rater_summary": "_statistik",
    "summarise": "_statistik",
    "simulate_session": "_simulasi",
    "KonteksPelatihan": "_laporan",
    "bagian_akurasi": "_laporan",
    "bagian_kasus": "_laporan",
    "bagian_kelonggaran": "_laporan",
    "bagian_kesepakatan": "_laporan",
    "bagian_partisipasi": "_laporan",
    "bagian_perubahan": "_laporan",
    "bagian_wilayah": "_laporan",
    "participant_page": "_laporan",
    "prepare_report": "_laporan",
    "render_report": "_laporan",
    "tabel": "_laporan",
    "tabel_vinyet": "_laporan",
    "NAMA_KESALAHAN": "_bank",
    "load_bank": "_bank",
    "VignetteBank": "_bank",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kinerja_calib.pelatihan' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
