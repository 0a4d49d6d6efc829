"""The Jinja2 environment of the feedback sheets (autoescape on, templates in ``templat/``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from .._escape import CSP

__all__ = ["TEMPLAT", "render"]

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
