"""The site builder refuses a notebook it cannot show, naming it, and writes no CDN address
(tests/test_site.py opens the built pages in a browser)."""

import sys

import nbformat
import pytest

from conftest import ROOT

sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tools" / "site")]
import make_site  # noqa: E402


def notebook(tmp_path, name, **code):
    cell = nbformat.v4.new_code_cell("1 / 0", **code)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"), cell])
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("build", [make_site.build_slides, make_site.build_site])
def test_an_error_output_stops_the_build_and_names_the_notebook(tmp_path, build):
    error = nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero")
    path = notebook(tmp_path, "08_broken.ipynb", execution_count=1, outputs=[error])
    with pytest.raises(SystemExit, match="08_broken.ipynb: cell 1 has an error output"):
        build(tmp_path / "out", notebooks=[path])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("build", [make_site.build_slides, make_site.build_site])
def test_a_notebook_never_executed_stops_the_build(tmp_path, build):
    path = notebook(tmp_path, "09_fresh.ipynb")
    with pytest.raises(SystemExit, match="09_fresh.ipynb: not executed"):
        build(tmp_path / "out", notebooks=[path])


def test_the_badge_becomes_a_plain_link_and_solutions_are_inlined():
    path = make_site.NOTEBOOKS[0]
    nb = make_site.with_solutions(make_site.load(path))
    text = "".join(c.source for c in nb.cells)
    assert "colab-badge.svg" not in text and "[Open in Colab](https://colab." in text
    assert not [c for c in nb.cells if c.source.startswith("# %load ")]
    assert text.count('class="cnnlab-solution"') >= 3


def test_home_page_has_the_table_the_setup_and_headline_results():
    html = make_site.home_page((ROOT / "README.md").read_text(encoding="utf-8"))
    for path in make_site.NOTEBOOKS:
        assert f'href="{path.stem}.html"' in html
    assert "make lab" in html and 'class="results"' in html and "<strong>" in html
    assert "src=\"http" not in html
