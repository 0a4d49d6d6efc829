"""Lost cell replies on ``Output``-widget cells: nbclient as it is vs kinerja_calib's fix.

Usage::

    .venv/bin/python benchmarks/bench_widget.py            # 6 × 400 cells per variant
    .venv/bin/python benchmarks/bench_widget.py --quick    # 2 × 400 cells per variant
    .venv/bin/python benchmarks/bench_widget.py --beban    # with both cores kept busy

Each run executes one notebook of ``--sel`` cells that each redraw into an
``ipywidgets.Output`` (``with out: clear_output(wait=True); display(...)``), the pattern of
the course widgets, with nbclient and a cell time-out of 3 s. A cell whose reply the client
sees only when its poll times out (≥ 2.9 s while the cell itself takes milliseconds) is a
*lost reply* (see :mod:`kinerja_calib._nbclient`). Runs alternate: nbclient as it is, then with
:func:`kinerja_calib._nbclient.patched_output_widgets`. ``--beban`` starts two busy-looping
processes for the duration (the stall was seen far more often on a loaded machine). Not a
test: the counts are random and shown, never asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time

BATAS = 3  # cell time-out (s); a lost reply shows up as a cell taking this long


def _busy() -> None:
    while True:
        pass


def _run(fixed: bool, cells: int) -> list[float]:
    """Execute the widget notebook once; return each cell's client-side seconds."""
    import nbformat
    from nbclient import NotebookClient

    from kinerja_calib._nbclient import patched_output_widgets

    setup = "import ipywidgets as w\nfrom IPython.display import display, HTML\nout = w.Output()"
    body = "with out:\n    out.clear_output(wait=True)\n    display(HTML('<b>%d</b>'))"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(setup + "\ndisplay(out)")] + [
        nbformat.v4.new_code_cell(body % i) for i in range(cells)
    ]
    start: dict[int, float] = {}
    took: dict[int, float] = {}

    def on_execute(cell, cell_index):
        start[cell_index] = time.monotonic()

    def on_executed(cell, cell_index, execute_reply):
        took[cell_index] = time.monotonic() - start[cell_index]

    def client():
        return NotebookClient(
            nb,
            timeout=BATAS,
            kernel_name="python3",
            shutdown_kernel="immediate",
            on_cell_execute=on_execute,
            on_cell_executed=on_executed,
        )

    if fixed:
        with patched_output_widgets():
            c = client()
    else:
        c = client()
    c.execute()
    return [took[i] for i in range(1, cells + 1)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 runs per variant")
    ap.add_argument("--ulang", type=int, default=None, help="runs per variant (default 6)")
    ap.add_argument("--sel", type=int, default=400, help="widget cells per run")
    ap.add_argument("--beban", action="store_true", help="keep both cores busy meanwhile")
    args = ap.parse_args(argv)
    runs = args.ulang or (2 if args.quick else 6)

    burners = []
    if args.beban:
        burners = [mp.get_context("spawn").Process(target=_busy, daemon=True) for _ in range(2)]
        for b in burners:
            b.start()
    print(
        f"Mesin: {os.cpu_count()} inti; {runs} jalan × {args.sel} sel widget per varian, "
        f"batas waktu sel {BATAS} s{'; kedua inti disibukkan' if burners else ''}",
        flush=True,
    )
    result: dict[bool, list[float]] = {False: [], True: []}
    try:
        for r in range(runs):
            for fixed in (False, True):
                took = _run(fixed, args.sel)
                lost = sum(t >= BATAS - 0.1 for t in took)
                name = "dengan perbaikan" if fixed else "nbclient apa adanya"
                print(f"  jalan {r + 1}, {name:<20}: {lost:3d} balasan hilang", flush=True)
                result[fixed] += took
    finally:
        for b in burners:
            b.terminate()
    print(f"\n{'varian':<22}{'sel':>7}{'balasan hilang':>16}{'median ms/sel':>15}")
    for fixed in (False, True):
        took = result[fixed]
        lost = sum(t >= BATAS - 0.1 for t in took)
        ok = [t for t in took if t < BATAS - 0.1]
        name = "dengan perbaikan" if fixed else "nbclient apa adanya"
        print(f"{name:<22}{len(took):>7}{lost:>16}{1000 * statistics.median(ok):>15.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
