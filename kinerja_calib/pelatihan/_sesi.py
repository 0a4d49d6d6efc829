"""A frame-of-reference rater-training session: create, join, submit, close, export.

The trainer creates a :class:`Sesi` (name, cases, rounds); participants join with name,
instansi and wilayah (no NIP) and receive a personal token; each submits, per case of the
open round, the two ratings (hasil kerja, perilaku) and the seven BerAKHLAK aspects 1–5.
The trainer closes the round and opens the next (same or parallel cases).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from ..errors import ParameterError
from ..labels import ASPEK_BERAKHLAK, RATING
from . import _simpan as simpan

__all__ = ["BUTIR_DINILAI", "Kiriman", "Peserta", "Sesi", "resolve_bank", "vinyet"]

#: Every butir a participant rates per case, in form order.
BUTIR_DINILAI = ("rating_hasil_kerja", "rating_perilaku", *ASPEK_BERAKHLAK)

_T = simpan


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def resolve_bank(bank=None):
    """``bank`` itself, or the packaged vignette bank when it is None."""
    if bank is not None:
        return bank
    from ._bank import load_bank  # the vignette bank ships separately

    return load_bank()


def vinyet(bank=None) -> pd.DataFrame:
    """The vignette cases of the bank (one row per case)."""
    return resolve_bank(bank).kasus


@dataclass(frozen=True)
class Peserta:
    """A participant of a session; ``token`` is the personal secret of their link."""

    id_peserta: str
    kode_sesi: str
    nama: str
    instansi: str
    wilayah: str
    token: str


@dataclass(frozen=True)
class Kiriman:
    """Outcome of one submission: ``diganti`` is True when it replaced an earlier one."""

    id_peserta: str
    ronde: int
    kode_vinyet: str
    diganti: bool
    kiriman_ke: int


def _clean_text(value, field: str, problems: list[str], max_len: int = 120) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        problems.append(f"'{field}' wajib diisi.")
    elif len(text) > max_len:
        problems.append(f"'{field}' terlalu panjang (paling banyak {max_len} karakter).")
    return text


class Sesi:
    """One training session stored in SQLite (one file per session) or any SQLAlchemy URL.

    Use :meth:`buat` to create and :meth:`buka` to open an existing one.
    """

    def __init__(self, engine: sa.Engine, kode_sesi: str, db) -> None:
        self._engine = engine
        self.kode_sesi = kode_sesi
        self.db = db
        with engine.connect() as conn:
            row = conn.execute(sa.select(_T.SESI).where(_T.SESI.c.kode_sesi == kode_sesi)).first()
        if row is None:
            raise ParameterError(f"Sesi '{kode_sesi}' tidak ditemukan di {db}.")
        self.nama: str = row.nama
        self.jumlah_ronde: int = row.jumlah_ronde
        self.token_pelatih: str = row.token_pelatih

    # ------------------------------------------------------------------ create / open
    @classmethod
    def buat(
        cls,
        db: str | os.PathLike,
        nama: str,
        kode_vinyet=None,
        ronde: int = 2,
        *,
        bank=None,
        kode_sesi: str | None = None,
    ) -> Sesi:
        """Create a session whose round 1 is open.

        Parameters
        ----------
        db : str or path-like
            Folder for one SQLite file per session, a ``.sqlite`` file, or an SQLAlchemy URL.
        nama : str
            Session name shown to participants.
        kode_vinyet : sequence of str, optional
            Cases of round 1 (codes of the vignette bank); all cases when omitted.
        ronde : int, default 2
            Number of rounds (1–5).
        bank : VignetteBank, optional
            The bank the codes are checked against; the packaged one when omitted.
        kode_sesi : str, optional
            The session code; a random ``PLT-xxxxxx`` when omitted.
        """
        problems: list[str] = []
        nama = _clean_text(nama, "nama sesi", problems)
        if not isinstance(ronde, int | float) or int(ronde) != ronde or not 1 <= ronde <= 5:
            problems.append(f"'ronde' harus bilangan bulat 1–5, bukan {ronde!r}.")
        bank = resolve_bank(bank)
        known = list(bank.kasus["kode"])
        codes = known if kode_vinyet is None else [str(k) for k in kode_vinyet]
        unknown = sorted(set(codes) - set(known))
        if unknown:
            problems.append(f"'kode_vinyet' tidak dikenal: {', '.join(unknown)}.")
        if not codes:
            problems.append("'kode_vinyet' kosong: pilih paling sedikit satu kasus.")
        if len(set(codes)) != len(codes):
            problems.append("'kode_vinyet' memuat kode ganda.")
        if problems:
            raise ParameterError("Sesi tidak dapat dibuat:\n- " + "\n- ".join(problems))
        kode_sesi = kode_sesi or "PLT-" + secrets.token_hex(3).upper()
        url = simpan.session_url(db, kode_sesi)
        engine = simpan.engine_for(url)
        with engine.begin() as conn:
            conn.execute(
                sa.insert(_T.SESI).values(
                    kode_sesi=kode_sesi,
                    nama=nama,
                    jumlah_ronde=int(ronde),
                    token_pelatih=secrets.token_urlsafe(24),
                    dibuat=_now(),
                )
            )
            conn.execute(
                sa.insert(_T.RONDE),
                [
                    {"kode_sesi": kode_sesi, "ronde": r, "status": "buka" if r == 1 else "belum"}
                    for r in range(1, int(ronde) + 1)
                ],
            )
            cls._insert_cases(conn, kode_sesi, 1, codes)
        return cls(engine, kode_sesi, db)

    @classmethod
    def buka(cls, db: str | os.PathLike, kode_sesi: str) -> Sesi:
        """Open an existing session."""
        url = simpan.session_url(db, kode_sesi)
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
            raise ParameterError(f"Sesi '{kode_sesi}' tidak ditemukan di {db}.")
        return cls(simpan.engine_for(url), kode_sesi, db)

    @staticmethod
    def _insert_cases(conn, kode_sesi: str, ronde: int, codes) -> None:
        conn.execute(
            sa.insert(_T.RONDE_KASUS),
            [
                {"kode_sesi": kode_sesi, "ronde": ronde, "kode_vinyet": k, "urutan": i}
                for i, k in enumerate(codes, start=1)
            ],
        )

    # ------------------------------------------------------------------ rounds
    def status_ronde(self) -> pd.DataFrame:
        """One row per round: ``ronde``, ``status`` ("belum", "buka", "tutup")."""
        query = (
            sa.select(_T.RONDE.c.ronde, _T.RONDE.c.status)
            .where(_T.RONDE.c.kode_sesi == self.kode_sesi)
            .order_by(_T.RONDE.c.ronde)
        )
        with self._engine.connect() as conn:
            return pd.DataFrame(conn.execute(query).all(), columns=["ronde", "status"])

    @property
    def ronde_aktif(self) -> int | None:
        """The round open for submissions, or None."""
        status = self.status_ronde()
        open_ = status.loc[status["status"] == "buka", "ronde"]
        return int(open_.iloc[0]) if len(open_) else None

    def kasus_ronde(self, ronde: int) -> list[str]:
        """Case codes of ``ronde`` in form order."""
        query = (
            sa.select(_T.RONDE_KASUS.c.kode_vinyet)
            .where(_T.RONDE_KASUS.c.kode_sesi == self.kode_sesi, _T.RONDE_KASUS.c.ronde == ronde)
            .order_by(_T.RONDE_KASUS.c.urutan)
        )
        with self._engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def tutup_ronde(self, ronde: int) -> None:
        """Close ``ronde``: later submissions to it are refused."""
        with self._engine.begin() as conn:
            done = conn.execute(
                sa.update(_T.RONDE)
                .where(
                    _T.RONDE.c.kode_sesi == self.kode_sesi,
                    _T.RONDE.c.ronde == ronde,
                    _T.RONDE.c.status == "buka",
                )
                .values(status="tutup")
            ).rowcount
        if not done:
            raise ParameterError(f"'ronde' {ronde} tidak sedang dibuka, jadi tidak dapat ditutup.")

    def buka_ronde(self, ronde: int, kode_vinyet=None, *, paralel: bool = False, bank=None):
        """Open ``ronde`` (the previous one must be closed) with the same or parallel cases.

        Parameters
        ----------
        ronde : int
            The round to open (2 … ``jumlah_ronde``).
        kode_vinyet : sequence of str, optional
            Its cases; when omitted, the previous round's cases, or their parallel cases
            from the bank when ``paralel`` is True.
        """
        status = self.status_ronde().set_index("ronde")["status"]
        if ronde not in status.index:
            raise ParameterError(f"'ronde' {ronde} tidak ada; sesi ini punya {len(status)} ronde.")
        if status[ronde] != "belum":
            raise ParameterError(f"'ronde' {ronde} sudah pernah dibuka.")
        if (status.loc[: ronde - 1] != "tutup").any():
            raise ParameterError(f"Tutup dulu ronde sebelum ronde {ronde}.")
        previous = self.kasus_ronde(ronde - 1)
        if kode_vinyet is None and paralel:
            bank = resolve_bank(bank)
            kode_vinyet = [bank.kasus_paralel(k) or k for k in previous]
        codes = previous if kode_vinyet is None else [str(k) for k in kode_vinyet]
        if kode_vinyet is not None and (bank is not None or paralel):
            known = set(resolve_bank(bank).kasus["kode"])
            unknown = sorted(set(codes) - known)
            if unknown:
                raise ParameterError(f"'kode_vinyet' tidak dikenal: {', '.join(unknown)}.")
        with self._engine.begin() as conn:
            self._insert_cases(conn, self.kode_sesi, ronde, codes)
            conn.execute(
                sa.update(_T.RONDE)
                .where(_T.RONDE.c.kode_sesi == self.kode_sesi, _T.RONDE.c.ronde == ronde)
                .values(status="buka")
            )

    # ------------------------------------------------------------------ participants
    def daftar(self, nama: str, instansi: str, wilayah: str) -> Peserta:
        """Register a participant and return them with their personal token."""
        problems: list[str] = []
        values = {
            "nama": _clean_text(nama, "nama", problems),
            "instansi": _clean_text(instansi, "instansi", problems),
            "wilayah": _clean_text(wilayah, "wilayah", problems),
        }
        if problems:
            raise ParameterError("Pendaftaran ditolak:\n- " + "\n- ".join(problems))
        peserta = Peserta(
            id_peserta="P" + secrets.token_hex(5).upper(),
            kode_sesi=self.kode_sesi,
            token=secrets.token_urlsafe(18),
            **values,
        )
        with self._engine.begin() as conn:
            conn.execute(
                sa.insert(_T.PESERTA).values(
                    id_peserta=peserta.id_peserta,
                    kode_sesi=self.kode_sesi,
                    token=peserta.token,
                    dibuat=_now(),
                    **values,
                )
            )
        return peserta

    def peserta(self, token: str) -> Peserta:
        """The participant whose personal token is ``token``."""
        query = sa.select(_T.PESERTA).where(
            _T.PESERTA.c.kode_sesi == self.kode_sesi, _T.PESERTA.c.token == str(token)
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise ParameterError("Token peserta tidak dikenal untuk sesi ini.")
        return Peserta(
            row.id_peserta, row.kode_sesi, row.nama, row.instansi, row.wilayah, row.token
        )

    def daftar_peserta(self) -> pd.DataFrame:
        """Participants (without tokens): id_peserta, nama, instansi, wilayah."""
        cols = [
            _T.PESERTA.c.id_peserta,
            _T.PESERTA.c.nama,
            _T.PESERTA.c.instansi,
            _T.PESERTA.c.wilayah,
        ]
        query = (
            sa.select(*cols)
            .where(_T.PESERTA.c.kode_sesi == self.kode_sesi)
            .order_by(_T.PESERTA.c.dibuat)
        )
        with self._engine.connect() as conn:
            return pd.DataFrame(conn.execute(query).all(), columns=[c.name for c in cols])

    # ------------------------------------------------------------------ submissions
    def _validate_submission(
        self, conn, id_peserta, kode_vinyet, ronde, hasil_kerja, perilaku, aspek
    ):
        problems: list[str] = []
        status = dict(
            conn.execute(
                sa.select(_T.RONDE.c.ronde, _T.RONDE.c.status).where(
                    _T.RONDE.c.kode_sesi == self.kode_sesi
                )
            ).all()
        )
        if ronde not in status:
            problems.append(f"'ronde' {ronde!r} tidak ada di sesi ini.")
        elif status[ronde] != "buka":
            keadaan = "sudah ditutup" if status[ronde] == "tutup" else "belum dibuka"
            problems.append(f"'ronde' {ronde} {keadaan}; kiriman tidak diterima.")
        else:
            cases = conn.execute(
                sa.select(_T.RONDE_KASUS.c.kode_vinyet).where(
                    _T.RONDE_KASUS.c.kode_sesi == self.kode_sesi, _T.RONDE_KASUS.c.ronde == ronde
                )
            ).scalars()
            if kode_vinyet not in set(cases):
                problems.append(
                    f"'kode_vinyet' {kode_vinyet!r} tidak termasuk kasus ronde {ronde}."
                )
        known = conn.execute(
            sa.select(_T.PESERTA.c.id_peserta).where(
                _T.PESERTA.c.kode_sesi == self.kode_sesi, _T.PESERTA.c.id_peserta == id_peserta
            )
        ).first()
        if known is None:
            problems.append("'peserta' tidak terdaftar di sesi ini.")
        rows = []
        for field, value in (("rating_hasil_kerja", hasil_kerja), ("rating_perilaku", perilaku)):
            if value not in RATING:
                problems.append(
                    f"'{field}' harus salah satu dari {', '.join(RATING)}; bukan {value!r}."
                )
            else:
                rows.append((field, value, RATING.index(value) + 1))
        aspek = dict(aspek or {})
        for key in sorted(set(aspek) - set(ASPEK_BERAKHLAK)):
            problems.append(
                f"'aspek' tidak dikenal: {key!r} (yang dikenal: {', '.join(ASPEK_BERAKHLAK)})."
            )
        for key in ASPEK_BERAKHLAK:
            if key not in aspek:
                problems.append(f"'{key}' wajib diisi (angka 1–5).")
                continue
            value = aspek[key]
            ok = isinstance(value, int | float | str) and str(value).strip() in {
                "1",
                "2",
                "3",
                "4",
                "5",
            }
            if not ok and isinstance(value, float) and value.is_integer() and 1 <= value <= 5:
                ok, value = True, int(value)
            if not ok:
                problems.append(f"'{key}' harus bilangan bulat 1–5; bukan {value!r}.")
            else:
                rows.append((key, str(int(str(value).strip())), int(str(value).strip())))
        if problems:
            raise ParameterError("Kiriman ditolak:\n- " + "\n- ".join(problems))
        return rows

    def kirim(
        self, peserta: Peserta | str, kode_vinyet: str, ronde: int, hasil_kerja, perilaku, aspek
    ) -> Kiriman:
        """Submit one participant's ratings of one case in the open round.

        A second submission of the same case and round replaces the first (the result's
        ``diganti`` is True and ``kiriman_ke`` counts the submissions).

        Parameters
        ----------
        peserta : Peserta or str
            The participant (or their ``id_peserta``).
        kode_vinyet : str
            The case code.
        ronde : int
            The round; must be the open one.
        hasil_kerja, perilaku : str
            One of :data:`kinerja_calib.labels.RATING`.
        aspek : dict
            The seven BerAKHLAK aspect keys → integer 1–5.
        """
        id_peserta = peserta.id_peserta if isinstance(peserta, Peserta) else str(peserta)
        kode_vinyet = str(kode_vinyet)
        key = (
            (_T.PENILAIAN.c.kode_sesi == self.kode_sesi)
            & (_T.PENILAIAN.c.id_peserta == id_peserta)
            & (_T.PENILAIAN.c.ronde == ronde)
            & (_T.PENILAIAN.c.kode_vinyet == kode_vinyet)
        )
        with self._engine.begin() as conn:
            rows = self._validate_submission(
                conn, id_peserta, kode_vinyet, ronde, hasil_kerja, perilaku, aspek
            )
            previous = conn.execute(
                sa.select(sa.func.max(_T.PENILAIAN.c.kiriman_ke)).where(key)
            ).scalar()
            if previous is not None:
                conn.execute(sa.delete(_T.PENILAIAN).where(key))
            count = (previous or 0) + 1
            now = _now()
            conn.execute(
                sa.insert(_T.PENILAIAN),
                [
                    {
                        "kode_sesi": self.kode_sesi,
                        "id_peserta": id_peserta,
                        "ronde": ronde,
                        "kode_vinyet": kode_vinyet,
                        "butir": butir,
                        "nilai": nilai,
                        "skor": skor,
                        "kiriman_ke": count,
                        "dikirim": now,
                    }
                    for butir, nilai, skor in rows
                ],
            )
        return Kiriman(id_peserta, ronde, kode_vinyet, previous is not None, count)

    def penilaian(self, ronde: int | None = None, id_peserta: str | None = None) -> pd.DataFrame:
        """All ratings, long: one row per participant × round × case × butir.

        Columns: id_peserta, nama, instansi, wilayah, ronde, kode_vinyet, butir, nilai
        (label as submitted), skor (ordinal: ratings 1–3, aspects 1–5), kiriman_ke, dikirim.
        """
        p, n = _T.PESERTA, _T.PENILAIAN
        query = (
            sa.select(
                n.c.id_peserta, p.c.nama, p.c.instansi, p.c.wilayah, n.c.ronde, n.c.kode_vinyet,
                n.c.butir, n.c.nilai, n.c.skor, n.c.kiriman_ke, n.c.dikirim,
            )
            .join(p, p.c.id_peserta == n.c.id_peserta)
            .where(n.c.kode_sesi == self.kode_sesi)
            .order_by(n.c.ronde, n.c.id_peserta, n.c.kode_vinyet, n.c.butir)
        )  # fmt: skip
        if ronde is not None:
            query = query.where(n.c.ronde == ronde)
        if id_peserta is not None:  # one participant's own ratings (their private page)
            query = query.where(n.c.id_peserta == id_peserta)
        with self._engine.connect() as conn:
            result = conn.execute(query)
            frame = pd.DataFrame(result.all(), columns=list(result.keys()))
        return frame.astype({"ronde": "int64", "skor": "int64", "kiriman_ke": "int64"})

    def status_kiriman(self, ronde: int | None = None) -> pd.DataFrame:
        """Who has submitted: one row per participant with cases done out of the round's."""
        if ronde is None:  # the open round, else the last one opened
            status = self.status_ronde()
            opened = status.loc[status["status"] != "belum", "ronde"]
            ronde = self.ronde_aktif or (int(opened.max()) if len(opened) else 1)
        people = self.daftar_peserta()
        n = _T.PENILAIAN
        query = (  # counted by the database: the dashboard asks this on every load
            sa.select(n.c.id_peserta, sa.func.count(sa.distinct(n.c.kode_vinyet)))
            .where(n.c.kode_sesi == self.kode_sesi, n.c.ronde == ronde)
            .group_by(n.c.id_peserta)
        )
        with self._engine.connect() as conn:
            done = dict(conn.execute(query).all())
        people["ronde"] = ronde
        people["kasus_terkirim"] = people["id_peserta"].map(done).fillna(0).astype("int64")
        people["kasus_ronde"] = len(self.kasus_ronde(ronde))
        people["selesai"] = (people["kasus_terkirim"] >= people["kasus_ronde"]) & (
            people["kasus_ronde"] > 0
        )
        return people

    def versi(self) -> str:
        """A fingerprint of everything the trainer's dashboard shows: participants, ratings
        (a replaced submission counts) and round states, in one query. Equal fingerprints
        mean nothing changed, whichever server or process wrote to the session."""
        p, n, r = _T.PESERTA, _T.PENILAIAN, _T.RONDE

        def scalar(column, table):
            return sa.select(column).where(table.c.kode_sesi == self.kode_sesi).scalar_subquery()

        query = sa.select(
            scalar(sa.func.count(), p),
            scalar(sa.func.count(), n),
            scalar(sa.func.coalesce(sa.func.sum(n.c.kiriman_ke), 0), n),
            *(  # rounds only move belum -> buka -> tutup: these sums change at every step
                scalar(sa.func.coalesce(sa.func.sum(sa.case((r.c.status == s, r.c.ronde))), 0), r)
                for s in ("buka", "tutup")
            ),
        )
        with self._engine.connect() as conn:
            return "-".join(str(int(x)) for x in conn.execute(query).one())

    # ------------------------------------------------------------------ numbers
    def ringkasan(self, ronde: int | None = None, *, bank=None, n_boot: int = 500, seed: int = 0):
        """The trainer's live numbers (:class:`~kinerja_calib.pelatihan._statistik.Ringkasan`)."""
        from ._statistik import summarise

        return summarise(
            self.penilaian(), resolve_bank(bank).kunci, ronde, n_boot=n_boot, seed=seed
        )

    def umpan_balik(self, peserta: Peserta | str, *, bank=None):
        """One participant's private view: own deviations and leniency against the room."""
        from ._statistik import participant_feedback

        id_peserta = peserta.id_peserta if isinstance(peserta, Peserta) else str(peserta)
        return participant_feedback(self.penilaian(), resolve_bank(bank).kunci, id_peserta)

    # ------------------------------------------------------------------ export
    def ekspor(self, path: str | os.PathLike) -> Path:
        """Write participants (no tokens) and ratings to ``.csv`` (ratings) or ``.xlsx``."""
        path = Path(path)
        ratings = self.penilaian()
        ratings["dikirim"] = pd.to_datetime(ratings["dikirim"], utc=True).dt.tz_localize(None)
        if path.suffix.lower() == ".xlsx":
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                self.daftar_peserta().to_excel(writer, sheet_name="peserta", index=False)
                ratings.to_excel(writer, sheet_name="penilaian", index=False)
                self.status_ronde().to_excel(writer, sheet_name="ronde", index=False)
        elif path.suffix.lower() == ".csv":
            ratings.to_csv(path, index=False)
        else:
            raise ParameterError(f"Ekspor hanya ke .csv atau .xlsx, bukan '{path.suffix}'.")
        return path

    def __repr__(self) -> str:
        return f"Sesi({self.kode_sesi!r}, nama={self.nama!r}, ronde={self.jumlah_ronde})"
