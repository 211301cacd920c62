"""The book builds with zero warnings, and every page, link, figure and Colab link holds.

The build (`jupyter-book build . -W -n --keep-going`, as `make book`) runs once per session into a
temporary directory, see tests/book_build.py. Its build time is a benchmark, not a test:
`benchmarks/book.py`.
"""

from __future__ import annotations

import json
import pkgutil
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import cnnarch

from book_build import ROOT, BookBuild, build_book, colab_url, toc_docnames

pytestmark = (
    pytest.mark.book
)  # builds the book: run by `make test`, not `make test-unit`

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
COURSE_TERMS = (
    "convolution",
    "kernel",
    "receptive field",
    "feature map",
    "channel",
    "parameter",
    "MAC (multiply-accumulate)",
    "FLOP",
    "depthwise convolution",
    "pointwise convolution",
    "depthwise separable convolution",
    "grouped convolution",
    "batch normalization",
    "residual connection",
    "skip connection",
    "bottleneck",
    "projection shortcut",
    "dense block",
    "growth rate",
    "transition layer",
    "compression",
    "inception module",
    "factorized convolution",
    "auxiliary classifier",
    "Xception",
    "entry flow",
    "middle flow",
    "exit flow",
    "global average pooling",
    "activation memory",
    "width multiplier",
)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> BookBuild:
    return build_book(tmp_path_factory)


class _Refs(HTMLParser):
    """Collects every (tag, attribute, value) that points at another resource."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> None:
        for attr, value in attrs:
            if value is not None and (tag, attr) in {
                ("a", "href"),
                ("img", "src"),
                ("link", "href"),
                ("script", "src"),
                ("source", "src"),
            }:
                self.refs.append((tag, attr, value))


def _pages(book: BookBuild) -> list[Path]:
    """The built HTML pages (not the theme's template fragments under _static or the sources)."""
    return [
        p
        for p in book.html.rglob("*.html")
        if p.relative_to(book.html).parts[0] not in ("_static", "_sources")
    ]


def _is_local(url: str) -> bool:
    return (
        not urlsplit(url).scheme
        and not url.startswith("//")
        and not url.startswith("#")
    )


def test_book_builds_without_warnings(book):
    warnings = [
        line
        for line in book.log.splitlines()
        if "WARNING" in line or "ERROR" in line
    ]
    assert book.returncode == 0 and not warnings, (
        f"jupyter-book build -W -n exited with {book.returncode}; warnings and errors:\n"
        + "\n".join(warnings or book.log.splitlines()[-30:])
    )


def test_every_toc_entry_is_a_built_page(book):
    docnames = toc_docnames()
    assert docnames[0] == "book/intro" and "book/api" in docnames
    missing = [name for name in docnames if not book.page(name).is_file()]
    assert not missing, f"_toc.yml lists pages that were not built: {missing}"
    assert (book.html / "index.html").is_file(), (
        "index.html (the redirect to the root page) is missing"
    )


def test_every_notebook_is_in_the_toc():
    listed = set(toc_docnames())
    absent = [
        nb.relative_to(ROOT).as_posix()
        for nb in NOTEBOOKS
        if nb.relative_to(ROOT).with_suffix("").as_posix() not in listed
    ]
    assert not absent, (
        f"notebooks missing from _toc.yml (only toc files are built): {absent}"
    )


def test_internal_links_and_images_resolve(book):
    checked, broken = 0, []
    for page in _pages(book):
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf8"))
        for tag, attr, url in parser.refs:
            if not _is_local(url):
                continue
            path = unquote(urlsplit(url).path)
            if not path:
                continue
            target = (page.parent / path).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(
                    f"{page.relative_to(book.html)}: <{tag} {attr}={url!r}>"
                )
    assert not broken, "broken internal links or images:\n" + "\n".join(broken)
    # Not vacuous: the intro alone links to the notation page, the API page and the theme files.
    assert checked > 50, (
        f"only {checked} internal references found; is the HTML what we expect?"
    )
    intro = (book.page("book/intro")).read_text(encoding="utf8")
    assert 'href="notation.html"' in intro


def test_colab_launch_button_on_every_notebook_page(book):
    chapters = [
        name for name in toc_docnames() if name.startswith("notebooks/")
    ]
    if not chapters:
        pytest.skip("no notebook is listed in _toc.yml yet")
    for name in chapters:
        url = colab_url(f"{name}.ipynb")
        html = book.page(name).read_text(encoding="utf8")
        assert f'href="{url}"' in html, (
            f"{name}.html has no Colab launch button linking to {url}"
        )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_badge_is_built_from_the_repository_url(notebook):
    path = notebook.relative_to(ROOT).as_posix()
    expected = colab_url(path)
    cells = json.loads(notebook.read_text(encoding="utf8"))["cells"]
    first = (
        "".join(cells[0]["source"])
        if cells and cells[0]["cell_type"] == "markdown"
        else ""
    )
    badge = f"[![Open In Colab]({COLAB_BADGE})]({expected})"
    assert badge in first, (
        f"{path}: the first cell must hold the Colab badge built from _config.yml's repository.url "
        f"and branch:\n  {badge}"
    )
    every_source = "".join("".join(cell["source"]) for cell in cells)
    wrong = sorted(
        set(
            re.findall(
                r"https://colab\.research\.google\.com/github/[^\s)\"'>]+",
                every_source,
            )
        )
        - {expected}
    )
    assert not wrong, (
        f"{path}: Colab links that do not point at this notebook on {expected}: {wrong}"
    )


def test_glossary_defines_the_course_terms(book):
    html = book.page("book/glossary").read_text(encoding="utf8")
    defined = {
        unquote(m).lower() for m in re.findall(r'<dt id="term-([^"]+)"', html)
    }
    wanted = {
        re.sub(r"[^\w]+", "-", term.lower()).strip("-")
        for term in COURSE_TERMS
    }
    assert len(wanted) == len(COURSE_TERMS)
    missing = sorted(wanted - defined)
    assert not missing, (
        f"glossary.md does not define: {missing} (defined: {sorted(defined)})"
    )


def test_api_page_documents_every_public_module(book):
    modules = sorted(
        m.name
        for m in pkgutil.iter_modules(cnnarch.__path__)
        if not m.name.startswith("_")
    )
    html = book.page("book/api").read_text(encoding="utf8")
    undocumented = [
        m for m in modules if f'id="module-cnnarch.{m}"' not in html
    ]
    assert not undocumented, (
        f"book/api.md has no automodule for: {undocumented}"
    )
    # The cost model's functions are on the page, generated from their docstrings.
    for name in cnnarch.cost.__all__:
        assert f'id="cnnarch.cost.{name}"' in html, (
            f"cnnarch.cost.{name} is missing from the API page"
        )
