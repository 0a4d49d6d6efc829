"""``python -m kinerja_calib._voila``: Voila with nbclient's lost-reply fix applied.

Voila executes the dashboard with an nbclient ``NotebookClient`` and no cell time-out, so a
reply lost after an ``Output``-widget echo (see :mod:`kinerja_calib._nbclient`) left the page
loading for ever.
"""

from __future__ import annotations

import sys

from ._nbclient import patch_output_widgets


def main() -> int:
    """Apply :func:`~kinerja_calib._nbclient.patch_output_widgets`, then run Voila's CLI."""
    patch_output_widgets()
    from voila.app import main as voila_main

    return voila_main() or 0


if __name__ == "__main__":
    sys.exit(main())
