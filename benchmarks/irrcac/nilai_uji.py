"""Print the irrCAC values that ``tests/test_agreement_gwet.py`` records as literals.

Run it with the Python of the separate irrCAC environment (see ``bench_gwet.py``)::

    python3 -m venv benchmarks/.venv-irrcac
    benchmarks/.venv-irrcac/bin/pip install -r benchmarks/irrcac/requirements.txt
    benchmarks/.venv-irrcac/bin/python benchmarks/irrcac/nilai_uji.py

Each line is ``(weights, κ, se, ci_low, p value, pa, pe)`` of ``CAC(...).conger()`` (two
raters: Cohen's κ) or ``CAC(...).fleiss()``, ``digits=10``, for irrCAC's ``cac.raw4raters`` and the data sets
typed in ``tests/_gwet_tabel.py`` (R irrCAC's ``cac.raw2raters``, Gwet's 2014 Tables 3.5 and
3.9), the same the tests read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from irrCAC.datasets import raw_4raters
from irrCAC.raw import CAC

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
from _gwet_tabel import RAW2_R1, RAW2_R2, T35_R1, T35_R2, T39

RAW2 = pd.DataFrame({"Rater1": RAW2_R1, "Rater2": RAW2_R2})
T35 = pd.DataFrame({"Rater1": T35_R1, "Rater2": T35_R2})
T39 = pd.DataFrame(T39, columns=list("LKWB"))


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
