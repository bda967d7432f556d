"""helpers.display: glue that works without MyST-NB, and tables for HTML and LaTeX."""

import builtins
import importlib.metadata
import platform
import re
import shutil
import subprocess

import pandas as pd
import pytest

from helpers.display import Table, glue, glue_all, versions


@pytest.fixture
def no_myst_nb(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "myst_nb" or name.startswith("myst_nb."):
            raise ImportError("no myst_nb here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_glue_without_myst_nb_prints_name_and_value(no_myst_nb, capsys):
    glue("auc", 0.875)
    glue_all({"n_anomalies": 17, "label": "digit 3"})
    assert capsys.readouterr().out.splitlines() == [
        "auc = 0.875", "n_anomalies = 17", "label = digit 3"]


def test_glue_with_myst_nb_delegates(monkeypatch):
    calls = []
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda *args, **kwargs: calls.append((args, kwargs)))
    glue("auc", 0.5)
    assert calls == [(("auc", 0.5), {"display": False})]


@pytest.mark.parametrize("name", ["two words", "", 3, "1st"])
def test_glue_rejects_names_that_are_not_identifiers(name):
    with pytest.raises(ValueError, match=r"name must be a Python identifier .*; got "):
        glue(name, 1)


def test_glue_all_needs_a_mapping():
    with pytest.raises(TypeError, match="values must be a mapping of name -> value; got list"):
        glue_all([("a", 1)])


def _table():
    data = pd.DataFrame({"method": ["IForest", "AE_1"], "ROC-AUC": [0.93456, 0.9]})
    return Table(data, formats={"ROC-AUC": "{:.3f}"}, caption="Mean ROC-AUC, 100% of sets")


def test_table_formats_columns_in_every_representation():
    table = _table()
    assert "0.935" in repr(table) and "0.93456" not in repr(table)
    assert "<caption>Mean ROC-AUC, 100% of sets</caption>" in table._repr_html_()
    assert ">0.935<" in table._repr_html_()


def test_table_latex_is_escaped_and_has_no_float():
    latex = _table()._repr_latex_()
    assert r"AE\_1" in latex and r"100\% of sets" in latex
    assert r"\begin{tabular}" in latex and r"\begin{table}" not in latex
    assert re.search(r"IForest & 0\.935 \\\\", latex)


def test_table_rejects_unknown_format_columns():
    message = r"formats names columns that data does not have: \[.AP.\]"
    with pytest.raises(ValueError, match=message):
        Table(pd.DataFrame({"a": [1]}), formats={"AP": "{:.2f}"})


def test_table_needs_a_dataframe():
    with pytest.raises(TypeError, match="data must be a pandas DataFrame; got dict"):
        Table({"a": [1]})


def test_table_right_aligns_numbers_in_html_and_latex():
    table = _table()
    assert r"\begin{tabular}{lr}" in table._repr_latex_()
    assert "text-align: right" in table._repr_html_()


def test_table_html_is_the_same_in_every_build():
    assert _table()._repr_html_() == _table()._repr_html_()  # pandas draws a random id


def test_table_latex_is_marked_for_the_book_build():
    # book/_ext/book_pages.py turns marked text/latex into a table instead of a formula
    assert _table()._repr_latex_().startswith("% helpers.display.Table\n")


def test_table_latex_compiles(tmp_path):
    if shutil.which("xelatex") is None:
        pytest.skip("no XeLaTeX (texlive-xetex) to compile the table with")
    data = pd.DataFrame({"detector": ["AE_1 & co", "IForest"], "hours": [1.25, 12.5],
                         **{f"wide column {i}": [i, i] for i in range(12)}})
    table = Table(data, formats={"hours": "{:.1f}"}, caption="Lead time, in hours (~ 50%)")
    document = (r"\documentclass{article}\usepackage{booktabs,graphicx}\begin{document}"
                + table._repr_latex_() + r"\end{document}")
    (tmp_path / "table.tex").write_text(document)
    result = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error",
                             "table.tex"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "Overfull" not in (tmp_path / "table.log").read_text()  # shrunk to the line


# --- versions ---------------------------------------------------------------------


def test_versions_lists_python_and_the_installed_packages():
    table = versions()
    assert isinstance(table, Table)
    rows = dict(zip(table.data["package"], table.data["version"], strict=True))
    assert rows["Python"].startswith(platform.python_version())
    assert rows["numpy"] == importlib.metadata.version("numpy")
    assert rows["nn-anomaly-book"] == importlib.metadata.version("nn-anomaly-book")
    assert any(name.startswith("tensorflow") for name in rows)
    assert "not installed" not in rows.values()


def test_versions_says_when_a_package_is_missing():
    table = versions(["numpy", "no-such-package-here"])
    assert list(table.data["version"])[-1] == "not installed"


def test_versions_refuses_a_single_string():
    with pytest.raises(TypeError, match="packages must be a sequence of distribution names; "
                                        "got 'numpy'"):
        versions("numpy")
