"""Build step that ships the course notebooks inside the package.

All metadata lives in ``pyproject.toml``; this file only adds one build step. The notebooks
stay in the repository's top-level ``notebooks/`` folder (the course is used from there);
``build_py`` copies ``notebooks/*.ipynb`` into the wheel as ``kinerja_calib/notebooks/``, so
an installed wheel can run the report template without the repository
(``kinerja_calib._notebooks.notebook_folder`` finds either copy). An editable install needs
no copy: the package sits next to ``notebooks/`` in the checkout.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithNotebooks(build_py):
    """``build_py`` that also copies ``notebooks/*.ipynb`` to ``kinerja_calib/notebooks/``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        notebooks = sorted((HERE / "notebooks").glob("*.ipynb"))
        if not any(nb.name == "laporan_instansi.ipynb" for nb in notebooks):
            raise SystemExit("notebooks/laporan_instansi.ipynb is missing: cannot build the wheel")
        dest = Path(self.build_lib) / "kinerja_calib" / "notebooks"
        self.mkpath(str(dest))
        for nb in notebooks:
            self.copy_file(str(nb), str(dest / nb.name))


setup(cmdclass={"build_py": BuildPyWithNotebooks})
