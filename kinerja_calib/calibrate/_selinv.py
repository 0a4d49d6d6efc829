"""Selected inversion of a sparse symmetric positive-definite matrix (Takahashi recurrences).

The calibration needs parts of inverses it never forms: the diagonal of the ratee Schur
complement's inverse (the prediction-error variance, :mod:`._interval`) and traces of blocks of
the inverse of the mixed-model equations (the REML gradient, :mod:`._reml`). Both are sums over
the entries of the inverse on the sparsity pattern of the matrix, and a sparse ``LDLᵀ`` factor
gives exactly those entries, at the cost of the factorisation: SuperLU with the minimum-degree
order on ``S + Sᵀ``, diagonal pivots and symmetric mode gives ``P S Pᵀ = L D Lᵀ``, and
Takahashi's recurrences (Takahashi, Fagan & Chen 1973; Erisman & Tinney 1975) give ``Z = S⁻¹`` on
the pattern of ``L`` from the last column back:

.. math:: Z_{I,j} = -Z_{I,I}\\,l_{I,j}, \\qquad Z_{jj} = 1/d_j - l_{I,j}^\\top Z_{I,j},

with ``I`` the rows below ``j`` in column ``j`` of ``L``. ``I`` holds ancestors of ``j`` in the
elimination tree and is a clique of the filled graph, so every ``Z_{I,I}`` needed is already on
the pattern; the columns of one tree level are independent and are done in one vectorised step
each (a loop over levels, not over columns). The work is ``Σ_j k_j²`` (``k_j = |I|``).

References
----------
.. [1] Takahashi, K., Fagan, J., & Chen, M.-S. (1973). Formation of a sparse bus impedance
   matrix and its application to short circuit study. *8th PICA Conference*, 63–69.
.. [2] Erisman, A. M., & Tinney, W. F. (1975). On computing certain elements of the inverse of
   a sparse matrix. *Communications of the ACM*, 18(3), 177–179.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu

__all__ = ["InversTerpilih", "TerlaluMahal"]

_BLOK_PASANGAN = 1_000_000  # entry pairs per block of the recurrences (memory)
_MAKS_TINGKAT = 5_000  # elimination-tree levels (one vectorised step each) before giving up


class TerlaluMahal(Exception):
    """The selected inversion would cost more than the caller's budget."""


class _PolaTerbuka(np.linalg.LinAlgError):
    """The factor's stored pattern is not closed under the recurrences (entries that
    cancelled to 0 were left out): :meth:`InversTerpilih._tutup_pola` repairs it."""


class InversTerpilih:
    """The sparse factor of ``S`` and, on demand, ``S⁻¹`` on the factor's pattern.

    Parameters
    ----------
    S : sparse matrix
        Symmetric positive definite.
    batas_kerja : float
        Raise :class:`TerlaluMahal` (after the factorisation, before the inversion) when the
        work ``Σ_j k_j²`` is larger, or the elimination tree has more than ``_MAKS_TINGKAT``
        levels.

    Raises
    ------
    numpy.linalg.LinAlgError
        When the factor needed off-diagonal pivots or a non-positive pivot (``S`` not positive
        definite in floating point); SuperLU's ``RuntimeError`` for an exactly singular ``S``.
    """

    def __init__(self, S, batas_kerja: float = np.inf) -> None:
        S = sparse.csc_matrix(S)
        self.n = S.shape[0]
        self._lu = splu(
            S, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True}
        )
        self.d = self._lu.U.diagonal()
        if not np.array_equal(self._lu.perm_r, self._lu.perm_c) or not (self.d > 0).all():
            raise np.linalg.LinAlgError("faktor tidak simetris positif")
        self.perm = self._lu.perm_c  # original index i is row perm[i] of the factor
        L = sparse.tril(self._lu.L, k=-1, format="csc")
        L.sort_indices()
        self._pola(L)
        if self.kerja > batas_kerja or self.tingkat > _MAKS_TINGKAT:
            raise TerlaluMahal
        self._z = None

    def _pola(self, L: sparse.csc_matrix) -> None:
        """Take ``L`` (strictly lower, sorted) as the factor: its pattern, elimination tree,
        levels, work and lookup keys."""
        n = self.n
        self._ptr, self._row, self._val = L.indptr, L.indices, L.data
        self._k = np.diff(self._ptr)
        parent = np.full(n, -1)  # elimination tree: the first row below the diagonal
        parent[self._k > 0] = self._row[self._ptr[:-1][self._k > 0]]
        self._depth = _kedalaman(parent)
        self.tingkat = int(self._depth.max()) + 1 if n else 0
        self.kerja = float(np.sum(self._k.astype(np.float64) ** 2))
        self._kunci = np.repeat(np.arange(n, dtype=np.int64), self._k) * n + self._row

    def _tutup_pola(self) -> None:
        """Close the factor's pattern under the recurrences with explicit zeros.

        SuperLU leaves out entries of ``L`` that are 0 (in the whole mixed-model matrix a
        rank relation, such as the intercept = the sum of the ratee columns, can make a fill
        entry vanish), while the recurrences need ``Z`` on every pair of rows that share a
        column. ``L D Lᵀ`` is unchanged by stored zeros, and Takahashi's equations hold on
        any closed pattern that holds ``L``'s entries, so the missing pairs are added as 0
        until none is missing (each round can open new pairs; a few rounds at most).
        """
        n = self.n
        for _ in range(self.n):  # rounds, not columns: stops when the pattern is closed
            hilang = []
            for J in self._blok(np.flatnonzero(self._k > 1)):
                r1, r2 = self._pasangan(J)[:2]
                _, ada = self._cari(r1, r2)
                hilang.append(r1[~ada].astype(np.int64) * n + r2[~ada])
            baru = np.unique(np.concatenate(hilang)) if hilang else np.empty(0, np.int64)
            if not len(baru):
                return
            kunci = np.concatenate([self._kunci, baru])
            nilai = np.concatenate([self._val, np.zeros(len(baru))])
            urut = np.argsort(kunci, kind="stable")
            kunci, nilai = kunci[urut], nilai[urut]
            ptr = np.searchsorted(kunci, np.arange(n + 1, dtype=np.int64) * n)
            self._pola(sparse.csc_matrix((nilai, kunci % n, ptr), shape=(n, n)))

    def _blok(self, kolom: np.ndarray) -> list[np.ndarray]:
        """``kolom`` in consecutive blocks of about ``_BLOK_PASANGAN`` entry pairs (memory)."""
        kk = self._k[kolom].astype(np.float64) ** 2 / 2
        potong = np.searchsorted(
            np.cumsum(kk), np.arange(1, 1 + int(kk.sum() // _BLOK_PASANGAN)) * _BLOK_PASANGAN
        )
        return np.split(kolom, potong)

    def _pasangan(self, J: np.ndarray):
        """For columns ``J``: rows ``r1 < r2`` of every pair of entries sharing a column, the
        entries' positions ``e`` in the factor, and the pairs' first and second entry."""
        kj = self._k[J]
        lokal = _urutan_dalam(kj)  # position within the column
        e = np.repeat(self._ptr[J], kj) + lokal  # the entries of J, ascending
        ke = np.repeat(kj, kj) - lokal - 1  # partners after each entry in its column
        e1 = np.repeat(np.arange(int(kj.sum())), ke)
        e2 = e1 + 1 + _urutan_dalam(ke)
        return self._row[e[e1]], self._row[e[e2]], e, e1, e2

    @property
    def logdet(self) -> float:
        """``log |S|``."""
        return float(np.sum(np.log(self.d)))

    def solve(self, b: np.ndarray) -> np.ndarray:
        """``S⁻¹ b``."""
        return self._lu.solve(np.asarray(b, dtype=np.float64))

    def diag(self) -> np.ndarray:
        """``diag(S⁻¹)`` in the original order."""
        return self._inverse()[1][self.perm]

    def at(self, i: np.ndarray, k: np.ndarray) -> np.ndarray:
        """``(S⁻¹)_ik`` for pairs on the pattern of ``S`` (or of its factor)."""
        z_off, z_diag = self._inverse()
        pi, pk = self.perm[np.asarray(i)], self.perm[np.asarray(k)]
        lo, hi = np.minimum(pi, pk), np.maximum(pi, pk)
        lain = lo != hi
        pos, ada = self._cari(lo[lain], hi[lain])
        if not ada.all():
            raise ValueError("pasangan di luar pola faktor")
        out = z_diag[lo]
        out[lain] = z_off[pos]
        return out

    def _cari(self, kolom: np.ndarray, baris: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Position of each strictly lower entry ``(baris, kolom)`` in the factor's storage
        (permuted order), and whether it is stored at all."""
        q = kolom.astype(np.int64) * self.n + baris
        pos = np.searchsorted(self._kunci, q)
        ada = pos < len(self._kunci)
        ada[ada] = self._kunci[pos[ada]] == q[ada]
        return np.where(ada, pos, 0), ada

    def _inverse(self) -> tuple[np.ndarray, np.ndarray]:
        """``S⁻¹`` on the factor's strictly lower pattern and diagonal (permuted order)."""
        if self._z is not None:
            return self._z
        try:
            self._z = self._rekursi()
        except _PolaTerbuka:
            self._tutup_pola()
            self._z = self._rekursi()
        return self._z

    def _rekursi(self) -> tuple[np.ndarray, np.ndarray]:
        """Takahashi's recurrences, one elimination-tree level at a time."""
        n, depth = self.n, self._depth
        z_off = np.zeros(len(self._row))
        z_diag = np.zeros(n)
        urut = np.argsort(depth, kind="stable")
        batas = np.searchsorted(depth[urut], np.arange(self.tingkat + 1))
        for t in range(self.tingkat):  # root first: a column needs only its ancestors
            for J in self._blok(urut[batas[t] : batas[t + 1]]):
                self._langkah(J, z_off, z_diag)
        return z_off, z_diag

    def _langkah(self, J: np.ndarray, z_off: np.ndarray, z_diag: np.ndarray) -> None:
        """The recurrences for independent columns ``J`` (in place).

        ``Z_{I,I}`` is symmetric: each pair of entries ``e1 < e2`` of a column (rows
        ``r1 < r2``) is looked up once, at ``(r2, r1)`` in column ``r1``, and feeds both
        ``Z_{r1,j}`` and ``Z_{r2,j}``; the pairs ``e1 = e2`` use the diagonal.
        """
        row, val, d = self._row, self._val, self.d
        kj = self._k[J]
        ne = int(kj.sum())
        if ne == 0:
            z_diag[J] = 1.0 / d[J]
            return
        r1, r2, e, e1, e2 = self._pasangan(J)
        pos, ada = self._cari(r1, r2)
        if not ada.all():
            raise _PolaTerbuka("pola faktor tidak tertutup")
        z = z_off[pos]
        lv = val[e]
        z_kol = -(
            z_diag[row[e]] * lv
            + np.bincount(e1, weights=z * lv[e2], minlength=ne)
            + np.bincount(e2, weights=z * lv[e1], minlength=ne)
        )
        z_off[e] = z_kol
        kol = np.repeat(np.arange(len(J)), kj)
        z_diag[J] = 1.0 / d[J] - np.bincount(kol, weights=lv * z_kol, minlength=len(J))


def _urutan_dalam(k: np.ndarray) -> np.ndarray:
    """``0, 1, …, k_g − 1`` for each run ``g`` of lengths ``k``, concatenated."""
    return np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)


def _kedalaman(parent: np.ndarray) -> np.ndarray:
    """Depth of each node of a forest given by ``parent`` (−1 at roots), by pointer doubling."""
    dist = (parent >= 0).astype(np.int64)
    lompat = parent.copy()
    while (lompat >= 0).any():
        ada = lompat >= 0
        j = np.where(ada, lompat, 0)
        dist = dist + np.where(ada, dist[j], 0)
        lompat = np.where(ada, lompat[j], -1)
    return dist
