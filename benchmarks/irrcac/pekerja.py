"""Long-lived irrCAC worker for ``benchmarks/bench_gwet.py`` (runs in ``benchmarks/.venv-irrcac``).

It is started once by the benchmark with the separate virtualenv's Python, so the benchmark
never imports irrCAC (irrCAC 0.4.4 pins scipy 1.12 and with it older numpy/pandas) and
process start-up is never timed. Protocol: one JSON object per line on stdin, one JSON
object per line on stdout.

* ``{"perintah": "versi"}`` → versions of Python, numpy, scipy, pandas and irrCAC.
* ``{"perintah": "gwet", "berkas": "x.npy", "bobot": "identity", "ulangan": 1,
  "memori": false}`` → loads the subjects × raters array (NaN = missing) into a DataFrame
  (cached per file, not timed), then times ``CAC(df, weights=bobot, digits=15).gwet()``
  ``ulangan`` times with ``time.perf_counter`` inside this process; with ``"memori": true``
  one extra call is traced with ``tracemalloc`` (numpy and pandas buffers are traced).
  Answer: ``{"detik": [...], "nilai": AC, "se": ..., "pa": ..., "pe": ..., "n": subjects,
  "kategori": [...], "puncak_mb": ... or null}``.
* ``{"perintah": "selesai"}`` → exits.

Errors come back as ``{"galat": "<traceback>"}``. ``digits=15`` replaces irrCAC's default
rounding to 5 decimals so the values can be compared at 1e-9.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
import tracemalloc
import warnings

warnings.filterwarnings("ignore")

_OUT = sys.stdout
sys.stdout = sys.stderr  # nothing but answers may reach the pipe

_cache: dict[str, object] = {}


def _frame(path: str):
    import numpy as np
    import pandas as pd

    if path not in _cache:
        _cache.clear()
        _cache[path] = pd.DataFrame(np.load(path))
    return _cache[path]


def _gwet(req: dict) -> dict:
    from irrCAC.raw import CAC

    df = _frame(req["berkas"])
    weights = req.get("bobot", "identity")
    times = []
    res = None
    for _ in range(int(req.get("ulangan", 1))):
        t0 = time.perf_counter()
        cac = CAC(df, weights=weights, digits=15)
        res = cac.gwet()
        times.append(time.perf_counter() - t0)
    peak = None
    if req.get("memori"):
        tracemalloc.start()
        try:
            cac = CAC(df, weights=weights, digits=15)
            res = cac.gwet()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()
    est = res["est"]
    return {
        "detik": times,
        "nilai": float(est["coefficient_value"]),
        "se": float(est["se"]),
        "pa": float(est["pa"]),
        "pe": float(est["pe"]),
        "n": int(cac.n),
        "kategori": [float(c) for c in res["categories"]],
        "puncak_mb": peak,
    }


def _versions() -> dict:
    import platform

    import irrCAC
    import numpy
    import pandas
    import scipy

    try:
        from importlib.metadata import version

        v_irr = version("irrCAC")
    except Exception:
        v_irr = getattr(irrCAC, "__version__", "?")
    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pandas.__version__,
        "irrCAC": v_irr,
    }


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            cmd = req.get("perintah")
            if cmd == "selesai":
                break
            if cmd == "versi":
                ans = _versions()
            elif cmd == "gwet":
                ans = _gwet(req)
            else:
                ans = {"galat": f"perintah tidak dikenal: {cmd!r}"}
        except Exception:
            ans = {"galat": traceback.format_exc()}
        _OUT.write(json.dumps(ans) + "\n")
        _OUT.flush()


if __name__ == "__main__":
    main()
