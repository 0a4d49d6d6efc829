"""Agreement data sets typed in from their sources, plain Python (no numpy), ``None`` / NaN missing.

Shared by ``tests/test_agreement_gwet.py`` and ``benchmarks/irrcac/nilai_uji.py`` (which runs
in the separate irrCAC virtualenv, so this module imports nothing).
"""

nan = float("nan")

#: irrCAC ``cac.raw2raters`` (Gwet 2021, Handbook 5th ed., vol. 1): 2 raters, 12 subjects,
#: categories A < B < C, subject 9 not rated by rater 2 and subject 11 not by rater 1.
RAW2_R1 = [*"AAABBCCCCB", None, "A"]
RAW2_R2 = [*"AAABBCCA", None, *"BCB"]

#: Gwet (2014, Handbook 4th ed.), Example 3.2, Table 3.5 (p. 80): 2 raters, 11 subjects,
#: categories A < B < C; subjects 1 and 6 not rated by rater 2, subject 11 not by rater 1.
#: Gwet prints Cohen's κ = 0.7772 with quadratic weights. The book is not at hand: the ratings
#: are typed in from J. M. Girard's transcription in the R package ``agreement``
#: (data-raw/gwet4_table3-5.R, "Gwet (2014) page 80"); reproducing the printed κ (and irrCAC
#: agreeing) is the check of that transcription.
T35_R1 = [*"ABCCBBAABB", None]
T35_R2 = [None, *"CCCB", None, *"ABBBC"]

#: Gwet (2014), Example 3.3, Table 3.9 (p. 90): 16 subjects × 4 raters (L, K, W, B), interval
#: scores 0.5-2.5, 11 ratings missing. Gwet prints weighted Fleiss κ = 0.5107 (quadratic).
#: Typed in the same way (``agreement``'s data-raw/gwet4_table3-9.R, "page 90").
T39 = [
    [1.0, 1.5, 1.0, nan], [2.0, 2.0, 2.0, 2.0], [0.5, 1.0, 1.5, 1.5], [1.0, 1.0, 1.0, 1.0],
    [1.0, 1.0, 1.0, 1.5], [nan, 1.0, 2.5, nan], [2.5, 2.5, 2.5, 2.5], [1.0, 1.0, nan, 1.0],
    [nan, 1.0, 2.0, 1.0], [1.0, 1.0, 0.5, 1.0], [1.5, 1.5, 1.5, 1.5], [1.0, 1.5, 1.0, nan],
    [1.0, 1.0, 1.5, nan], [1.0, 2.0, 2.5, 2.0], [nan, 1.0, 1.5, 1.0], [0.5, 0.5, 0.5, 0.5],
]  # fmt: skip
