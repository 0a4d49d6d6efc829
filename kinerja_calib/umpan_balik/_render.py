"""The Jinja2 environment of the feedback sheets (autoescape on, templates in ``templat/``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .._escape import CSP
from ._pegawai import context_pegawai
from ._penilai import context_penilai
from ._prepare import Prepared

__all__ = ["TEMPLAT", "render", "render_pegawai", "render_penilai"]

#: Folder of the sheet templates (package data).
TEMPLAT = Path(__file__).resolve().parent / "templat"


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLAT)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(nama: str, konteks: dict[str, Any], judul: str, penanda: str) -> str:
    """Render template ``nama`` with ``konteks``; ``penanda`` marks a complete sheet."""
    return _env().get_template(nama).render(csp=CSP, judul=judul, penanda=penanda, **konteks)


def render_pegawai(p: Prepared, nip: str) -> str | None:
    """The sheet of ``nip`` from prepared tables, or ``None`` when ``nip`` is not a pegawai."""
    k = context_pegawai(p, nip)
    if k is None:
        return None
    judul = f"Umpan balik kinerja {k['periode']} — {k['nama']}"
    return render("pegawai.html.j2", k, judul, f"pegawai|{nip}|{p.periode}")


def render_penilai(p: Prepared, nip: str) -> str | None:
    """The rater sheet of ``nip``, or ``None`` when ``nip`` rated too few pegawai."""
    k = context_penilai(p, nip)
    if k is None:
        return None
    judul = f"Kecenderungan penilaian {k['periode']} — {k['nama']}"
    return render("penilai.html.j2", k, judul, f"penilai|{nip}|{p.periode}")
