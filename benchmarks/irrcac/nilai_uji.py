"""Print the irrCAC values that ``tests/test_agreement_gwet.py`` records as literals.

Run it with the Python of the separate irrCAC environment (see ``bench_gwet.py``)::

    python3 -m venv benchmarks/.venv-irrcac
    benchmarks/.venv-irrcac/bin/pip install -r benchmarks/irrcac/requirements.txt
    benchmarks/.venv-irrcac/bin/python benchmarks/irrcac/nilai_uji.py

Each line is ``(weights, κ, se, ci_low, p value, pa, pe)`` of ``CAC(...).conger()`` (two
raters: Cohen's κ) or ``CAC(...).fleiss()``, ``digits=10``, for the data sets irrCAC ships
(``cac.raw4raters``; ``cac.raw2raters`` only in R irrCAC, typed in) and Gwet's (2014, 4th ed.) Tables 3.5 and 3.9, typed
in here as in the test module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from irrCAC.datasets import raw_4raters
from irrCAC.raw import CAC

nan = np.nan
#: ``cac.raw2raters`` of R irrCAC (the Python package does not ship it)
RAW2 = pd.DataFrame({"Rater1": [*"AAABBCCCCB", nan, "A"], "Rater2": [*"AAABBCCA", nan, *"BCB"]})
T35 = pd.DataFrame({"Rater1": [*"ABCCBBAABB", nan], "Rater2": [nan, *"CCCB", nan, *"ABBBC"]})
T39 = pd.DataFrame(
    [
        [1.0, 1.5, 1.0, nan], [2.0, 2.0, 2.0, 2.0], [0.5, 1.0, 1.5, 1.5], [1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.0, 1.5], [nan, 1.0, 2.5, nan], [2.5, 2.5, 2.5, 2.5], [1.0, 1.0, nan, 1.0],
        [nan, 1.0, 2.0, 1.0], [1.0, 1.0, 0.5, 1.0], [1.5, 1.5, 1.5, 1.5], [1.0, 1.5, 1.0, nan],
        [1.0, 1.0, 1.5, nan], [1.0, 2.0, 2.5, 2.0], [nan, 1.0, 1.5, 1.0], [0.5, 0.5, 0.5, 0.5],
    ],
    columns=list("LKWB"),
)  # fmt: skip


def rows(df: pd.DataFrame, method: str, **kw) -> None:
    for w, name in (("identity", None), ("quadratic", "quadratic"), ("linear", "linear")):
        est = getattr(CAC(df, weights=w, digits=10, **kw), method)()["est"]
        print(
            (name, est["coefficient_value"], est["se"], est["confidence_interval"][0])
            + (float(f"{est['p_value']:.10g}"), est["pa"], est["pe"])
        )


if __name__ == "__main__":
    print("IRRCAC_CONGER_RAW2")
    rows(RAW2, "conger", categories=["A", "B", "C"])
    print("IRRCAC_FLEISS_RAW4")
    rows(raw_4raters(), "fleiss")
    print("IRRCAC_CONGER_T35")
    rows(T35, "conger", categories=["A", "B", "C"])
    print("IRRCAC_FLEISS_T39")
    rows(T39, "fleiss")
