"""PDF copies of the reports, printed by headless Chromium (Playwright).

``kinerja-calib laporan … --pdf`` writes ``laporan_instansi.pdf`` beside each report's HTML.
The page is printed as a reader sees it, with the report's print stylesheet (A4, figures and
table rows never cut, headings kept with what follows). One browser serves the whole batch
(:class:`Pencetak`); every page opens in a fresh context with JavaScript off, and every
request other than the page itself is refused, so nothing is fetched from the network (the
page carries a restrictive Content-Security-Policy as well).

Chromium is not a Python package: it comes from the system (``apt-get install chromium`` on
Debian/Ubuntu) or from the path in the environment variable :data:`ENV_CHROMIUM`.
:func:`validate_pdf` says so in Indonesian, before any notebook runs, when it is missing.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from .errors import ReportError

__all__ = ["ENV_CHROMIUM", "Pencetak", "cari_chromium", "jumlah_halaman", "validate_pdf"]

#: Environment variable holding the Chromium binary to use (the tests set it too).
ENV_CHROMIUM = "KINERJA_CALIB_CHROMIUM"
_NAMA = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Page number at the foot of every page (Chromium's own template; no script of the page).
_KAKI = (
    "<div style='font-size:8px; width:100%; text-align:center; color:#555;'>"
    "<span class='title'></span> · halaman <span class='pageNumber'></span> dari "
    "<span class='totalPages'></span></div>"
)
_SARAN = (
    "Pasang Chromium (Debian/Ubuntu: sudo apt-get install chromium), atau isi variabel "
    f"lingkungan {ENV_CHROMIUM} dengan jalur program Chromium. Tanpa --pdf laporan HTML "
    "tetap dibuat."
)


def cari_chromium() -> str | None:
    """The Chromium binary: :data:`ENV_CHROMIUM` when set, else the first on ``PATH``."""
    env = os.environ.get(ENV_CHROMIUM, "").strip()
    if env:
        return env
    for nama in _NAMA:
        found = shutil.which(nama)
        if found:
            return found
    return None


def validate_pdf() -> str:
    """Return the Chromium binary for PDF output, or raise a clear Indonesian error.

    Raises
    ------
    ReportError
        Playwright is not installed, Chromium is not found, or :data:`ENV_CHROMIUM` names a
        file that is not an executable program.
    """
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise ReportError(
            "PDF memerlukan paket Python 'playwright', yang belum terpasang. Pasang dengan "
            "pip install playwright (atau python3 jalankan.py siapkan). Tanpa --pdf laporan "
            "HTML tetap dibuat."
        ) from None
    chromium = cari_chromium()
    if chromium is None:
        raise ReportError(f"PDF memerlukan peramban Chromium, tetapi tidak ditemukan. {_SARAN}")
    path = Path(chromium)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ReportError(
            f"Chromium untuk PDF tidak ditemukan di '{chromium}' (dari {ENV_CHROMIUM}), atau "
            f"berkas itu bukan program yang dapat dijalankan. {_SARAN}"
        )
    return str(path)


def jumlah_halaman(pdf: bytes) -> int:
    """Number of pages of a PDF (pypdf when installed, else its ``/Type /Page`` objects)."""
    try:
        import io

        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    return len(PdfReader(io.BytesIO(pdf)).pages)


class Pencetak:
    """One headless Chromium for a whole batch of reports.

    Examples
    --------
    ``with Pencetak(validate_pdf()) as p: data = p.cetak(Path("laporan_instansi.html"))``
    """

    def __init__(self, chromium: str, batas_waktu: float = 120.0) -> None:
        self.chromium = chromium
        self.batas_ms = int(batas_waktu * 1000)
        self._pw = None
        self._browser = None

    def __enter__(self) -> Pencetak:
        from playwright.sync_api import sync_playwright

        args = ["--disable-gpu", "--no-first-run", "--disable-sync", "--disable-extensions"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to start as root otherwise
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(
                executable_path=self.chromium, headless=True, args=args
            )
        except Exception as err:
            self._pw.stop()
            raise ReportError(
                f"Chromium ({self.chromium}) tidak dapat dijalankan untuk membuat PDF: "
                f"{str(err).splitlines()[0] if str(err) else type(err).__name__}. {_SARAN}"
            ) from None
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._pw is not None:
                self._pw.stop()

    def cetak(self, html: Path) -> bytes:
        """Print one HTML page to A4 PDF and return its bytes (nothing is fetched)."""
        url = Path(html).resolve().as_uri()
        context = self._browser.new_context(java_script_enabled=False)
        try:
            page = context.new_page()
            page.set_default_timeout(self.batas_ms)

            def hanya_halaman(route) -> None:
                if route.request.url == url:
                    route.continue_()
                else:
                    route.abort()

            page.route("**/*", hanya_halaman)
            page.goto(url, wait_until="load")
            return page.pdf(
                format="A4",
                print_background=True,
                prefer_css_page_size=True,
                display_header_footer=True,
                header_template="<div></div>",
                footer_template=_KAKI,
            )
        finally:
            context.close()
