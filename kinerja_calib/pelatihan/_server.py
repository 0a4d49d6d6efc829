"""A light web front end for a training session: participant forms and the trainer dashboard.

Plain tornado handlers (no kernel per participant; no JavaScript on the participant's pages):
a participant joins at ``/daftar`` and gets a personal link ``/p/<token>`` that shows the open
round's cases, each with its own form (big touch targets, works on a phone). The trainer's
dashboard ``/pelatih?token=…`` opens/closes rounds and updates as soon as something changes:
its one small script (allowed by a per-response CSP nonce on that page alone) long-polls
``/pelatih/tunggu``, which is woken by this server's submissions, joins and round changes (and,
for writes from another process or server, re-checks the fingerprint :meth:`Sesi.versi` every
few seconds) and answers with the new page body. Without JavaScript the page reloads itself
every ``refresh`` seconds instead.

Hardening as for the workshop server: bound to 127.0.0.1 by default; every request whose
``Host`` is not this server is refused; POSTs carry tornado's XSRF token and must come from
this server's ``Origin``; the trainer page and its long-poll refuse a request without its
token; pages carry a CSP under which no script runs (the dashboard: only its own nonce'd
script, which may fetch from this server alone) and all data text is escaped. A
participant's page shows only their own ratings.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
import secrets
import time
from urllib.parse import urlsplit

from tornado import locks, web

from .._angka import ringkas
from .._escape import escape_text
from ..errors import ParameterError
from ..labels import ASPEK_BERAKHLAK, RATING
from ..privacy import AMBANG_BAWAAN

__all__ = ["CSP", "make_app", "make_handlers", "qr_svg", "qr_teks"]

#: No script at all; styles inline; forms only to this server; never framed.
CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

_CSS = (
    "<style>body{font-family:sans-serif;max-width:46em;margin:1em auto;padding:0 .8em;font-size:1.1em}"
    "fieldset{margin:.6em 0;border:1px solid #bbb}label{display:inline-block;padding:.5em .7em;margin:.15em;"
    "border:1px solid #999;border-radius:.4em;min-width:2.5em}input[type=radio]{transform:scale(1.4);"
    "margin-right:.4em}button{font-size:1.1em;padding:.7em 1.4em;margin:.5em 0}input[type=text]{font-size:1.1em;"
    "width:100%;padding:.4em}.ok{color:#176b2c}.galat{color:#a00;white-space:pre-line}"
    "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.3em .6em}"
    ".gulir{overflow-x:auto}.indikator{font-size:.85em}.kelompok{display:inline-table;"
    "margin:0 1em .5em 0;vertical-align:top}caption{text-align:left;font-weight:bold}"
    ".catatan{font-size:.85em}</style>"
)


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as an SVG ``data:`` URI (allowed by :data:`CSP`), for a projector."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


def qr_teks(url: str) -> str:
    """A QR code of ``url`` drawn with block characters, for the terminal."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True, border=2)
    return out.getvalue()


def _page(title: str, body: str, refresh: int | None = None, head: str = "") -> str:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    meta += head
    return (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{meta}<title>{escape_text(title)}</title>{_CSS}</head><body>{body}</body></html>"
    )


def _notify(conf: dict) -> None:
    """Wake every dashboard waiting in :class:`_WaitHandler` (call on the server's loop)."""
    conf["bangun"].notify_all()


#: The dashboard's script: long-poll ``tunggu`` with the page's fingerprint; an answer with a
#: new fingerprint (header ``X-Versi``) carries the new page body, which replaces the old one
#: (inert: scripts in it never run); on an error retry after 2 s. Filled with the URL (ending
#: in ``versi=``) and the fingerprint as JSON strings.
_PUSH_JS = (
    "(function(){{var u={url},v={versi};function w(){{fetch(u+encodeURIComponent(v),"
    "{{cache:'no-store',credentials:'same-origin'}}).then(function(r){{if(!r.ok)throw r;"
    "var n=r.headers.get('X-Versi');return r.text().then(function(t){{if(n&&n!==v&&t){{v=n;"
    "document.body.replaceWith(new DOMParser().parseFromString(t,'text/html').body)}}w()}})}})"
    ".catch(function(){{setTimeout(w,2000)}})}}w()}})();"
)


def _js_string(text: str) -> str:
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_STAT = {"alpha_ordinal": "α ordinal", "gwet_ac2": "AC2"}
_UKURAN = {"jarak": "jarak ke kunci", "sebaran": "sebaran antarpeserta"}


def _target(row: dict) -> str:
    atas = row.get("target_atas")
    if atas is not None and atas == atas:  # a range target
        return f"{ringkas(row['target'])}–{ringkas(atas)}"
    return ringkas(row["target"])


def _case_text(info: dict) -> str:
    """The case as a participant reads it: who, the summary, the SKP indicators with target
    and realisasi, and the evidence of behaviour per BerAKHLAK aspect (all escaped)."""
    who = " · ".join(escape_text(info[k]) for k in ("jabatan", "unit_kerja") if info.get(k))
    html = f"<p class='siapa'>{who}</p>" if who else ""
    html += f"<p>{escape_text(info.get('ringkasan', ''))}</p>"
    indikator = info.get("indikator") or []
    if indikator:
        rows = "".join(
            f"<tr><td>{escape_text(r['indikator'])}"
            f"{' (makin kecil makin baik)' if r.get('arah') == 'turun' else ''}</td>"
            f"<td>{escape_text(r.get('jenis', ''))}</td><td>{escape_text(_target(r))}</td>"
            f"<td>{escape_text(ringkas(r['realisasi']))}</td><td>{escape_text(r.get('satuan', ''))}</td></tr>"
            for r in indikator
        )
        html += (
            "<div class='gulir'><table class='indikator'><thead><tr><th>Indikator SKP</th><th>Jenis</th><th>Target</th>"
            f"<th>Realisasi</th><th>Satuan</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )
    perilaku = info.get("perilaku") or {}
    if perilaku:
        items = "".join(
            f"<li><b>{escape_text(ASPEK_BERAKHLAK.get(a, a))}</b>: {escape_text(bukti)}</li>"
            for a, bukti in perilaku.items()
        )
        html += f"<p>Bukti perilaku:</p><ul class='perilaku'>{items}</ul>"
    return html


class _Base(web.RequestHandler):
    """Host and Origin checks shared by every page; ``conf`` is the session's configuration
    from :func:`make_handlers` (handler arguments, not application settings, so the same
    handlers can join another application such as a Jupyter server)."""

    def initialize(self, conf: dict) -> None:
        self.conf = conf

    def prepare(self) -> None:
        host = self.request.host.rsplit(":", 1)[0].strip("[]").lower()
        if host not in self.conf["allowed_hosts"]:
            raise web.HTTPError(403, reason="Host ditolak")
        if self.request.method == "POST":
            origin = self.request.headers.get("Origin")
            if origin and urlsplit(origin).netloc.lower() != self.request.host.lower():
                raise web.HTTPError(403, reason="Origin ditolak")

    @property
    def sesi(self):
        return self.conf["sesi"]

    def set_default_headers(self) -> None:
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Referrer-Policy", "same-origin")  # no-referrer makes Origin "null"
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", CSP)

    def write_error(self, status_code: int, **kwargs) -> None:
        self.finish(
            _page("Ditolak", f"<p class='galat'>{status_code}: {escape_text(self._reason)}</p>")
        )


class _JoinHandler(_Base):
    def get(self, message: str = "") -> None:
        body = (
            f"<h1>{escape_text(self.sesi.nama)}</h1><p>Daftar untuk ikut menilai. NIP tidak diperlukan.</p>"
            f"{message}<form method='post' action='{self.conf['prefix']}/daftar'>{self.xsrf_form_html()}"
            "<p><label for='nama'>Nama</label><input type='text' id='nama' name='nama' required></p>"
            "<p><label for='instansi'>Instansi</label><input type='text' id='instansi' name='instansi' required></p>"
            "<p><label for='wilayah'>Wilayah</label><input type='text' id='wilayah' name='wilayah' required></p>"
            "<button type='submit'>Daftar</button></form>"
        )
        self.finish(_page("Daftar", body))

    def post(self) -> None:
        try:
            peserta = self.sesi.daftar(
                *(self.get_body_argument(k, "") for k in ("nama", "instansi", "wilayah"))
            )
        except ParameterError as err:
            return self.get(f"<p class='galat'>{escape_text(err)}</p>")
        _notify(self.conf)
        self.redirect(f"{self.conf['prefix']}/p/{peserta.token}")


class _ParticipantHandler(_Base):
    def _peserta(self, token: str):
        try:
            return self.sesi.peserta(token)
        except ParameterError:
            raise web.HTTPError(404, reason="Tautan peserta tidak dikenal") from None

    def get(self, token: str, message: str = "") -> None:
        peserta = self._peserta(token)
        ronde = self.sesi.ronde_aktif
        feedback = self._feedback(peserta)
        if ronde is None:
            hello = f"<h1>Halo, {escape_text(peserta.nama)}</h1><p>Belum ada ronde yang dibuka.</p>"
            if not feedback:
                return self.finish(_page("Menunggu", hello, refresh=5))
            again = (  # no self-refresh while the participant reads: a link instead
                f"<p><a href='{escape_text(self.conf['prefix'])}/p/{escape_text(token)}'>Muat ulang halaman ini</a> "
                "saat pelatih membuka ronde berikutnya.</p>"
            )
            return self.finish(_page("Umpan balik", hello + again + feedback))
        done = set(self.sesi.penilaian(ronde, id_peserta=peserta.id_peserta)["kode_vinyet"])
        kasus = self.conf["kasus"]
        forms = []
        for kode in self.sesi.kasus_ronde(ronde):
            info = kasus.get(kode, {})
            status = (
                "<span class='ok'>✔ terkirim (kirim lagi untuk mengganti)</span>"
                if kode in done
                else ""
            )
            fields = []
            for name, label, options in (
                ("hasil_kerja", "Rating hasil kerja", list(RATING)),
                ("perilaku", "Rating perilaku", list(RATING)),
                *(
                    (key, ASPEK_BERAKHLAK[key], ["1", "2", "3", "4", "5"])
                    for key in ASPEK_BERAKHLAK
                ),
            ):
                radios = "".join(
                    f"<label><input type='radio' name='{name}' value='{escape_text(o)}' required>{escape_text(o)}</label>"
                    for o in options
                )
                fields.append(f"<fieldset><legend>{escape_text(label)}</legend>{radios}</fieldset>")
            forms.append(
                f"<section id='kasus-{escape_text(kode)}'><h2>{escape_text(kode)} {escape_text(info.get('judul', ''))}</h2>"
                f"{_case_text(info)}{status}"
                f"<form method='post'>{self.xsrf_form_html()}<input type='hidden' name='kode_vinyet' value='{escape_text(kode)}'>"
                f"<input type='hidden' name='ronde' value='{ronde}'>{''.join(fields)}"
                f"<button type='submit'>Kirim {escape_text(kode)}</button></form></section>"
            )
        head = f"<h1>{escape_text(self.sesi.nama)} — ronde {ronde}</h1><p>Peserta: {escape_text(peserta.nama)}</p>"
        self.finish(_page(f"Ronde {ronde}", head + message + "".join(forms) + feedback))

    def _feedback(self, peserta) -> str:
        """The participant's own deviations from the key, with its reasons, and their leniency
        against the room (anonymous), for the rounds already closed; empty before that or
        without the key. The closed rounds' ratings no longer change, so they are cached."""
        kunci = self.conf["kunci"]
        if kunci is None:
            return ""
        states = self.sesi.status_ronde()
        closed = tuple(int(r) for r in states.loc[states["status"] == "tutup", "ronde"])
        if not closed:
            return ""
        from ._laporan import feedback_html
        from ._statistik import participant_feedback

        cache, key = self.conf["cache"], ("penilaian", closed)
        if key not in cache:
            rows = self.sesi.penilaian()
            cache[key] = rows[rows["ronde"].isin(closed)]
        view = participant_feedback(cache[key], kunci, peserta.id_peserta)
        if view.deviasi.empty:
            return ""
        return (
            "<section id='umpan-balik'><h2>Umpan balik pribadi (ronde yang sudah ditutup)</h2>"
            "<p>Hanya Anda yang melihat bagian ini; ruangan ditampilkan tanpa nama.</p>"
            f"<div class='gulir'>{feedback_html(view, 'h3')}</div></section>"
        )

    def post(self, token: str) -> None:
        peserta = self._peserta(token)
        arg = self.get_body_argument
        try:
            ronde = int(arg("ronde", "0"))
            aspek = {k: arg(k, "") for k in ASPEK_BERAKHLAK}
            hasil = self.sesi.kirim(
                peserta,
                arg("kode_vinyet", ""),
                ronde,
                arg("hasil_kerja", ""),
                arg("perilaku", ""),
                aspek,
            )
        except (ParameterError, ValueError) as err:
            return self.get(token, f"<p class='galat'>{escape_text(err)}</p>")
        _notify(self.conf)
        note = "diganti" if hasil.diganti else "tersimpan"
        self.get(token, f"<p class='ok'>Penilaian {escape_text(hasil.kode_vinyet)} {note}.</p>")


class _TrainerHandler(_Base):
    def _check_token(self) -> None:
        given = self.get_argument("token", "")
        if not given or not hmac.compare_digest(given.encode(), self.sesi.token_pelatih.encode()):
            raise web.HTTPError(403, reason="Token pelatih diperlukan")

    def get(self) -> None:
        self._check_token()
        versi, body = self._body()
        nonce = secrets.token_urlsafe(16)
        self.set_header("Content-Security-Policy", _dashboard_csp(nonce))
        self.set_header("X-Versi", versi)
        wait = f"{self.conf['prefix']}/pelatih/tunggu?token={self.sesi.token_pelatih}&versi="
        script = _PUSH_JS.format(url=_js_string(wait), versi=_js_string(versi))
        head = (
            f'<noscript><meta http-equiv="refresh" content="{self.conf["refresh"]}"></noscript>'
            f'<script nonce="{nonce}">{script}</script>'
        )
        self.finish(_page("Dasbor pelatih", body, head=head))

    def _body(self) -> tuple[str, str]:
        """The session's fingerprint (read first: a later change wakes the page) and the
        dashboard's body."""
        versi = self.sesi.versi()
        ronde = self.sesi.ronde_aktif
        status = self.sesi.status_kiriman(ronde)
        selesai = int(status["selesai"].sum()) if len(status) else 0
        rows = "".join(
            f"<tr><td>{escape_text(r.nama)}</td><td>{escape_text(r.instansi)}</td><td>{escape_text(r.wilayah)}</td>"
            f"<td>{r.kasus_terkirim}/{r.kasus_ronde}</td></tr>"
            for r in status.itertuples()
        )
        token = escape_text(self.sesi.token_pelatih)
        prefix = escape_text(self.conf["prefix"])
        buttons = ""
        if ronde is not None:
            buttons += f"<form method='post' action='{prefix}/pelatih/tutup?token={token}'>{self.xsrf_form_html()}<button>Tutup ronde {ronde}</button></form>"
        states = self.sesi.status_ronde()
        nxt = states.loc[states["status"] == "belum", "ronde"]
        if ronde is None and len(nxt):
            buttons += f"<form method='post' action='{prefix}/pelatih/buka?token={token}'>{self.xsrf_form_html()}<button>Buka ronde {int(nxt.iloc[0])}</button></form>"
        url = self.conf["url_peserta"]
        qr = (
            f"<figure id='qr'><img src='{self.conf['qr']}' alt='Kode QR alamat peserta' width='180'>"
            f"<figcaption>Peserta membuka: {escape_text(url)}</figcaption></figure>"
            if url
            else ""
        )
        body = (
            f"<h1>Dasbor pelatih: {escape_text(self.sesi.nama)}</h1>{qr}{self._numbers(states)}"
            f"<p id='ringkas'>Ronde aktif: {ronde if ronde is not None else '–'} (kiriman ronde "
            f"{int(status['ronde'].iloc[0]) if len(status) else '–'}); peserta {len(status)}; "
            f"selesai {selesai}.</p>{buttons}"
            f"<table><thead><tr><th>Nama</th><th>Instansi</th><th>Wilayah</th><th>Kasus terkirim</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
        return versi, body

    def _numbers(self, states) -> str:
        """Agreement, accuracy, the view by wilayah and the cases to discuss of every closed
        round, and the round 1 -> 2 change once two rounds are closed (cached: closed rounds
        no longer change); empty without the bank's key."""
        kunci = self.conf["kunci"]
        if kunci is None:
            return ""
        from .._angka import desimal, persen
        from ._statistik import convergence, summarise

        cache = self.conf["cache"]
        closed = [int(r) for r in states.loc[states["status"] == "tutup", "ronde"]]
        parts = []
        for ronde in closed:
            if ronde not in cache:
                cache[ronde] = summarise(self.sesi.penilaian(ronde), kunci, n_boot=200)
            r = cache[ronde]
            agree = "; ".join(
                f"{_STAT[x.statistik]} {x.skala} {desimal(x.nilai, 2)} [{desimal(x.ci_low, 2)}; {desimal(x.ci_high, 2)}]"
                for x in r.kesepakatan.itertuples()
            )
            acc = "; ".join(
                f"{x.skala}: tepat {persen(x.tepat, 0)}, kelonggaran {desimal(x.kelonggaran, 2, tanda=True)}"
                for x in r.akurasi.itertuples()
            )
            groups = "".join(_group_table(getattr(r, by), by, ronde) for by in _KELOMPOK)
            groups = (
                f"<div class='gulir'>{groups}</div><p class='catatan'>Kelompok dengan kurang dari "
                f"{AMBANG_BAWAAN} peserta digabung menjadi (lainnya); bila tetap kurang dari "
                f"{AMBANG_BAWAAN}, tidak ditampilkan.</p>"
            )
            top = ", ".join(r.kasus["kode_vinyet"].head(3))
            parts.append(
                f"<section class='angka' id='angka-{ronde}'><h2>Ronde {ronde}</h2><p>Kesepakatan: {escape_text(agree)}</p>"
                f"<p>Akurasi terhadap kunci: {escape_text(acc)}</p>{groups}"
                f"<p>Bahas lebih dulu: {escape_text(top)}</p></section>"
            )
        if len(closed) >= 2:
            key = ("perubahan", tuple(closed[:2]))
            if key not in cache:
                rows = self.sesi.penilaian()
                rows = rows[rows["ronde"].isin(closed[:2])]
                cache[key] = convergence(rows, kunci, closed[0], closed[1], n_boot=500)
            change = "; ".join(
                f"{x.skala} {_UKURAN[x.ukuran]} {desimal(x.perubahan, 2, tanda=True)} "
                f"[{desimal(x.ci_low, 2)}; {desimal(x.ci_high, 2)}]"
                for x in cache[key].itertuples()
            )
            parts.append(
                f"<section class='angka' id='perubahan'><h2>Ronde {closed[0]} → {closed[1]}: apakah ruangan menyatu?</h2>"
                f"<p>{escape_text(change)} (negatif = membaik; rentang 95 % bootstrap atas peserta "
                "yang ikut kedua ronde).</p></section>"
            )
        return "".join(parts)

    def post(self, action: str) -> None:
        self._check_token()
        ronde = self.sesi.ronde_aktif
        if action == "tutup" and ronde is not None:
            self.sesi.tutup_ronde(ronde)
        elif action == "buka":
            states = self.sesi.status_ronde()
            nxt = states.loc[states["status"] == "belum", "ronde"]
            if len(nxt):
                self.sesi.buka_ronde(int(nxt.iloc[0]))
        _notify(self.conf)
        self.redirect(f"{self.conf['prefix']}/pelatih?token={self.sesi.token_pelatih}")


class _WaitHandler(_TrainerHandler):
    """Long-poll for the dashboard: as soon as the session's fingerprint differs from
    ``versi`` it answers with the new dashboard body (header ``X-Versi``: the new
    fingerprint), so the page updates without a second request. Woken by this server's
    submissions at once; the fingerprint is also re-checked every ``periksa`` seconds for
    writes from elsewhere. After ``tunggu`` seconds unchanged it answers with no body."""

    SUPPORTED_METHODS = ("GET",)
    _gone = False

    def on_connection_close(self) -> None:
        self._gone = True  # the loop below ends at its next check

    async def get(self) -> None:
        self._check_token()
        seen = self.get_argument("versi", "")
        end = time.monotonic() + self.conf["tunggu"]
        while True:
            now = self.sesi.versi()
            left = end - time.monotonic()
            if now != seen or left <= 0 or self._gone:
                break
            wait = dt.timedelta(seconds=min(self.conf["periksa"], left))
            await self.conf["bangun"].wait(timeout=wait)
        body = ""
        if now != seen and not self._gone:
            now, body = self._body()
        self.set_header("X-Versi", now)
        self.finish(body)


def _dashboard_csp(nonce: str) -> str:
    """:data:`CSP` with the dashboard's own script allowed (by nonce) and fetches to this server."""
    return CSP.replace("script-src 'none'", f"script-src 'nonce-{nonce}'; connect-src 'self'")


_KELOMPOK = {"wilayah": "Wilayah", "instansi": "Instansi"}


def _group_table(frame, by: str, ronde: int) -> str:
    """Table ``<by>-<ronde>``: per group of ``by`` on the aspect scale its participants,
    exact share and leniency (groups below the anonymity threshold were already merged or
    dropped by :func:`~._statistik.group_summary`)."""
    from .._angka import desimal, persen

    rows = "".join(
        f"<tr><td>{escape_text(getattr(x, by))}</td><td>{x.n_peserta}</td>"
        f"<td>{escape_text(persen(x.tepat, 0))}</td>"
        f"<td>{escape_text(desimal(x.kelonggaran, 2, tanda=True))}</td></tr>"
        for x in frame[frame["skala"] == "aspek"].itertuples()
    )
    rows = rows or "<tr><td colspan='4'>– (tidak ada kelompok yang mencapai ambang)</td></tr>"
    return (
        f"<table class='kelompok' id='{by}-{ronde}'><caption>Per {by.lower()} (aspek)</caption>"
        f"<thead><tr><th>{_KELOMPOK[by]}</th><th>Peserta</th><th>Tepat</th><th>Kelonggaran</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _case_texts(kasus, bank) -> dict:
    """``kode`` -> the case's fields, with its indicators (list of dicts) and its evidence
    of behaviour (aspect -> text) when the bank has them."""
    if kasus is None and bank is not None:
        kasus = bank.kasus
    if kasus is None:
        return {}
    texts = kasus.set_index("kode").to_dict("index")
    indikator = getattr(bank, "indikator", None)
    if indikator is not None:
        for kode, part in indikator.groupby("kode", sort=False):
            if kode in texts:
                texts[kode]["indikator"] = part.sort_values("no").to_dict("records")
    perilaku = getattr(bank, "perilaku", None)
    if perilaku is not None:
        for kode, part in perilaku.groupby("kode", sort=False):
            if kode in texts:
                texts[kode]["perilaku"] = dict(zip(part["aspek"], part["bukti"], strict=True))
    return texts


def make_handlers(
    sesi,
    prefix: str = "",
    kasus=None,
    host: str = "127.0.0.1",
    refresh: int = 1,
    kunci=None,
    bank=None,
    url_peserta: str | None = None,
    tunggu: float = 25.0,
    periksa: float = 2.0,
) -> list[tuple]:
    """The routes of the session's pages under ``prefix``, ready for
    :meth:`tornado.web.Application.add_handlers` or :func:`make_app`.

    Parameters
    ----------
    sesi : Sesi
    prefix : str
        URL path the pages live under, without a trailing slash (``""`` for a server of
        their own, ``"/pelatihan"`` or ``"<base_url>pelatihan"`` inside a Jupyter server).
    kasus : DataFrame, optional
        Case texts (``kode``, ``judul``, ``ringkasan``, optionally ``jabatan``,
        ``unit_kerja``) shown on the form; ``bank.kasus`` when omitted.
    host : str
        The address participants use; requests must carry it (or localhost names) as ``Host``.
    refresh : int
        Seconds between dashboard reloads when the browser runs no JavaScript (with it the
        dashboard reloads when :class:`_WaitHandler` reports a change).
    kunci : DataFrame, optional
        The bank's key; with it the dashboard shows the numbers of every closed round
        (``bank.kunci`` when omitted).
    bank : VignetteBank, optional
        The vignette bank: the form then shows each case's SKP indicators and its
        evidence of behaviour per aspect.
    url_peserta : str, optional
        The participants' join address; the dashboard then shows it with a QR code.
    tunggu : float
        Longest hold of the dashboard's long-poll, seconds.
    periksa : float
        Seconds between checks of the session's fingerprint while a long-poll waits (this
        server's own submissions wake it at once; this catches writes from elsewhere).
    """
    prefix = prefix.rstrip("/")
    if kunci is None and bank is not None:
        kunci = getattr(bank, "kunci", None)
    conf = {
        "sesi": sesi,
        "prefix": prefix,
        "kasus": _case_texts(kasus, bank),
        "allowed_hosts": {"127.0.0.1", "localhost", "::1", host.lower()},
        "refresh": refresh,
        "kunci": kunci,
        "url_peserta": url_peserta,
        "qr": qr_svg(url_peserta) if url_peserta else "",
        "cache": {},
        "bangun": locks.Condition(),
        "tunggu": tunggu,
        "periksa": periksa,
    }
    args, prefix = {"conf": conf}, re.escape(prefix)
    return [
        (prefix + "/?", web.RedirectHandler, {"url": conf["prefix"] + "/daftar"}),
        (prefix + "/daftar", _JoinHandler, args),
        (prefix + r"/p/([A-Za-z0-9_\-]+)", _ParticipantHandler, args),
        (prefix + "/pelatih", _TrainerHandler, args),
        (prefix + "/pelatih/tunggu", _WaitHandler, args),
        (prefix + "/pelatih/(tutup|buka)", _TrainerHandler, args),
    ]


def make_app(sesi, **kwargs) -> web.Application:
    """The session's pages as a tornado application of their own, at the root path.

    ``kwargs`` are those of :func:`make_handlers` (``kasus``, ``host``, ``refresh``,
    ``kunci``, ``bank``, ``url_peserta``, ``tunggu``, ``periksa``). POSTs are checked against tornado's XSRF cookie.
    """
    return web.Application(
        make_handlers(sesi, **kwargs),
        xsrf_cookies=True,
        cookie_secret=secrets.token_bytes(32),
    )
