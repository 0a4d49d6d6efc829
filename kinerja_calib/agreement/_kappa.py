"""Chance-corrected agreement for categories: Fleiss' kappa, Cohen's kappa, Gwet's AC1/AC2."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._base import Estimate, WideLike, counts_table, encode
from ._dist import norm_ppf, norm_sf, t_ppf, t_sf

__all__ = ["cohen_kappa", "fleiss_kappa", "gwet_ac", "weight_matrix"]


def weight_matrix(categories: np.ndarray | list, weights: str | np.ndarray | None) -> np.ndarray:
    """Agreement weights ``w[k, l]`` in [0, 1] (1 on the diagonal).

    ``None`` = identity (unweighted); ``"linear"`` = ``1 - |x_k - x_l| / (max - min)``;
    ``"quadratic"`` = ``1 - (x_k - x_l)^2 / (max - min)^2`` on the category *values* (Gwet
    2014, §3; irrCAC), or a custom q × q matrix.
    """
    cats = np.asarray(categories)
    q = len(cats)
    if weights is None or (isinstance(weights, str) and weights == "unweighted"):
        return np.eye(q)
    if isinstance(weights, str):
        if weights not in ("linear", "quadratic"):
            raise ParameterError(
                f"weights={weights!r} tidak dikenal; pilih None, 'linear' atau 'quadratic'."
            )
        try:
            x = cats.astype(np.float64)
        except (TypeError, ValueError):
            x = np.arange(q, dtype=np.float64)
        span = x.max() - x.min() if q > 1 else 1.0
        d = np.abs(x[:, None] - x[None, :]) / (span if span > 0 else 1.0)
        return 1.0 - (d if weights == "linear" else d**2)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (q, q):
        raise ParameterError(f"Matriks bobot harus berukuran {q}×{q} (jumlah kategori).")
    return w


def _t_interval(value: float, se: float, n: int, ci: float) -> tuple[float, float, float]:
    if n < 2 or not np.isfinite(se) or se == 0:
        return math.nan, math.nan, math.nan
    t = t_ppf(1 - (1 - ci) / 2, n - 1)
    pval = 2 * t_sf(abs(value / se), n - 1)
    return value - t * se, min(1.0, value + t * se), float(pval)


def _chance_corrected(
    wide: WideLike,
    categories,
    weights,
    kind: str,
    ci: float,
) -> Estimate:
    rt, cats, rater_used = counts_table(wide, categories)  # q × n, category-major
    q = len(cats)
    ri = rt.sum(axis=0)
    rated = ri >= 1
    if not rated.all():
        rt, ri = rt[:, rated], ri[rated]
    n = int(rt.shape[1])
    two = ri >= 2
    n2 = int(two.sum())
    n_rat = int(rater_used.sum()) if n else 0
    if n2 == 0 or q == 0:
        return Estimate(math.nan, n_subjek=n2, n_penilai=n_rat, metode=kind)
    w = weight_matrix(cats, weights)
    # Σ_k r_ik (r*_ik - 1) with r*_ik = Σ_l w_kl r_il; loops run over the q categories only
    if weights is None:
        agree = np.einsum("kn,kn->n", rt, rt) - ri
    else:
        rw = np.zeros_like(rt)
        for k in range(q):
            for m in range(q):
                if w[k, m] != 0:
                    rw[k] += w[k, m] * rt[m]
        agree = np.einsum("kn,kn->n", rt, rw) - ri
    inv_ri = 1.0 / ri
    den = np.where(two, ri * (ri - 1), 1.0)
    pa_i = np.where(two, agree / den, 0.0)
    pa = pa_i.sum() / n2
    pi = (rt @ inv_ri) / n
    if kind == "fleiss":
        pe = float(pi @ w @ pi)
        piw = (w @ pi + w.T @ pi) / 2
    else:
        tw = w.sum()
        scale = tw / (q * (q - 1)) if q > 1 else 0.0
        pe = float(scale * np.sum(pi * (1 - pi)))
        piw = scale * (1 - pi)
    pe_i = (piw @ rt) * inv_ri
    with np.errstate(divide="ignore", invalid="ignore"):
        coef = (pa - pe) / (1 - pe)
        # Gwet (2014) linearised variance, conditional on the raters, infinite population
        coef_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
        coef_ix = coef_i - 2 * (1 - coef) * (pe_i - pe) / (1 - pe)
        var = np.sum((coef_ix - coef) ** 2) / (n * (n - 1)) if n >= 2 else math.nan
    se = math.sqrt(var) if np.isfinite(var) else math.nan
    lo, hi, pval = _t_interval(float(coef), se, n, ci)
    extra = {}
    if kind == "fleiss" and weights is None and ri.min() == ri.max() and ri[0] >= 2:
        # Fleiss, Nee & Landis (1979) standard error under H0: kappa = 0 (equal raters only)
        m = ri[0]
        pq = pi * (1 - pi)
        spq = pq.sum()
        se0 = (
            math.sqrt(2.0 / (n * m * (m - 1)))
            * math.sqrt(max(spq**2 - np.sum(pq * (1 - 2 * pi)), 0.0))
            / spq
        )
        extra = {"se0": se0, "z": float(coef) / se0 if se0 > 0 else math.nan}
    wname = (
        "tanpa bobot" if weights is None else (weights if isinstance(weights, str) else "kustom")
    )
    name = {"fleiss": "Fleiss kappa", "gwet": "Gwet AC1" if weights is None else "Gwet AC2"}[kind]
    return Estimate(
        float(coef),
        se=se,
        ci_low=lo,
        ci_high=hi,
        pval=pval,
        n_subjek=n,
        n_penilai=n_rat,
        metode=(
            f"{name} ({wname}); data hilang menurut Gwet (2014): pa dari subjek dengan >= 2 "
            "nilai, peluang kategori dari semua subjek yang dinilai"
        ),
        detail={
            "pa": float(pa),
            "pe": float(pe),
            "n_subjek_berpasangan": n2,
            "kategori": cats,
            **extra,
        },
    )


def fleiss_kappa(
    wide: WideLike,
    *,
    categories: list | tuple | np.ndarray | None = None,
    weights: str | np.ndarray | None = None,
    ci: float = 0.95,
) -> Estimate:
    """Fleiss' kappa for many raters: unequal raters per subject, optionally weighted (Gwet).

    Parameters
    ----------
    wide : DataFrame or array, shape (n_subjects, n_raters)
        Category ratings (numbers or labels), NaN/None missing. Which rater rated which
        subject does not matter (Fleiss' design: different raters per subject is fine).
    categories : sequence, optional
        All categories available to the raters (default: those observed). Linear and
        quadratic weights are computed on these *values* (interval scores such as 0.5-2.5
        work as they are); the span of the scale cancels in κ, so unused end categories do
        not change it (they do change Gwet's AC2).
    weights : None, "linear", "quadratic" or (q, q) array
        ``None`` gives Fleiss' (1971) κ; weights give Gwet's (2014) generalised weighted κ
        for ordinal/interval scores (see :func:`weight_matrix`).
    ci : float, default 0.95
        Level of the t-based confidence interval (df = n - 1, as irrCAC).

    Returns
    -------
    Estimate
        κ with ``se`` (Gwet 2014 linearised variance, valid with missing ratings),
        t-based ``ci_low``/``ci_high`` and ``pval``, ``detail["pa"]``, ``detail["pe"]``; when
        every subject has the same number of raters also ``detail["se0"]`` and ``detail["z"]``,
        the Fleiss, Nee & Landis (1979) standard error and z under H0: κ = 0 (as R irr;
        unweighted only).

    Notes
    -----
    With ``r_ik`` raters putting subject i in category k, ``r_i = Σ_k r_ik`` and
    ``r*_ik = Σ_l w_kl r_il``: ``pa`` averages ``Σ_k r_ik (r*_ik - 1) / (r_i (r_i - 1))`` over
    the subjects with ``r_i >= 2``; ``π_k`` averages ``r_ik / r_i`` over all rated subjects;
    ``pe = Σ_kl w_kl π_k π_l`` (Gwet 2014, ch. 5-6). Unweighted, ``w`` is the identity and
    ``pe = Σ π_k²``.
    On complete data this is exactly Fleiss (1971) and equals
    ``statsmodels.stats.inter_rater.fleiss_kappa``; statsmodels' ``aggregate_raters`` would
    count NaN as an extra category, so do not compare on data with gaps.

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    *Psychological Bulletin*, 76(5), 378-382.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 3 (weighted
    Fleiss κ with missing ratings, Example 3.3) and ch. 5-6. Advanced Analytics.

    Examples
    --------
    Fleiss (1971) psychiatric diagnoses: 30 patients, 6 raters, 5 categories → κ = 0.430.
    Gwet's 4 raters × 12 subjects with missing ratings (irrCAC ``cac.raw4raters``):
    κ = 0.76117; with quadratic weights 0.86494 (irrCAC 0.4.4 ``CAC.fleiss()``).

    Gwet (2014), Example 3.3 (Table 3.9, p. 90): 16 subjects, 4 raters, interval scores
    0.5-2.5, 11 ratings missing; the book prints weighted κ = 0.5107 (quadratic):

    >>> nan = float("nan")
    >>> t39 = [[1, 1.5, 1, nan], [2, 2, 2, 2], [0.5, 1, 1.5, 1.5], [1, 1, 1, 1],
    ...        [1, 1, 1, 1.5], [nan, 1, 2.5, nan], [2.5, 2.5, 2.5, 2.5], [1, 1, nan, 1],
    ...        [nan, 1, 2, 1], [1, 1, 0.5, 1], [1.5, 1.5, 1.5, 1.5], [1, 1.5, 1, nan],
    ...        [1, 1, 1.5, nan], [1, 2, 2.5, 2], [nan, 1, 1.5, 1], [0.5, 0.5, 0.5, 0.5]]
    >>> round(fleiss_kappa(t39, weights="quadratic"), 4)
    0.5107
    """
    return _chance_corrected(wide, categories, weights, "fleiss", ci)


def gwet_ac(
    wide: WideLike,
    weights: str | np.ndarray | None = None,
    categories: list | tuple | np.ndarray | None = None,
    *,
    ci: float = 0.95,
) -> Estimate:
    """Gwet's AC1 (unweighted) or AC2 (weighted) agreement coefficient, missing ratings allowed.

    Parameters
    ----------
    wide : DataFrame or array, shape (n_subjects, n_raters)
        Category ratings, NaN missing.
    weights : None, "linear", "quadratic" or (q, q) array
        ``None`` gives AC1; weights give AC2 (see :func:`weight_matrix`).
    categories : sequence, optional
        All categories of the scale (default: those observed). AC1/AC2 depend on the number
        of categories q, so pass the full scale (e.g. ``[1, 2, 3, 4, 5]``) when some
        categories were never used.
    ci : float, default 0.95

    Returns
    -------
    Estimate
        AC with ``se`` (Gwet 2014 variance, conditional on raters, no finite-population
        correction), t-based ``ci_low``/``ci_high`` and ``pval``, ``detail["pa"]``,
        ``detail["pe"]``.

    Notes
    -----
    ``pe = T_w / (q (q - 1)) Σ_k π_k (1 - π_k)`` with ``T_w`` the sum of all weights; ``pa``
    and ``π_k`` handle missing ratings as in :func:`fleiss_kappa` (Gwet 2014).

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence
    of high agreement. *Br. J. Math. Stat. Psychol.*, 61, 29-48.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.). Advanced Analytics.

    Examples
    --------
    Gwet's 4 raters × 12 subjects with missing ratings (irrCAC ``cac.raw4raters``):
    AC1 = 0.77544 (pa = 0.81818, pe = 0.19032); quadratic AC2 = 0.914.
    """
    return _chance_corrected(wide, categories, weights, "gwet", ci)


def _gwet_two_rater_variance(
    codes: np.ndarray, w: np.ndarray, p_rows: np.ndarray, kappa: float, pe: float
) -> float:
    """Gwet (2014) linearised variance of Cohen's κ with missing ratings (r = 2).

    ``codes`` is n × 2 (``-1`` missing, every row rated at least once), ``p_rows`` the 2 × q
    classification proportions of each rater over all of that rater's ratings. This is the
    two-rater case of Gwet's Conger-κ variance (irrCAC ``conger.kappa.raw``), conditional on
    the raters, no finite-population correction.
    """
    n, q = codes.shape[0], w.shape[0]
    rated = codes >= 0
    both = rated.all(axis=1)
    n2 = int(both.sum())
    ng = rated.sum(axis=0).astype(np.float64)  # subjects each rater rated
    pa_i = np.zeros(n)
    pa_i[both] = w[codes[both, 0], codes[both, 1]]
    pe_i = np.zeros(n)
    for g in (0, 1):
        onehot = np.zeros((n, q))
        onehot[rated[:, g], codes[rated[:, g], g]] = 1.0
        centred = onehot - (rated[:, g] - ng[g] / n)[:, None] * p_rows[g][None, :]
        lam = (n / ng[g]) * (centred @ w.T)  # λ_igk = Σ_l w_kl (δ_igl - (ε_ig - n_g/n) p_gl)
        pe_i += lam @ p_rows[1 - g]
    pe_i /= 2.0
    kappa_i = (n / n2) * (pa_i - pe * both) / (1 - pe)
    kappa_ix = kappa_i - 2 * (1 - kappa) * (pe_i - pe) / (1 - pe)
    return float(np.sum((kappa_ix - kappa) ** 2) / (n * (n - 1))) if n >= 2 else math.nan


def cohen_kappa(
    rater_a,
    rater_b,
    weights: str | np.ndarray | None = None,
    *,
    categories: list | tuple | np.ndarray | None = None,
    missing: str = "gwet",
    ci: float = 0.95,
) -> Estimate:
    """Cohen's kappa for two raters, unweighted or weighted (Cohen 1968), missing ratings allowed.

    Parameters
    ----------
    rater_a, rater_b : array-like of equal length
        The two raters' categories for the same subjects; NaN/None missing.
    weights : None, "linear", "quadratic" or (q, q) agreement-weight array
        Linear/quadratic weights are computed on the category values (see
        :func:`weight_matrix`); for consecutive integer categories this is the usual
        Cicchetti–Allison (linear) and Fleiss–Cohen (quadratic) weighting.
    categories : sequence, optional
        Categories of the scale (default: the union of the observed values).
    missing : {"gwet", "complete"}, default "gwet"
        ``"gwet"`` (Gwet 2014, ch. 3): observed agreement ``po`` over the subjects rated by
        both raters; each rater's marginal proportions from *all* of that rater's ratings,
        so ``pe = Σ_kl w_kl p_A,k p_B,l`` uses every rating given. ``"complete"``: drop every
        subject a rater skipped (pairwise complete cases, the textbook contingency table).
        Without missing ratings the two are identical.
    ci : float, default 0.95
        Level of the interval.

    Returns
    -------
    Estimate
        κ with ``detail`` holding ``po``, ``pe``, ``se0``, the contingency ``tabel`` of the
        subjects rated by both, ``kategori`` and ``n_subjek_berpasangan``. Without gaps (or
        with ``missing="complete"``): asymptotic ``se`` (Fleiss, Cohen & Everitt 1969), normal
        interval, ``pval`` from the null standard error ``se0``. With gaps and
        ``missing="gwet"``: Gwet's (2014) linearised ``se`` (the two-rater case of his Conger
        κ variance, as irrCAC), t interval with n - 1 df and t-based ``pval``; ``se0`` NaN.

    Notes
    -----
    Why ``"gwet"`` is the default: in appraisal data a rater who skips a subject (a rekan who
    did not know the pegawai's work) is common, and dropping the other rater's rating of that
    subject throws away information about how that rater uses the scale. Gwet's estimator
    keeps it for chance agreement while agreement itself can only be observed where both
    rated; it is the same rule :func:`fleiss_kappa` and :func:`gwet_ac` already follow, and it
    equals irrCAC's Conger κ on two raters (Conger's κ is Cohen's κ when r = 2).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educ. Psychol. Meas.*,
    20, 37-46. Cohen, J. (1968). Weighted kappa. *Psychological Bulletin*, 70(4), 213-220.
    Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of
    kappa and weighted kappa. *Psychological Bulletin*, 72(5), 323-327.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability* (4th ed.), ch. 3 (two raters,
    missing ratings) and ch. 5. Advanced Analytics.

    Examples
    --------
    >>> a = [1, 1, 2, 2, 3, 3, 3, 1]
    >>> b = [1, 2, 2, 2, 3, 3, 1, 1]
    >>> round(cohen_kappa(a, b), 4)
    0.6279

    Gwet's two raters, 12 subjects, categories A < B < C, two ratings missing (irrCAC
    ``cac.raw2raters``, Gwet 2021, 5th ed.), quadratic weights:

    >>> r1 = list("AAABBCCCCB") + [None, "A"]
    >>> r2 = list("AAABBCCA") + [None] + list("BCB")
    >>> round(cohen_kappa(r1, r2, "quadratic"), 4)
    0.6333
    >>> round(cohen_kappa(r1, r2, "quadratic", missing="complete"), 4)
    0.6032

    Gwet (2014), Example 3.2 (Table 3.5, p. 80): 11 subjects, rater 2 skipped subjects 1 and
    6, rater 1 subject 11; the book prints κ = 0.7772 (quadratic). Complete cases give 0.75:

    >>> r1 = list("ABCCBBAABB") + [None]
    >>> r2 = [None] + list("CCCB") + [None] + list("ABBBC")
    >>> round(cohen_kappa(r1, r2, "quadratic"), 4)
    0.7772
    >>> round(cohen_kappa(r1, r2, "quadratic", missing="complete"), 4)
    0.75
    """
    if missing not in ("gwet", "complete"):
        raise ParameterError(f"missing={missing!r} tidak dikenal; pilih 'gwet' atau 'complete'.")
    try:
        both = np.column_stack(
            [
                np.asarray(rater_a, dtype=np.float64).ravel(),
                np.asarray(rater_b, dtype=np.float64).ravel(),
            ]
        )
    except (TypeError, ValueError):
        a = np.asarray(rater_a, dtype=object).ravel()
        b = np.asarray(rater_b, dtype=object).ravel()
        if len(a) != len(b):
            raise ParameterError(
                f"rater_a dan rater_b harus sama panjang (subjek yang sama); {len(a)} ≠ {len(b)}."
            ) from None
        both = pd.DataFrame({"a": a, "b": b})
    codes, cats = encode(both, categories)
    rated = codes >= 0
    codes = codes[rated.any(axis=1)]
    ok = (codes >= 0).all(axis=1)
    gaps = missing == "gwet" and not ok.all()
    pairs = codes[ok]
    q = len(cats)
    n2 = int(pairs.shape[0])
    if n2 == 0 or q == 0:
        return Estimate(math.nan, n_subjek=n2, n_penilai=2, metode="Cohen kappa")
    table = np.bincount(pairs[:, 0] * q + pairs[:, 1], minlength=q * q).reshape(q, q)
    p = table / n2
    w = weight_matrix(cats, weights)
    if gaps:
        p_rows = np.vstack(
            [np.bincount(codes[codes[:, g] >= 0, g], minlength=q) for g in (0, 1)]
        ).astype(np.float64)
        p_rows /= p_rows.sum(axis=1, keepdims=True)
        row, col = p_rows
    else:
        row, col = p.sum(axis=1), p.sum(axis=0)
    po = float(np.sum(w * p))
    pe = float(row @ w @ col)
    wname = (
        "tanpa bobot" if weights is None else (weights if isinstance(weights, str) else "kustom")
    )
    if pe >= 1.0:  # one category used by both raters: chance agreement is total, κ undefined
        return Estimate(
            math.nan,
            n_subjek=int(codes.shape[0]) if gaps else n2,
            n_penilai=2,
            metode=f"Cohen kappa ({wname}); tak terdefinisi (semua nilai satu kategori)",
            detail={"po": po, "pe": pe, "tabel": table, "kategori": cats},
        )
    if gaps:
        n = int(codes.shape[0])
        kappa = (po - pe) / (1 - pe)
        var = _gwet_two_rater_variance(codes, w, p_rows, kappa, pe)
        se = math.sqrt(var) if np.isfinite(var) else math.nan
        lo, hi, pval = _t_interval(float(kappa), se, n, ci)
        return Estimate(
            float(kappa),
            se=se,
            ci_low=lo,
            ci_high=hi,
            pval=pval,
            n_subjek=n,
            n_penilai=2,
            metode=(
                f"Cohen kappa ({wname}); data hilang menurut Gwet (2014): po dari subjek yang "
                "dinilai kedua penilai, proporsi kategori tiap penilai dari semua nilainya"
            ),
            detail={
                "po": po,
                "pe": pe,
                "se0": math.nan,
                "tabel": table,
                "kategori": cats,
                "n_subjek_berpasangan": n2,
            },
        )
    n = n2
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (po - pe) / (1 - pe)
        wi = w @ col  # w̄_i. = Σ_j p_.j w_ij
        wj = row @ w  # w̄_.j = Σ_i p_i. w_ij
        term = (w * (1 - pe) - (wi[:, None] + wj[None, :]) * (1 - po)) ** 2
        var = (np.sum(p * term) - (po * pe - 2 * pe + po) ** 2) / (n * (1 - pe) ** 4)
        var0 = (np.sum(np.outer(row, col) * (w - (wi[:, None] + wj[None, :])) ** 2) - pe**2) / (
            n * (1 - pe) ** 2
        )
    se = math.sqrt(var) if var >= 0 else math.nan
    se0 = math.sqrt(var0) if var0 >= 0 else math.nan
    z = norm_ppf(1 - (1 - ci) / 2)
    pval = float(2 * norm_sf(abs(kappa / se0))) if se0 and np.isfinite(se0) else math.nan
    return Estimate(
        float(kappa),
        se=se,
        ci_low=kappa - z * se,
        ci_high=kappa + z * se,
        pval=pval,
        n_subjek=n,
        n_penilai=2,
        metode=f"Cohen kappa ({wname}); hanya subjek yang dinilai kedua penilai",
        detail={
            "po": po,
            "pe": pe,
            "se0": se0,
            "tabel": table,
            "kategori": cats,
            "n_subjek_berpasangan": n2,
        },
    )
