"""Intraclass correlations (Shrout & Fleiss 1979) with McGraw & Wong (1996) intervals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._base import WideLike, as_float_matrix
from ._dist import f_ppf, f_sf

__all__ = ["icc"]

ICC_FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
ICC_COLUMNS = ("icc", "f", "df1", "df2", "pval", "ci_low", "ci_high")

KEBIJAKAN = {
    "listwise": (
        "listwise: hanya subjek yang dinilai oleh semua penilai (kolom) yang dipakai, "
        "seperti pingouin.intraclass_corr(nan_policy='omit')."
    ),
    "unbalanced": (
        "unbalanced: ICC(1) dari ANOVA satu arah dengan ukuran kelompok tak sama "
        "(koreksi n0), semua subjek dengan >= 2 nilai dipakai; ICC(2)/ICC(3) tidak "
        "didefinisikan untuk desain ini (kosong, –)."
    ),
}


def _frame(rows: dict[str, list[float]]) -> pd.DataFrame:
    out = pd.DataFrame.from_dict(rows, orient="index", columns=list(ICC_COLUMNS))
    out.index.name = "bentuk"
    return out


def _ci_one_way(f_obs: float, df1: float, df2: float, k: float, alpha: float):
    fl = f_obs / f_ppf(1 - alpha / 2, df1, df2)
    fu = f_obs * f_ppf(1 - alpha / 2, df2, df1)
    return fl, fu, (fl - 1) / (fl + (k - 1)), (fu - 1) / (fu + (k - 1))


def _icc_balanced(x: np.ndarray, alpha: float) -> dict[str, list[float]]:
    n, k = x.shape
    grand = x.mean()
    row_m = x.mean(axis=1)
    col_m = x.mean(axis=0)
    ss_r = k * np.sum((row_m - grand) ** 2)
    ss_c = n * np.sum((col_m - grand) ** 2)
    ss_t = np.sum((x - grand) ** 2)
    ss_e = ss_t - ss_r - ss_c
    df1, df_w, df_e = n - 1, n * (k - 1), (n - 1) * (k - 1)
    msb, msj = ss_r / df1, ss_c / (k - 1)
    mse, msw = ss_e / df_e, (ss_c + ss_e) / df_w

    with np.errstate(divide="ignore", invalid="ignore"):
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n)
        icc3 = (msb - mse) / (msb + (k - 1) * mse)
        icc1k = (msb - msw) / msb
        icc2k = (msb - mse) / (msb + (msj - mse) / n)
        icc3k = (msb - mse) / msb
        f1 = msb / msw
        f3 = msb / mse
        p1 = f_sf(f1, df1, df_w)
        p3 = f_sf(f3, df1, df_e)
        # Cases 1 and 3 (McGraw & Wong 1996, Table 7, cases 1 and 3)
        f1l, f1u, l1, u1 = _ci_one_way(f1, df1, df_w, k, alpha)
        f3l, f3u, l3, u3 = _ci_one_way(f3, df1, df_e, k, alpha)
        # Case 2 (absolute agreement, random raters): Satterthwaite df (McGraw & Wong 1996)
        fj = msj / mse
        vn = df_e * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        vd = df1 * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        v = vn / vd
        f2u = f_ppf(1 - alpha / 2, df1, v)
        f2l = f_ppf(1 - alpha / 2, v, df1)
        l2 = n * (msb - f2u * mse) / (f2u * (k * msj + (k * n - k - n) * mse) + n * msb)
        u2 = n * (f2l * msb - mse) / (k * msj + (k * n - k - n) * mse + n * f2l * msb)
        l2k = l2 * k / (1 + l2 * (k - 1))
        u2k = u2 * k / (1 + u2 * (k - 1))
    return {
        "ICC1": [icc1, f1, df1, df_w, p1, l1, u1],
        "ICC2": [icc2, f3, df1, df_e, p3, l2, u2],
        "ICC3": [icc3, f3, df1, df_e, p3, l3, u3],
        "ICC1k": [icc1k, f1, df1, df_w, p1, 1 - 1 / f1l, 1 - 1 / f1u],
        "ICC2k": [icc2k, f3, df1, df_e, p3, l2k, u2k],
        "ICC3k": [icc3k, f3, df1, df_e, p3, 1 - 1 / f3l, 1 - 1 / f3u],
    }


def oneway_unbalanced(x: np.ndarray) -> tuple[float, float, float, int, int, float]:
    """One-way random-effects ANOVA on a wide table with missing values.

    Returns ``(msb, msw, n0, a, n_total, n_raters)`` over subjects with >= 2 values, where
    ``n0 = (N - sum m_i^2 / N) / (a - 1)`` is the effective group size (Searle 1971).
    """
    mask = ~np.isnan(x)
    m = mask.sum(axis=1)
    keep = m >= 2
    x, mask, m = x[keep], mask[keep], m[keep].astype(np.float64)
    a = int(x.shape[0])
    n_tot = float(m.sum())
    if a < 2:
        return math.nan, math.nan, math.nan, a, int(n_tot), 0
    xz = np.where(mask, x, 0.0)
    s1 = xz.sum(axis=1)
    means = s1 / m
    grand = s1.sum() / n_tot
    ss_b = np.sum(m * (means - grand) ** 2)
    ss_w = np.sum(np.where(mask, x - means[:, None], 0.0) ** 2)
    msb = ss_b / (a - 1)
    msw = ss_w / (n_tot - a) if n_tot > a else math.nan
    n0 = (n_tot - np.sum(m**2) / n_tot) / (a - 1)
    return float(msb), float(msw), float(n0), a, int(n_tot), int(mask.any(axis=0).sum())


def icc(wide: WideLike, *, missing: str = "listwise", ci: float = 0.95) -> pd.DataFrame:
    """Intraclass correlation coefficients in the six Shrout & Fleiss (1979) forms.

    Parameters
    ----------
    wide : DataFrame or array, shape (n_subjects, n_raters)
        Ratings; rows are subjects (ratees), columns raters, NaN missing.
    missing : {"listwise", "unbalanced"}, default "listwise"
        Missing-data policy, stated in ``result.attrs["kebijakan_data_hilang"]``.

        * ``"listwise"`` keeps only subjects rated by every rater (as pingouin does) and
          computes all six forms from the two-way ANOVA.
        * ``"unbalanced"`` is for designs where each subject has its own raters (360
          feedback: raters nested in ratees; use :func:`to_wide` with ``positional=True``).
          ICC(1) comes from the one-way ANOVA with unequal group sizes over all subjects
          with >= 2 ratings, with the effective group size ``n0`` (Searle 1971) in place of
          k; ICC(1,k) is then the reliability of a mean of ``n0`` raters. ICC(2)/ICC(3) rows
          are NaN because rater effects are not estimable when raters are nested. With
          complete data both policies give the same ICC(1).
    ci : float, default 0.95
        Confidence level of ``ci_low``/``ci_high``.

    Returns
    -------
    DataFrame
        Index ``ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k`` (ICC1 = one-way random, single
        rater; ICC2 = two-way random, absolute agreement; ICC3 = two-way mixed, consistency;
        ``k`` = mean of the k raters), columns ``icc, f, df1, df2, pval, ci_low, ci_high``.
        ``attrs`` holds ``kebijakan_data_hilang``, ``n_subjek``, ``n_penilai``,
        ``n_subjek_dibuang`` and ``k`` (``n0`` under ``"unbalanced"``).

    Notes
    -----
    Mean squares: between subjects ``MSR``, between raters ``MSC``, residual ``MSE`` and
    within subjects ``MSW``. F tests and confidence intervals follow McGraw & Wong (1996),
    as implemented in pingouin 0.7 (the case-2 interval uses the Satterthwaite df).
    Values agree with ``pingouin.intraclass_corr`` to ~1e-12 on complete data.

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
    reliability. *Psychological Bulletin*, 86(2), 420-428.
    McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass
    correlation coefficients. *Psychological Methods*, 1(1), 30-46.
    Searle, S. R. (1971). *Linear Models*. Wiley (n0 for unbalanced one-way designs).
    Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass
    correlation coefficients for reliability research. *J. Chiropr. Med.*, 15(2), 155-163.

    Examples
    --------
    Shrout & Fleiss (1979), Table 2: six targets rated by four judges.

    >>> import numpy as np
    >>> x = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...               [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]])
    >>> icc(x)["icc"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    if missing not in KEBIJAKAN:
        raise ParameterError(
            f"missing={missing!r} tidak dikenal; pilih 'listwise' atau 'unbalanced'."
        )
    if not 0 < ci < 1:
        raise ParameterError(f"ci={ci!r} harus di antara 0 dan 1, misalnya 0.95.")
    x = as_float_matrix(wide)
    alpha = 1 - ci
    nan_row = [math.nan] * len(ICC_COLUMNS)
    if missing == "listwise":
        complete = ~np.isnan(x).any(axis=1)
        xc = x[complete] if not complete.all() else x
        n, k = xc.shape
        if n >= 2 and k >= 2:
            rows = _icc_balanced(xc, alpha)
        else:
            rows = {form: list(nan_row) for form in ICC_FORMS}
        out = _frame(rows)
        out.attrs.update(
            kebijakan_data_hilang=KEBIJAKAN["listwise"],
            n_subjek=int(n),
            n_penilai=int(k),
            n_subjek_dibuang=int(x.shape[0] - n),
            k=float(k),
        )
        return out

    msb, msw, n0, a, n_tot, n_rat = oneway_unbalanced(x)
    msb, msw = np.float64(msb), np.float64(msw)  # 0/0 gives nan (not ZeroDivisionError)
    rows = {form: list(nan_row) for form in ICC_FORMS}
    if a >= 2 and np.isfinite(msw) and n0 > 0:
        with np.errstate(divide="ignore", invalid="ignore"):
            icc1 = (msb - msw) / (msb + (n0 - 1) * msw)
            icc1k = (msb - msw) / msb
            f1 = msb / msw
            df1, df2 = a - 1, n_tot - a
            p1 = f_sf(f1, df1, df2)
            f1l, f1u, l1, u1 = _ci_one_way(f1, df1, df2, n0, alpha)
            k_low, k_high = 1 - 1 / np.float64(f1l), 1 - 1 / np.float64(f1u)
        rows["ICC1"] = [icc1, f1, df1, df2, p1, l1, u1]
        rows["ICC1k"] = [icc1k, f1, df1, df2, p1, k_low, k_high]
    out = _frame(rows)
    out.attrs.update(
        kebijakan_data_hilang=KEBIJAKAN["unbalanced"],
        n_subjek=int(a),
        n_penilai=int(n_rat),
        n_subjek_dibuang=int(x.shape[0] - a),
        k=float(n0),
    )
    return out
