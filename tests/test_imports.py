"""What importing the package costs: structural checks, never timings.

Every papermill kernel (one per notebook × instansi) imports the package afresh, so a
module that imports ``scipy.stats`` (~0.3-0.7 s) or ``scipy.optimize`` (~0.2 s) at top level
for one function taxes every report. The agreement statistics use the ``scipy.special``
kernels through ``kinerja_calib.agreement._dist`` instead, checked here to equal
``scipy.stats`` bit for bit.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap

import numpy as np
from _reference import require


def _loaded_after(code: str, modules: list[str]) -> list[str]:
    """Run ``code`` in a fresh interpreter; return which of ``modules`` it imported."""
    probe = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import sys
        print(",".join(m for m in {modules!r} if m in sys.modules))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    return [m for m in last.split(",") if m]


def test_report_imports_skip_scipy_stats_and_optimize():
    # Everything the report template (notebooks/laporan_instansi.ipynb) imports across its
    # cells: kc.reports in the first cell, then agreement, calibrate and the report figures.
    code = """
        import kinerja_calib as kc
        import kinerja_calib.reports
        import kinerja_calib.agreement, kinerja_calib.calibrate, kinerja_calib.plots.reports
    """
    assert _loaded_after(code, ["scipy.stats", "scipy.optimize"]) == []


def test_agreement_statistics_run_without_scipy_stats():
    # The report's agreement section (ICC with F test and CI, alpha, kappa, r_wg) must not
    # pull scipy.stats in at call time either.
    code = """
        import numpy as np
        from kinerja_calib import agreement as A
        rng = np.random.default_rng(2026)
        x = np.round(rng.normal(3, 1, (40, 4)).clip(1, 5))
        x[rng.random(x.shape) < 0.1] = np.nan
        A.icc(x); A.icc(x, missing="unbalanced"); A.krippendorff_alpha(x)
        A.fleiss_kappa(x); A.gwet_ac(x); A.cohen_kappa(x[:, 0], x[:, 1]); A.rwg(x, n_categories=5)
        A.raters_needed(0.3, 0.8)
    """
    assert _loaded_after(code, ["scipy.stats", "scipy.optimize"]) == []


def test_statistics_never_import_matplotlib():
    code = """
        import kinerja_calib.agreement, kinerja_calib.calibrate
    """
    assert _loaded_after(code, ["matplotlib"]) == []


_X = [np.nan, -np.inf, -3.0, -1e-300, -0.0, 0.0, 1e-300, 1e-8, 0.3, 1.0, 2.5, 17.0, 1e6, np.inf]
_Q = [np.nan, -0.1, 0.0, 1e-300, 1e-10, 0.025, 0.5, 0.975, 0.995, 1 - 1e-16, 1.0, 1.1]
_DF = [np.nan, -1.0, 0, 1e-3, 0.5, 1, 2, 3.7, 99, np.int64(5), 1e7, np.inf]


def _same(ours, ref) -> bool:
    return type(ours) is type(ref) and np.array_equal(ours, ref, equal_nan=True)


def test_dist_equals_scipy_stats_bit_for_bit():
    stats = require("scipy.stats")
    from kinerja_calib.agreement import _dist as D

    with np.errstate(all="ignore"):
        for x, a, b in itertools.product(_X, _DF, _DF):
            assert _same(D.f_sf(x, a, b), stats.f.sf(x, a, b)), (x, a, b)
        for q, a, b in itertools.product(_Q, _DF, _DF):
            assert _same(D.f_ppf(q, a, b), stats.f.ppf(q, a, b)), (q, a, b)
        for x, v in itertools.product(_X, _DF):
            assert _same(D.t_sf(x, v), stats.t.sf(x, v)), (x, v)
            assert _same(D.chi2_sf(x, v), stats.chi2.sf(x, v)), (x, v)
        for q, v in itertools.product(_Q, _DF):
            assert _same(D.t_ppf(q, v), stats.t.ppf(q, v)), (q, v)
        for x in _X:
            assert _same(D.norm_sf(x), stats.norm.sf(x)), x
        for q in _Q:
            assert _same(D.norm_ppf(q), stats.norm.ppf(q)), q
        rng = np.random.default_rng(9)
        x, q = rng.gamma(1.0, 2.0, 500), rng.uniform(size=500)
        d1, d2 = rng.integers(1, 50, 500), rng.uniform(0.5, 300.0, 500)
        assert _same(D.f_sf(x, d1, d2), stats.f.sf(x, d1, d2))
        assert _same(D.f_ppf(q, d1, d2), stats.f.ppf(q, d1, d2))
        assert _same(D.t_ppf(q, d2), stats.t.ppf(q, d2))
        assert _same(D.t_sf(x, d2), stats.t.sf(x, d2))
        assert _same(D.chi2_sf(x, d2), stats.chi2.sf(x, d2))
