"""What the Chinese edition costs: its build, the extraction of the English text, and
the message counts.

Usage (from the repository root, after `make html`, in the project's environment)::

    python benchmarks/i18n_times.py

The Chinese build (`scripts/i18n.py build`) reads every notebook from the English
build's execution cache, so its time is what it adds to a cached `make html`. The
extraction and merge is what `make i18n-update` and the drift test in
tests/book/test_i18n.py do (here into a temporary copy of the catalogs).
"""

import importlib.util
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("i18n", ROOT / "scripts" / "i18n.py")
i18n = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(i18n)


def main():
    if not (i18n.CACHE.exists() and (ROOT / "_build" / "html" / "index.html").exists()):
        raise SystemExit("build the English site first: make html")
    start = time.perf_counter()
    i18n.build()
    build_seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(i18n.LOCALES, Path(tmp) / "locales")
        start = time.perf_counter()
        i18n.extract(Path(tmp) / "pot")
        i18n.merge(Path(tmp) / "pot", Path(tmp) / "locales")
        extract_seconds = time.perf_counter() - start
        status = i18n.status(Path(tmp) / "locales")
    totals = Counter()
    for translated, fuzzy, untranslated in status.values():
        totals.update(translated=translated, fuzzy=fuzzy, untranslated=untranslated)
    words = sum(len(m.id.split()) for path in i18n.CATALOGS.rglob("*.po")
                for m in i18n.messages(i18n.read_catalog(path)))
    characters = sum(len(m.string) for path in i18n.CATALOGS.rglob("*.po")
                     for m in i18n.messages(i18n.read_catalog(path)))
    print(f"Chinese build from the cache:        {build_seconds:6.1f} s")
    print(f"extraction and merge (i18n-update):  {extract_seconds:6.1f} s")
    print(f"pages: {len(status)}; messages: {sum(totals.values())} "
          f"({totals['translated']} translated, {totals['fuzzy']} fuzzy, "
          f"{totals['untranslated']} untranslated)")
    print(f"English words in the messages: {words:,}; "
          f"characters in the translations: {characters:,}")


if __name__ == "__main__":
    sys.exit(main())
