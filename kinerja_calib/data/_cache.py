"""The signed cache of validated workbooks (batch runs validate once, workers reuse it)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..errors import ParameterError
from ._workbook import Workbook

#: Environment variable naming a folder of validated-workbook caches (written by
#: :func:`write_cache`, e.g. by :func:`kinerja_calib.reports.run_batch` once in the parent
#: process, in a private temporary folder). When it is set, :func:`load_workbook` and the
#: notebooks' parameter check use a cache whose signature, source path, data-file fingerprint
#: and ``skala`` match instead of re-reading and re-validating the data.
ENV_CACHE = "KINERJA_CALIB_CACHE_LAPORAN"
#: Environment variable holding the cache's signing key (hex): a random key per batch run,
#: handed to the workers and their kernels by the environment, never written to disk. A cache
#: file is unpickled only after its HMAC-SHA256 under this key has been verified, so a file
#: planted in the cache folder (or a folder the variable was pointed at) is never loaded.
ENV_KUNCI = "KINERJA_CALIB_CACHE_KUNCI"
_CACHE_ALL = "_semua"
_CACHE_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CACHE_MAGIC = b"KCC1"
_CACHE_TAG = 32  # HMAC-SHA256 digest size


def sidik_data(path: str | os.PathLike) -> list[tuple[str, int, int]]:
    """Fingerprint of a workbook path: (name, size, mtime_ns) of every data file."""
    path = Path(path)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files]


def _cache_tag(kunci: bytes, name: str, payload: bytes) -> bytes:
    import hashlib
    import hmac

    # the file's name is signed too: one instansi's slice cannot be passed off as another's
    return hmac.new(kunci, name.encode() + b"\0" + payload, hashlib.sha256).digest()


def _cache_blob(data: Path, sidik: list, skala, wb: Workbook, kunci: bytes, name: str) -> bytes:
    import pickle

    key = {"sumber": str(data), "sidik": sidik, "skala": tuple(float(x) for x in skala)}
    payload = pickle.dumps({**key, "wb": wb}, protocol=pickle.HIGHEST_PROTOCOL)
    return _CACHE_MAGIC + _cache_tag(kunci, name, payload) + payload


def _write_atomic(path: Path, blob: bytes) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cache_key_env() -> bytes | None:
    text = os.environ.get(ENV_KUNCI, "")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        return None
    return key if len(key) >= 16 else None


def write_cache(
    folder: str | os.PathLike,
    data: str | os.PathLike,
    wb_all: Workbook,
    skala=(1, 5),
    *,
    kunci: bytes | None = None,
) -> bytes:
    """Write the signed workbook cache: ``_semua.pkl`` plus one ``<kode>.pkl`` per instansi.

    Each file is ``KCC1`` + HMAC-SHA256(key, name + payload) + a pickle; readers verify the
    signature before unpickling (:func:`load_cached_workbook`). Put the folder somewhere private
    (``run_batch`` uses a fresh ``tempfile.mkdtemp`` folder, mode 0700, removed on exit), never
    in a folder that is shipped to users.

    Parameters
    ----------
    folder : path-like
        Cache folder (created mode 0700 when missing); point :data:`ENV_CACHE` at it.
    data : path-like
        The workbook path ``wb_all`` was loaded from (the cache key: resolved path, file
        names, sizes and modification times).
    wb_all : Workbook
        The whole validated workbook.
    skala : tuple of float
        The rating scale ``wb_all`` was validated with (part of the key).
    kunci : bytes, optional
        Signing key (at least 16 bytes). Default: the key in :data:`ENV_KUNCI`, else a new
        random key, which is then exported to :data:`ENV_KUNCI` so that this process and
        the processes it starts can read the cache.

    Returns
    -------
    bytes
        The signing key used (readers need it in :data:`ENV_KUNCI`).
    """
    if kunci is None:
        kunci = _cache_key_env()
        if kunci is None:
            import secrets

            kunci = secrets.token_bytes(32)
            os.environ[ENV_KUNCI] = kunci.hex()
    if len(kunci) < 16:
        raise ParameterError("Kunci cache terlalu pendek (minimal 16 byte).")
    data = Path(data).expanduser().resolve()
    sidik = sidik_data(data)
    folder = Path(folder)
    blob = _cache_blob(data, sidik, skala, wb_all, kunci, _CACHE_ALL)
    _write_atomic(folder / f"{_CACHE_ALL}.pkl", blob)
    for kode in wb_all.instansi["kode_instansi"].astype(str):
        if _CACHE_NAME_RE.fullmatch(kode) and kode != _CACHE_ALL:
            blob = _cache_blob(data, sidik, skala, wb_all.untuk_instansi(kode), kunci, kode)
            _write_atomic(folder / f"{kode}.pkl", blob)
    return kunci


def load_cached_workbook(
    path: str | os.PathLike, kode_instansi: str | None = None, skala=(1, 5)
) -> Workbook | None:
    """The validated workbook (or one instansi's slice) from the cache, else ``None``.

    Used only when :data:`ENV_CACHE` names a folder holding a cache file whose signature
    verifies under the key in :data:`ENV_KUNCI` (checked *before* anything is unpickled) and
    whose source path, data-file fingerprint (names, sizes, modification times) and ``skala``
    match; a missing, unsigned, tampered or stale cache is ignored (the caller reads the
    data instead).
    """
    import hmac
    import pickle

    folder = os.environ.get(ENV_CACHE)
    kunci = _cache_key_env()
    if not folder or kunci is None:
        return None
    name = _CACHE_ALL if not kode_instansi else str(kode_instansi)
    if not _CACHE_NAME_RE.fullmatch(name):
        return None
    f = Path(folder) / f"{name}.pkl"
    try:
        raw = f.read_bytes()
    except OSError:
        return None
    head = len(_CACHE_MAGIC)
    tag, payload = raw[head : head + _CACHE_TAG], raw[head + _CACHE_TAG :]
    if raw[:head] != _CACHE_MAGIC or not hmac.compare_digest(tag, _cache_tag(kunci, name, payload)):
        return None  # not written by this run: never unpickled
    try:
        path = Path(path).expanduser().resolve()
        blob = pickle.loads(payload)  # signed by write_cache with this run's key
        key = (blob["sumber"], blob["sidik"], blob.get("skala"))
        if key != (str(path), sidik_data(path), tuple(float(x) for x in skala)):
            return None
    except Exception:  # a stale cache is ignored, the data is read instead
        return None
    return blob["wb"]
