# Convenience wrappers around jalankan.py (which needs nothing but Python 3.11+).
.PHONY: siapkan laporan uji test lint format benchmark sampel
siapkan:
	python3 jalankan.py siapkan
laporan:
	python3 jalankan.py laporan
uji test:
	python3 jalankan.py uji
lint:
	.venv/bin/ruff check kinerja_calib tests benchmarks scripts jalankan.py setup.py
format:
	.venv/bin/ruff format kinerja_calib tests benchmarks scripts jalankan.py setup.py
benchmark:
	.venv/bin/python benchmarks/jalankan_semua.py --quick
sampel:
	.venv/bin/python scripts/buat_sampel.py
