"""The Chinese edition: one source, translated with Sphinx's gettext catalogs.

The English pages are the source. Their translatable text is extracted into
``.pot`` templates by a gettext build (from the execution cache: nothing is
executed), ``sphinx-intl`` merges the templates into the catalogs under
``locales/zh_CN/LC_MESSAGES/`` (one ``.po`` per page), and the Chinese site is
built from the same executed notebooks with ``language: zh_CN``. Usage::

    python scripts/i18n.py update        # re-extract, merge into the catalogs (make i18n-update)
    python scripts/i18n.py status        # per page: translated, fuzzy, untranslated
    python scripts/i18n.py check         # every translation keeps the maths, glue, references
    python scripts/i18n.py config OUTPUT.yml   # the Chinese build's _config.yml
    python scripts/i18n.py build         # build the Chinese site into _build/html/zh

A translated paragraph is parsed on its own, away from its notebook's glue
data, so a glued value in a translation names its notebook:
``{glue:text}`05_project.ipynb::test_auc:.3f``` (and ``:s`` when the English has no
format: ``{glue:text}`05_project.ipynb::best_epoch:s```). ``update`` writes that form
for the translator: a new message with glued values starts as a fuzzy
translation holding the English text with its glue references rewritten, and
any same-page glue reference in a translation is rewritten too.
"""

import argparse
import csv
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml
from babel.messages import pofile

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = "zh_CN"
LOCALES = ROOT / "locales"
CATALOGS = LOCALES / LANGUAGE / "LC_MESSAGES"
TERMINOLOGY = LOCALES / LANGUAGE / "terminology.tsv"
ZH_TOC = LOCALES / LANGUAGE / "_toc.yml"
BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
GLUE = BUILD / "jupyter_execute"  # MyST-NB's glue data of the English build, per notebook
ZH_OUT = BUILD / "zh"  # the Chinese build's own --path-output (doctrees, jupyter_execute)
ZH_HTML = BUILD / "html" / "zh"  # where the Chinese site is served, beside the English one
JB = [str(Path(sys.executable).parent / "jupyter-book")]
FLAGS = ["-W", "-n", "--keep-going"]
LINE_WIDTH = 76  # sphinx-intl's default, so `update` and `sphinx-intl update` agree

_GLUE = re.compile(r"\{glue(?::(?:text|any|md|math))?\}`([^`]+)`")
_ROLE = re.compile(r"\{(ref|numref|doc|cite|cite:t|cite:p|eq|download)\}`([^`]+)`")
_TERM = re.compile(r"\{term\}`([^`]+)`")
_MATH = re.compile(r"(?<![\\$])\$\$?([^$]+)\$\$?")


# --- configuration -------------------------------------------------------------------------

def _absolute(config):
    """A deep copy of a book configuration whose paths work from any configuration folder."""
    config = yaml.safe_load(yaml.safe_dump(config))
    config.setdefault("execute", {})["cache"] = str(CACHE)
    sphinx = config.setdefault("sphinx", {})
    sphinx["recursive_update"] = True
    sphinx["local_extensions"] = {name: str(ROOT / path)
                                  for name, path in sphinx.get("local_extensions", {}).items()}
    sphinx_config = sphinx.setdefault("config", {})
    sphinx_config["gettext_compact"] = False  # one catalog per page
    sphinx_config["gettext_location"] = False  # no line numbers: a moved paragraph is no change
    sphinx_config["gettext_uuid"] = False
    return config


def gettext_config(config):
    """The configuration of the build that extracts the ``.pot`` templates.

    The notebooks' outputs are rendered as for HTML, so the text extracted is the text
    the HTML pages show (a table's HTML, not its LaTeX: no table is a message).
    """
    from myst_nb.core.render import base_render_priority

    config = _absolute(config)
    config["sphinx"]["config"]["nb_mime_priority_overrides"] = [
        ["gettext", mime, priority] for mime, priority in base_render_priority()["html"].items()
    ]
    return config


def zh_config(config):
    """The Chinese edition's configuration: the book's own, in Chinese, from the same cache."""
    config = _absolute(config)
    config["title"] = "神经网络异常检测：一本可执行的书"
    # a fast translated build (see the extension's docstring)
    config["sphinx"]["local_extensions"]["translated_build"] = str(ROOT / "book" / "_ext")
    sphinx_config = config["sphinx"]["config"]
    sphinx_config.update(
        language=LANGUAGE,
        locale_dirs=[str(LOCALES)],
        html_search_language="zh",
        html_search_options={"dict": str(ZH_OUT / "jieba_dict.txt")},
        # the language switch (book/_ext/language_switch.py): the English site is one
        # folder up from the Chinese one
        language_alternates={"en": "../"},
        # reading times (book/_ext/course.py) count Chinese characters: about 300 a minute
        course_words_per_minute=300,
    )
    sphinx_config["html_context"] = dict(sphinx_config.get("html_context", {}),
                                         language_name="中文")
    return config


def terminology():
    """The terminology table: a list of (English, Chinese, note)."""
    lines = [line for line in TERMINOLOGY.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    rows = list(csv.reader(lines[1:], delimiter="\t"))
    for row in rows:
        if len(row) not in (2, 3) or not row[0] or not row[1]:
            raise ValueError(
                f"{TERMINOLOGY}: a row needs an English and a Chinese term, got {row!r}")
    return [(row[0], row[1], row[2] if len(row) == 3 else "") for row in rows]


def write_jieba_dictionary(path):
    """jieba's user dictionary: every Chinese term of the table as one word."""
    words = []
    for _, chinese, _ in terminology():
        for word in re.split(r"[\s/]+", chinese):
            if re.search(r"[\u4e00-\u9fff]", word) and word not in words:
                words.append(word)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a high frequency, so the term wins over any split of it into shorter words
    path.write_text("".join(f"{word} 100000 n\n" for word in words), encoding="utf-8")
    return words


# --- catalogs ------------------------------------------------------------------------------

def catalog_path(docname):
    return CATALOGS / f"{docname}.po"


def toc_pages(toc_path):
    """The pages a table of contents lists, root first (e.g. 'book/05_project')."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries:
            pages.append(entry["file"])
            walk(entry.get("sections") or [])

    for part in toc.get("parts", []):
        walk(part["chapters"])
    walk(toc.get("chapters") or [])
    return pages


def read_catalog(path):
    with open(path, "rb") as f:
        return pofile.read_po(f, abort_invalid=True)


def write_catalog(catalog, path):
    with open(path, "wb") as f:
        pofile.write_po(f, catalog, width=LINE_WIDTH)


def messages(catalog):
    """The catalog's live messages (the header and obsolete ones left out)."""
    return [m for m in catalog if m.id and not isinstance(m.id, tuple)]


def counts(catalog):
    """(translated, fuzzy, untranslated) messages of a catalog."""
    tally = Counter()
    for message in messages(catalog):
        if message.fuzzy:
            tally["fuzzy"] += 1
        elif message.string:
            tally["translated"] += 1
        else:
            tally["untranslated"] += 1
    return tally["translated"], tally["fuzzy"], tally["untranslated"]


def cross_document_glue(text, docname):
    """Rewrite every same-page glue reference of ``text`` into ``page.ipynb::key`` form."""
    notebook = Path(docname).name + ".ipynb"

    def rewrite(match):
        whole, body = match.group(0), match.group(1)
        new = body if "::" in body else f"{notebook}::{body}"
        if whole.startswith("{glue:text}") and ":" not in new.split("::", 1)[1]:
            # MyST-NB reads `page::key` without a format as key "page:", format "key"
            new += ":s"
        return whole.replace(f"`{body}`", f"`{new}`")

    return _GLUE.sub(rewrite, text)


def prepare_catalog(path, docname):
    """Give the translator the glue form a translation needs (see the module's docstring).

    Returns the number of messages changed.
    """
    catalog = read_catalog(path)
    changed = 0
    for message in messages(catalog):
        if not message.string and _GLUE.search(message.id):
            message.string = cross_document_glue(message.id, docname)
            message.flags.add("fuzzy")
            changed += 1
        elif message.string and message.string != cross_document_glue(message.string, docname):
            message.string = cross_document_glue(message.string, docname)
            changed += 1
    if changed:
        write_catalog(catalog, path)
    return changed


def extract(pot_folder):
    """Extract the ``.pot`` templates of every page into ``pot_folder`` (a gettext build)."""
    pot_folder = Path(pot_folder)
    with tempfile.TemporaryDirectory(prefix="gettext-") as tmp:
        config = Path(tmp) / "_config.yml"
        book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
        config.write_text(yaml.safe_dump(gettext_config(book), sort_keys=False,
                                         allow_unicode=True), encoding="utf-8")
        # its own --path-output: a gettext build's doctrees break a later HTML build
        subprocess.run(JB + ["build", str(ROOT), "--config", str(config), "--path-output",
                             tmp, "--builder", "custom", "--custom-builder", "gettext",
                             *FLAGS], check=True, stdout=subprocess.DEVNULL)
        if pot_folder.exists():
            shutil.rmtree(pot_folder)
        shutil.copytree(Path(tmp) / "_build" / "gettext", pot_folder)
    return pot_folder


def merge(pot_folder, locale_dir):
    """Merge the templates into the catalogs of ``locale_dir`` (``sphinx-intl update``)."""
    subprocess.run([sys.executable, "-m", "sphinx_intl", "update", "--pot-dir", str(pot_folder),
                    "--locale-dir", str(locale_dir), "--language", LANGUAGE,
                    "--line-width", str(LINE_WIDTH), "--no-obsolete", "--jobs", "1"],
                   check=True, stdout=subprocess.DEVNULL)


def update(locale_dir=LOCALES):
    """Re-extract the templates and bring the catalogs in ``locale_dir`` up to date."""
    with tempfile.TemporaryDirectory(prefix="pot-") as tmp:
        pot = extract(Path(tmp) / "pot")
        merge(pot, locale_dir)
        catalogs = Path(locale_dir) / LANGUAGE / "LC_MESSAGES"
        for template in sorted(pot.rglob("*.pot")):
            docname = template.relative_to(pot).with_suffix("").as_posix()
            prepare_catalog(catalogs / f"{docname}.po", docname)
        # a page that left the book leaves its catalog behind: remove it
        pages = {t.relative_to(pot).with_suffix("").as_posix() for t in pot.rglob("*.pot")}
        for path in catalogs.rglob("*.po"):
            if path.relative_to(catalogs).with_suffix("").as_posix() not in pages:
                path.unlink()
        for path in catalogs.rglob("*.mo"):
            path.unlink()


def status(locale_dir=LOCALES, pages=None):
    """{docname: (translated, fuzzy, untranslated)} for every catalog (or the given pages)."""
    catalogs = Path(locale_dir) / LANGUAGE / "LC_MESSAGES"
    result = {}
    for path in sorted(catalogs.rglob("*.po")):
        docname = path.relative_to(catalogs).with_suffix("").as_posix()
        if pages is None or docname in pages:
            result[docname] = counts(read_catalog(path))
    return result


# --- checking translations -----------------------------------------------------------------

def glue_keys(docname):
    """The glue keys the English build stored for a notebook (an empty set for a Markdown page)."""
    import json

    path = GLUE / f"{docname}.glue.json"
    if not path.exists():
        return set()
    return set(json.loads(path.read_text()))


def _glue_refs(text, docname):
    refs = []
    for body in _GLUE.findall(cross_document_glue(text, docname)):
        page, _, rest = body.partition("::")
        key = rest.rsplit(":", 1)[0] if rest.count(":") else rest
        refs.append((page, key))
    return refs


def _target(body):
    """The target of a role's text: ``label`` or ``shown text <label>``."""
    match = re.fullmatch(r"(.*?)\s*<([^<>]+)>", body, flags=re.S)
    return (match.group(2) if match else body).strip()


def _term_target(body):
    return " ".join(_target(body).lower().split())


def problems(message, docname, keys=None):
    """What is wrong with one translation: a list of sentences (empty when it is sound)."""
    if not message.string or message.fuzzy:
        return []
    source, target = message.id, message.string
    found = []
    folder = Path(docname).parent.as_posix()
    for page, key in _glue_refs(target, docname):
        if "::" not in target and _GLUE.search(target):
            found.append("a glue reference is not in the `page.ipynb::key` form")
            break
        doc = f"{folder}/{Path(page).with_suffix('').as_posix()}" if folder != "." else page
        available = keys(doc) if keys else glue_keys(doc)
        if key not in available:
            found.append(f"glue key {key!r} not found in {doc}")
    # A glued value that is English text (a word chosen by a computed condition) has a
    # Chinese twin, glued by the same cell under the same key with "_zh" appended.
    if Counter(k for _, k in _glue_refs(source, docname)) != Counter(
            k.removesuffix("_zh") for _, k in _glue_refs(target, docname)):
        found.append("the glued values differ from the English")
    # the same references, as many times each: Sphinx warns of "inconsistent references"
    roles = tuple(Counter((role, _target(body)) for role, body in _ROLE.findall(text))
                  for text in (source, target))
    if roles[0] != roles[1]:
        found.append("the cross-references and citations differ from the English: "
                     f"{sorted((roles[0] - roles[1]) + (roles[1] - roles[0]))}")
    if Counter(_term_target(b) for b in _TERM.findall(source)) != Counter(
            _term_target(b) for b in _TERM.findall(target)):
        found.append("the glossary links differ from the English "
                     "(keep the English term as the target: {term}`自编码器 <autoencoder>`)")
    if sorted(m.strip() for m in _MATH.findall(source)) != sorted(
            m.strip() for m in _MATH.findall(target)):
        found.append("the maths differs from the English")
    if re.search(r"[\u4e00-\u9fff]", source) is None and re.search(
            r"[\u4e00-\u9fff]", target) is None and _needs_translation(source):
        found.append("the translation has no Chinese in it")
    return found


def _needs_translation(text):
    """Whether a message is prose (not a name, a number, code or a formula alone)."""
    prose = _MATH.sub("", _GLUE.sub("", _ROLE.sub("", text)))
    prose = re.sub(r"`[^`]*`|\{[a-z:-]+\}|https?://\S+|\\[A-Za-z]+", "", prose)
    return len(re.findall(r"[A-Za-z]{3,}", prose)) >= 3


def check(locale_dir=LOCALES):
    """Every problem of every translation, as ``page: "message": problem`` lines."""
    catalogs = Path(locale_dir) / LANGUAGE / "LC_MESSAGES"
    report = []
    for path in sorted(catalogs.rglob("*.po")):
        docname = path.relative_to(catalogs).with_suffix("").as_posix()
        for message in messages(read_catalog(path)):
            for problem in problems(message, docname):
                report.append(f"{docname}: {message.id[:60]!r}: {problem}")
    return report


# --- the Chinese build ---------------------------------------------------------------------

def build():
    """Build the Chinese site from the execution cache into _build/html/zh."""
    book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    ZH_OUT.mkdir(parents=True, exist_ok=True)
    config = ZH_OUT / "_config.yml"
    config.write_text(yaml.safe_dump(zh_config(book), sort_keys=False, allow_unicode=True),
                      encoding="utf-8")
    write_jieba_dictionary(ZH_OUT / "jieba_dict.txt")
    log = ZH_OUT / "build.log"
    with open(log, "w") as out:
        done = subprocess.run(JB + ["build", str(ROOT), "--config", str(config), "--toc",
                                    str(ZH_TOC), "--path-output", str(ZH_OUT), *FLAGS],
                              stdout=out, stderr=subprocess.STDOUT)
    text = log.read_text()
    if done.returncode:
        sys.stdout.write(text[-6000:])
        raise SystemExit(f"the Chinese build failed (log: {log})")
    # MyST-NB logs "PATH.ipynb: Executing notebook using local CWD" for each cache miss
    executed = re.findall(r"(\S+\.ipynb): Executing notebook", re.sub(r"\x1b\[[0-9;]*m", "", text))
    if executed:
        raise SystemExit(f"the Chinese build executed notebooks {executed}: it must take them "
                         "from the English build's cache (run `make html` first)")
    if ZH_HTML.exists():
        shutil.rmtree(ZH_HTML)
    shutil.copytree(ZH_OUT / "_build" / "html", ZH_HTML)
    for path in CATALOGS.rglob("*.mo"):  # compiled by the build; the .po files are the source
        path.unlink()
    print(f"The Chinese edition is at {ZH_HTML / 'index.html'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="re-extract the templates and merge them into the catalogs")
    sub.add_parser("status", help="translated / fuzzy / untranslated messages per page")
    sub.add_parser("check", help="check every translation against its English")
    sub.add_parser("build", help="build the Chinese site into _build/html/zh")
    config = sub.add_parser("config", help="write the Chinese build's configuration")
    config.add_argument("output")
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
        args.command = "status"
    if args.command == "status":
        pages = set(toc_pages(ZH_TOC)) if ZH_TOC.exists() else None
        totals = Counter()
        for docname, (done, fuzzy, missing) in status().items():
            listed = "" if pages is None or docname in pages else "  (not in the Chinese toc)"
            print(f"{docname}.po: {done} translated, {fuzzy} fuzzy, {missing} untranslated."
                  f"{listed}")
            totals.update(translated=done, fuzzy=fuzzy, untranslated=missing)
        print(f"total: {totals['translated']} translated, {totals['fuzzy']} fuzzy, "
              f"{totals['untranslated']} untranslated.")
    elif args.command == "check":
        report = check()
        print("\n".join(report) or "every translation keeps its maths, glue and references")
        return 1 if report else 0
    elif args.command == "build":
        build()
    elif args.command == "config":
        book = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
        Path(args.output).write_text(yaml.safe_dump(zh_config(book), sort_keys=False,
                                                    allow_unicode=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
