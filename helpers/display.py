"""Showing results in a chapter: glued values and formatted tables.

The book's pages are built with MyST-NB, whose ``glue`` stores a value for the
prose to quote. A chapter opened on Colab or in a bare Jupyter has no MyST-NB:
there :func:`glue` shows ``name = value`` instead, so the numbers the prose
refers to are still on the screen. :class:`Table` formats a DataFrame for the
web page (HTML) and the PDF (LaTeX) alike.

Taught in :ref:`sec_project`; :func:`versions` in :ref:`sec_tools`.
"""

import hashlib
import importlib.metadata
import numbers
import platform

import numpy as np
import pandas as pd

__all__ = ["Table", "glue", "glue_all", "versions"]


def _check_name(name):
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier (letters, digits, _); got {name!r}.")


def glue(name, value, *, display=False):
    """Store ``value`` under ``name`` for the page's prose to quote.

    With MyST-NB installed (the book's build), this is ``myst_nb.glue``.
    Without it (Colab, a downloaded notebook), it prints ``name = value`` so the
    reader still sees the number the text refers to.

    Parameters
    ----------
    name : str
        The key the prose uses, e.g. ``{glue:text}`name:.3f```.
    value : object
        A number, string, figure or table.
    display : bool, default=False
        Whether MyST-NB also shows the value where the cell runs.
    """
    _check_name(name)
    if not isinstance(display, bool):
        raise TypeError(f"display must be True or False; got {display!r}.")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        _show(name, value)
        return
    myst_glue(name, value, display=display)


def glue_all(values, *, display=False):
    """Glue every item of a mapping ``{name: value}`` (see :func:`glue`)."""
    if not hasattr(values, "items"):
        raise TypeError(f"values must be a mapping of name -> value; got {type(values).__name__}.")
    for name, value in values.items():
        glue(name, value, display=display)


def _show(name, value):
    if isinstance(value, numbers.Number | np.generic | str):
        print(f"{name} = {value}")
        return
    print(f"{name} =")
    try:
        from IPython.display import display as ipython_display
    except ImportError:  # plain Python: no rich display
        print(value)
        return
    ipython_display(value)


class Table:
    """A DataFrame shown as a book's table: formatted, captioned, HTML and LaTeX.

    Parameters
    ----------
    data : pandas DataFrame
    formats : dict of str -> str or callable, optional
        Per column, a format spec (``"{:.3f}"``) or a function of the value.
    caption : str, optional
        A sentence shown above the table.
    index : bool, default=False
        Whether the row labels are shown.
    """

    def __init__(self, data, *, formats=None, caption=None, index=False):
        if not isinstance(data, pd.DataFrame):
            raise TypeError(f"data must be a pandas DataFrame; got {type(data).__name__}.")
        formats = {} if formats is None else dict(formats)
        unknown = [column for column in formats if column not in data.columns]
        if unknown:
            raise ValueError(
                f"formats names columns that data does not have: {unknown}; "
                f"the columns are {list(data.columns)}."
            )
        if caption is not None and not isinstance(caption, str):
            raise TypeError(f"caption must be a string or None; got {type(caption).__name__}.")
        self.data = data
        self.formats = formats
        self.caption = caption
        self.index = bool(index)

    def _cells(self):
        """The table as strings, formatted column by column."""
        cells = self.data.copy().astype(object)
        for column, spec in self.formats.items():
            formatter = spec.format if isinstance(spec, str) else spec
            cells[column] = [formatter(value) for value in self.data[column]]
        for column in cells.columns:
            if column not in self.formats:
                cells[column] = [str(value) for value in cells[column]]
        return cells

    def _numeric(self):
        """The columns that hold numbers: right-aligned, as a book sets figures."""
        return [column for column in self.data.columns
                if pd.api.types.is_numeric_dtype(self.data[column])
                and not pd.api.types.is_bool_dtype(self.data[column])]

    def _styler(self):
        # A fixed id from the content (pandas draws a random one), so builds are identical.
        digest = hashlib.sha1(repr(self).encode()).hexdigest()[:8]
        styler = self._cells().style.set_uuid(f"table-{digest}")
        # The theme's table style (borders, zebra rows, both colour modes) is for "dataframe".
        styler = styler.set_table_attributes('class="dataframe"')
        numeric = self._numeric()
        if numeric:
            styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
            styler = styler.set_table_styles(
                {column: [{"selector": "th", "props": "text-align: right;"}]
                 for column in numeric}, overwrite=False)
        if not self.index:
            styler = styler.hide(axis="index")
        if self.caption:
            styler = styler.set_caption(self.caption)
        return styler

    def _repr_html_(self):
        return self._styler().to_html()

    def _repr_latex_(self):
        """A ``tabular`` (no float: it stays by its code), shrunk to the line if too wide.

        The first line marks it as a table for the book's LaTeX build, which
        otherwise typesets every ``text/latex`` output as a formula.
        """
        styler = self._cells().style.format(escape="latex")
        styler = styler.format_index(escape="latex", axis=1)
        numeric = set(self._numeric())
        columns = "".join("r" if column in numeric else "l" for column in self.data.columns)
        if not self.index:
            styler = styler.hide(axis="index")
        else:
            styler = styler.format_index(escape="latex", axis=0)
            columns = "l" * self.data.index.nlevels + columns
        tabular = styler.to_latex(hrules=True, column_format=columns)
        lines = [_LATEX_MARKER, "\\begin{center}"]
        if self.caption:
            lines.append(_latex_escape(self.caption) + "\\\\[0.5ex]")
        lines += ["\\resizebox{\\ifdim\\width>\\linewidth\\linewidth\\else\\width\\fi}{!}{%",
                  tabular.rstrip("\n") + "}", "\\end{center}", ""]
        return "\n".join(lines)

    def __repr__(self):
        text = self._cells().to_string(index=self.index)
        return f"{self.caption}\n{text}" if self.caption else text


_LATEX_MARKER = "% helpers.display.Table"  # book/_ext/book_pages.py looks for it


def _latex_escape(text):
    replacements = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$",
                    "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                    "^": r"\textasciicircum{}"}
    return "".join(replacements.get(character, character) for character in text)


# The packages whose versions can change a chapter's numbers, in the order shown.
_VERSIONED = ("nn-anomaly-book", "numpy", "scipy", "pandas", "scikit-learn", "tensorflow",
              "keras", "pyod", "matplotlib")
# Distributions that provide TensorFlow under another name.
_TENSORFLOW = ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tensorflow-intel",
               "tf-nightly")


def _version(name):
    candidates = _TENSORFLOW if name == "tensorflow" else (name,)
    for candidate in candidates:
        try:
            return candidate, importlib.metadata.version(candidate)
        except importlib.metadata.PackageNotFoundError:
            continue
    return name, "not installed"


def versions(packages=_VERSIONED):
    """Return a :class:`Table` of the Python and package versions that ran the page.

    Parameters
    ----------
    packages : sequence of str, optional
        Distribution names. ``"tensorflow"`` stands for whichever TensorFlow
        distribution is installed (``tensorflow-cpu`` on x86-64 Linux). The default
        lists the packages that can change the book's numbers.

    Returns
    -------
    table : Table
        Columns ``package`` and ``version``; the first row is Python itself.
    """
    if isinstance(packages, str) or not all(isinstance(name, str) for name in packages):
        raise TypeError(f"packages must be a sequence of distribution names; got {packages!r}.")
    rows = [("Python", f"{platform.python_version()} ({platform.system()} "
                       f"{platform.machine()})")]
    rows += [_version(name) for name in packages]
    data = pd.DataFrame(rows, columns=["package", "version"])
    return Table(data, caption="The versions that computed this page.")
