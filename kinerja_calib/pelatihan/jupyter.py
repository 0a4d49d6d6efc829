"""A Jupyter Server extension serving a training session's pages on the trainer's Jupyter server.

The trainer's notebooks (``jupyter lab``, or Voilà dashboards at ``<base_url>voila/render/…``,
since Voilà runs as an extension of the same server) and the room's participant forms then share
one server and one port. The pages are those of :mod:`kinerja_calib.pelatihan._server`, mounted
unchanged under ``<base_url>pelatihan/``: ``daftar`` (join), ``p/<token>`` (a participant's
form), ``pelatih?token=…`` (the trainer's dashboard). They are plain tornado handlers, so each
participant costs a request, not a kernel, and they keep their own checks: ``Host`` must be this
server, POSTs must come from this server's ``Origin`` and carry tornado's XSRF token (the same
``_xsrf`` cookie Jupyter uses), the dashboard refuses a request without the session's trainer
token (so does its long-poll ``pelatih/tunggu``), pages carry a CSP under which no script runs
(the dashboard: only its own nonce'd script, fetching from this server alone). They do not ask
for the Jupyter token (the participants never get it); every Jupyter page still does.

Configuration (command-line option, config file, or environment variable; the option wins):

========================  ===================================  ===============================
option                    environment variable                 meaning
========================  ===================================  ===============================
``PelatihanJupyter.db``   ``KINERJA_CALIB_PELATIHAN_DB``       session folder or SQLAlchemy URL
``PelatihanJupyter.sesi`` ``KINERJA_CALIB_PELATIHAN_SESI``     the session code (``PLT-…``)
``PelatihanJupyter.host`` ``KINERJA_CALIB_PELATIHAN_HOST``     the address participants type
                                                               (default: the server's ``ip``)
========================  ===================================  ===============================

The trainer token is the session's own (printed by ``kinerja-calib pelatihan buat``), so the
dashboard link stays the same whichever server shows it.

For Voilà, start ``jupyter server`` (or ``jupyter lab``) rather than the standalone ``voila``
command: Voilà's own server builds a tornado application of its own and loads no Jupyter
Server extension, while on ``jupyter server`` Voilà is an extension serving
``<base_url>voila/render/<notebook>`` next to these pages (``kinerja-calib pelatihan mulai
--jupyter server``).

The extension is enabled only when asked: installing the package does **not** put a file in
``jupyter_server_config.d`` (that would mount the pages, and expose a session, in every Jupyter
any user of the environment starts). Either pass the shipped config file, which only enables
the extension::

    KINERJA_CALIB_PELATIHAN_DB=sesi/ KINERJA_CALIB_PELATIHAN_SESI=PLT-… \\
        jupyter lab --config="$(python -m kinerja_calib.pelatihan.jupyter)"

or let ``kinerja-calib pelatihan mulai --jupyter`` start ``jupyter lab`` that way. Without a
session configured the extension logs why and mounts nothing. With
``ServerApp.allow_unauthenticated_access=False`` it mounts nothing either: the participant
pages are unauthenticated by design, and that option asks for no such endpoint.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from traitlets import Unicode, default
from traitlets.config import Configurable

__all__ = ["CONFIG_FILE", "ENV", "PelatihanJupyter", "mount"]

#: The shipped Jupyter config file that enables this extension (and nothing else).
CONFIG_FILE = Path(__file__).with_name("jupyter_server_config.json")

#: Trait name -> the environment variable that provides its default.
ENV = {
    "db": "KINERJA_CALIB_PELATIHAN_DB",
    "sesi": "KINERJA_CALIB_PELATIHAN_SESI",
    "host": "KINERJA_CALIB_PELATIHAN_HOST",
}


class PelatihanJupyter(Configurable):
    """Which session the Jupyter server shows, read from the server's config."""

    db = Unicode(help="Folder sesi (SQLite) atau URL SQLAlchemy.").tag(config=True)
    sesi = Unicode(help="Kode sesi (PLT-…).").tag(config=True)
    host = Unicode(help="Alamat yang diketik peserta (default: ip server).").tag(config=True)

    @default("db")
    def _db_default(self) -> str:
        return os.environ.get(ENV["db"], "")

    @default("sesi")
    def _sesi_default(self) -> str:
        return os.environ.get(ENV["sesi"], "")

    @default("host")
    def _host_default(self) -> str:
        return os.environ.get(ENV["host"], "")


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "kinerja_calib.pelatihan.jupyter"}]


def _shown_host(ip: str) -> str:
    """The address participants type for a server bound to ``ip``."""
    if ip in ("", "0.0.0.0", "::"):
        return socket.gethostbyname(socket.gethostname())
    return ip


def mount(serverapp) -> str | None:
    """Add the session's pages to ``serverapp``'s web application.

    Returns
    -------
    str or None
        The participants' join URL, or ``None`` when nothing was mounted (the reason is logged).
    """
    from jupyter_server.utils import url_path_join

    from ._server import make_handlers
    from ._sesi import Sesi, resolve_bank

    conf = PelatihanJupyter(parent=serverapp)
    log = serverapp.log
    if not (conf.db and conf.sesi):
        log.warning(
            "kinerja_calib.pelatihan: no session configured (%s and %s, or "
            "--PelatihanJupyter.db/--PelatihanJupyter.sesi); nothing mounted",
            ENV["db"],
            ENV["sesi"],
        )
        return None
    if not serverapp.web_app.settings.get("allow_unauthenticated_access", True):
        log.error(
            "kinerja_calib.pelatihan: ServerApp.allow_unauthenticated_access is False, but the "
            "participant pages are unauthenticated by design; nothing mounted"
        )
        return None
    sesi = Sesi.buka(conf.db if "://" in conf.db else Path(conf.db), conf.sesi)
    host = conf.host or _shown_host(serverapp.ip)
    scheme = "https" if serverapp.certfile else "http"
    prefix = url_path_join(serverapp.base_url, "pelatihan")
    url = f"{scheme}://{host}:{serverapp.port}{prefix}/daftar"
    serverapp.web_app.add_handlers(
        ".*$", make_handlers(sesi, prefix, host=host, bank=resolve_bank(), url_peserta=url)
    )
    log.info("kinerja_calib.pelatihan: Peserta membuka: %s", url)
    log.info(
        "kinerja_calib.pelatihan: Dasbor pelatih (jangan dibagikan): %s://%s:%s%s/pelatih?token=%s",
        scheme,
        host,
        serverapp.port,
        prefix,
        sesi.token_pelatih,
    )
    return url


def _load_jupyter_server_extension(serverapp) -> None:
    mount(serverapp)


if __name__ == "__main__":  # the path of the shipped config file, for ``jupyter lab --config=``
    print(CONFIG_FILE)
