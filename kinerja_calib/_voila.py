"""``python -m kinerja_calib._voila``: the workshop's Voila server, locked down.

Voila 0.5 (on jupyter_server 2) serves the dashboard; :class:`WorkshopVoila` adds what a
workshop room needs on top of it:

* **Token on every request.** The token comes from ``JUPYTER_TOKEN`` (set by
  :func:`kinerja_calib.workshop.serve`, so it never shows in ``ps``); a server without one
  refuses to start. Voila's own page and kernel API already ask for it; the static-file
  routes (Voila's assets and ``/voila/files/``), which Voila serves to anyone, are wrapped
  so they ask too. Only the login page (in Indonesian; the token can be typed in, nothing
  else: no password, no password set-up) is public.
* **Host check.** Requests are routed only when their ``Host`` is the bound address
  (plus ``localhost`` for a loopback bind); any other name — e.g. a DNS-rebinding page at
  ``evil.example`` — gets 403, websocket upgrades included.
* **Origin check.** jupyter_server skips the Origin check for requests carrying the token;
  here every API request and websocket whose ``Origin`` is not this server is refused.
* **Bounded kernels.** :class:`WorkshopKernelManager` refuses a new dashboard session
  (HTTP 503, Indonesian message) once ``max_kernels`` kernels run or start; idle kernels
  without an open page are culled by jupyter_server's culler (configured on the command
  line by :func:`kinerja_calib.workshop._voila_command`).
* **Dies with its parent.** On Linux ``PR_SET_PDEATHSIG`` sends SIGTERM when the
  ``kinerja-calib workshop`` process dies, even by SIGKILL; SIGINT and SIGTERM stop the
  server cleanly (kernels shut down) and an alarm ends it if that takes too long.
* **Nothing from the internet.** Voila's "lab" page links Font Awesome from a CDN; the
  workshop serves :data:`TEMPLAT` first on the template path, the same page without those
  links (the dashboard uses no icon), and refuses ``?template=`` overrides (the "classic"
  template would fetch Font Awesome again).
* nbclient's lost-reply fix (:mod:`kinerja_calib._nbclient`): Voila executes the dashboard
  with no cell time-out, so a reply lost after an ``Output``-widget echo left the page
  loading for ever.
"""

from __future__ import annotations

import hmac
import html
import inspect
import ipaddress
import os
import re
import signal
import sys
import tempfile
import webbrowser
from functools import partial
from pathlib import Path

from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.auth.login import LoginFormHandler
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.log import log_request
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.routing import HostMatches
from traitlets import Integer, default
from voila.app import Voila

from ._nbclient import patch_output_widgets
from ._processes import ENV_INDUK, mati_bersama

#: Folder with the dashboard page template (Voila's "lab" page without CDN style sheets).
TEMPLAT = Path(__file__).resolve().parent / "_voila_templat"

#: Seconds a clean stop (SIGINT/SIGTERM) may take before the process is ended by SIGALRM.
STOP_GRACE_S = 15

#: Reason phrase of the 503 page once the kernel cap is reached (ASCII: it is also the
#: HTTP status line). Voila's error page shows it as "503: <reason>".
PENUH = (
    "Server workshop penuh: {n} sesi dasbor sedang berjalan. Tutup tab dasbor yang tidak "
    "dipakai, atau coba lagi beberapa menit lagi (sesi yang menganggur ditutup otomatis)"
)


def die_with_parent() -> None:
    """SIGTERM this server when the CLI that started it dies (:func:`~kinerja_calib._processes.mati_bersama`).

    Only when :data:`~kinerja_calib._processes.ENV_INDUK` names the expected parent (the CLI
    sets it); the parent then also stops the server itself on SIGINT/SIGTERM.
    """
    expected = os.environ.get(ENV_INDUK)
    if expected:
        mati_bersama(int(expected), signal.SIGTERM)


class WorkshopKernelManager(AsyncMappingKernelManager):
    """Kernel manager that refuses a new kernel once ``max_kernels`` run or are starting.

    Kernels being started count from the moment they are requested (a burst of page loads
    cannot overshoot the cap); the refusal is an HTTP 503 whose message Voila shows.
    """

    max_kernels = Integer(
        40, min=1, config=True, help="Most kernels (dashboard sessions) at the same time."
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._reserved: set[str] = set()

    async def start_kernel(self, *, kernel_id: str | None = None, **kwargs) -> str:
        """Start a kernel unless the cap is reached (then raise HTTP 503)."""
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(kernel_id=kernel_id, **kwargs)
        if len(set(self.list_kernel_ids()) | self._reserved) >= self.max_kernels:
            self.log.warning("Kernel cap reached (%d): new session refused", self.max_kernels)
            raise web.HTTPError(503, reason=PENUH.format(n=self.max_kernels))
        kernel_id = kernel_id or self.new_kernel_id()
        self._reserved.add(kernel_id)
        try:
            return await super().start_kernel(kernel_id=kernel_id, **kwargs)
        finally:
            self._reserved.discard(kernel_id)


#: The login page (the one page open without the token): Indonesian, self-contained.
LOGIN_PAGE = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Dasbor workshop</title></head>
<body style="font-family: sans-serif; max-width: 38em; margin: 3em auto; padding: 0 1em">
<h1 style="font-size: 1.4em">Dasbor workshop kinerja-calib</h1>
<p>Dasbor ini hanya terbuka dengan alamat lengkap dari instruktur, yang berakhiran
<code>?token=&hellip;</code>. Buka alamat itu, atau tempel tokennya di sini:</p>
@SALAH@<form method="post" action="">@XSRF@
<label>Token: <input type="password" name="password" autocomplete="off" autofocus></label>
<button type="submit">Masuk</button></form>
</body></html>
"""


class WorkshopLoginHandler(LoginFormHandler):
    """The login form in Indonesian, with no password set-up (the token is the only key)."""

    def _render(self, message=None):
        salah = '<p role="alert"><strong>Token salah.</strong></p>\n' if message else ""
        self.set_header("Content-Type", "text/html; charset=utf-8")
        page = LOGIN_PAGE.replace("@SALAH@", salah)
        self.write(page.replace("@XSRF@", self.xsrf_form_html()))


class WorkshopIdentityProvider(PasswordIdentityProvider):
    """Token-only identity provider that checks ``Origin`` even on token-carrying requests.

    jupyter_server's form also accepts a configured password and lets a token holder set a
    new one (written to a ``jupyter_server_config.json`` in the working directory); here the
    token is the only key and nothing is written.
    """

    def should_check_origin(self, handler: web.RequestHandler) -> bool:
        """Always check: a page elsewhere must not drive the kernels, token or not."""
        return True

    def process_login_form(self, handler: web.RequestHandler):
        """Log in whoever types the token; nothing else (no password, no password change)."""
        typed = handler.get_argument("password", default="")
        if self.token and hmac.compare_digest(typed.encode(), self.token.encode()):
            return self.generate_anonymous_user(handler)
        return None

    def get_handlers(self) -> list:
        """Only the (Indonesian) login page."""
        return [(r"/login", WorkshopLoginHandler)]


class _LoginRequired:
    """Mixin: refuse (403) any request without a logged-in user, after the usual prepare."""

    async def prepare(self, *args, **kwargs):
        result = super().prepare(*args, **kwargs)
        if inspect.isawaitable(result):
            await result
        if self.current_user is None and not self._finished:
            raise web.HTTPError(403)


def _login_required(handler: type[web.RequestHandler]) -> type[web.RequestHandler]:
    """Return a subclass of ``handler`` that serves only logged-in users."""
    bases = (handler,) if issubclass(handler, JupyterHandler) else (JupyterHandler, handler)
    return type(f"LoginRequired{handler.__name__}", (_LoginRequired, *bases), {})


class _WrongHostHandler(web.RequestHandler):
    """Answers every request whose ``Host`` is not this server's address."""

    def prepare(self):
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(
            "Ditolak: alamat (Host) ini bukan alamat server workshop. Buka alamat yang "
            "ditampilkan oleh `kinerja-calib workshop`.\n"
        )


def allowed_host_names(ip: str) -> list[str]:
    """Host names (without port) a request may carry for a server bound to ``ip``.

    Examples
    --------
    >>> allowed_host_names("127.0.0.1")
    ['127.0.0.1', 'localhost']
    >>> allowed_host_names("192.168.1.10")
    ['192.168.1.10']
    """
    addr = ipaddress.ip_address(ip)
    names = [f"[{addr}]" if addr.version == 6 else str(addr)]
    if addr.is_loopback:
        names.append("localhost")
    return names


class WorkshopVoila(Voila):
    """Voila application with the workshop's safety rules (see the module docstring)."""

    @default("ip")
    def _default_ip(self):
        return "127.0.0.1"

    @default("identity_provider_class")
    def _default_identity_provider_class(self):
        return WorkshopIdentityProvider

    @default("auto_token")
    def _default_auto_token(self):
        return True

    @default("port_retries")
    def _default_port_retries(self):
        return 0  # the URL the CLI printed must be the one that works

    def setup_template_dirs(self):
        """Voila's template paths with :data:`TEMPLAT` first; no template override by URL."""
        super().setup_template_dirs()
        self.voila_configuration.allow_template_override = "NO"
        self.template_paths.insert(0, str(TEMPLAT))

    def initialize(self, argv=None):
        """Initialise Voila, then make SIGINT stop the server like SIGTERM does."""
        super().initialize(argv)
        signal.signal(signal.SIGINT, self._handle_signal_stop)

    def _handle_signal_stop(self, sig, frame):
        signal.alarm(STOP_GRACE_S)  # a stuck kernel shutdown cannot keep the server alive
        if getattr(self, "ioloop", None) is None:
            sys.exit(128 + sig)  # still starting: nothing to shut down yet
        super()._handle_signal_stop(sig, frame)

    def init_handlers(self) -> list:
        """Voila's handlers, each requiring a login except the login/logout pages."""
        public = {rule[1] for rule in self.identity_provider.get_handlers()}
        return [
            (rule[0], rule[1] if rule[1] in public else _login_required(rule[1]), *rule[2:])
            for rule in super().init_handlers()
        ]

    def listen(self):
        """Enforce the token, Host and Origin rules on the built app, then listen."""
        if not self.identity_provider.token:
            self.log.critical("Refusing to serve without a token (set JUPYTER_TOKEN).")
            self.exit(1)
        settings = self.app.settings
        for key in ("allow_origin", "allow_origin_pat", "allow_unauthenticated_access"):
            settings.pop(key, None)  # a user's voila.json cannot re-open the server
        # jupyter_server's request log, which scrubs ?token= from logged URLs
        settings["log_function"] = partial(log_request, record_prometheus_metrics=False)
        settings["default_handler_class"] = _WrongHostHandler
        settings["default_handler_args"] = {}
        pattern = "(?:" + "|".join(map(re.escape, allowed_host_names(self.ip))) + ")$"
        host_rules = [
            r for r in self.app.default_router.rules if isinstance(r.matcher, HostMatches)
        ]
        if len(host_rules) != 1:  # pragma: no cover - Voila changed how it adds handlers
            raise RuntimeError(f"Expected one host rule in Voila's app, found {len(host_rules)}")
        host_rules[0].matcher = HostMatches(pattern)
        super().listen()

    def launch_browser(self):
        """Open the browser on the token URL through a private redirect file.

        The token goes in a file only this user can read (like Jupyter Server does), not on
        the browser's command line where ``ps`` would show it; :meth:`stop` removes it.
        """
        try:
            browser = webbrowser.get(self.browser or None)
        except webbrowser.Error as err:
            self.log.warning("No web browser found: %s.", err)
            return
        url = f"{self.connection_url}?token={self.identity_provider.token}"
        fd, path = tempfile.mkstemp(prefix="kinerja_calib_", suffix=".html")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(
                '<!DOCTYPE html><meta charset="utf-8">'
                f'<meta http-equiv="refresh" content="0;url={html.escape(url)}">'
                f'<a href="{html.escape(url)}">Buka dasbor workshop</a>\n'
            )
        self._browser_file = path
        browser.open(Path(path).as_uri(), new=self.webbrowser_open_new)

    def stop(self):
        """Shut the kernels down and remove the browser redirect file."""
        path = getattr(self, "_browser_file", None)
        if path:
            Path(path).unlink(missing_ok=True)
        super().stop()


def main() -> int:
    """Die with the parent, apply the nbclient fix, then run :class:`WorkshopVoila`."""
    die_with_parent()
    patch_output_widgets()
    return WorkshopVoila.launch_instance() or 0


if __name__ == "__main__":
    sys.exit(main())
