"""The built book renders in headless Chromium: titles, local figures, the Colab link, screenshots.

Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them); skipped without them.
The pages are served from 127.0.0.1 and the browser resolves no other host, so nothing remote
loads (the Colab badge and MathJax come from the internet and are not checked here).
Screenshots go to screenshots/ at the repository root (gitignored).
"""

from __future__ import annotations

import functools
import json
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from book_build import (
    ROOT,
    BookBuild,
    book_config,
    build_book,
    colab_url,
    notebook_title,
    toc_docnames,
)

pytestmark = (
    pytest.mark.book
)  # builds the book: run by `make test`, not `make test-unit`

CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
SCREENSHOTS = ROOT / "screenshots"
XCEPTION = "notebooks/07_xception"
# The first chapter in the toc too, so the figure and Colab checks run before Xception exists.
FIRST_CHAPTER = next(
    (name for name in toc_docnames() if name.startswith("notebooks/")), None
)

webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed"
)
if not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()):
    pytest.skip(
        f"no headless browser: need {CHROMIUM} and {CHROMEDRIVER} "
        "(apt-get install chromium chromium-driver, as .ci/run does)",
        allow_module_level=True,
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        pass


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> BookBuild:
    built = build_book(tmp_path_factory)
    if not (built.html / "index.html").is_file():
        pytest.fail(
            f"the book did not build (exit {built.returncode}); see tests/test_book.py"
        )
    return built


@pytest.fixture(scope="module")
def server(book):
    """Serve the built HTML on a free port of 127.0.0.1 from a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(book.html))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--hide-scrollbars",
        # Offline by construction: every host but the local server fails at once.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(executable_path=CHROMEDRIVER), options=options
    )
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _source_title(docname: str) -> str:
    """The page's first '# ' heading, read from its source (.md or .ipynb)."""
    md = ROOT / f"{docname}.md"
    if md.is_file():
        return next(
            line[2:].strip()
            for line in md.read_text(encoding="utf8").splitlines()
            if line.startswith("# ")
        )
    return notebook_title(ROOT / f"{docname}.ipynb")


def _image_outputs(notebook: Path) -> int:
    """How many stored outputs of the notebook are images (each becomes a local <img>)."""
    cells = json.loads(notebook.read_text(encoding="utf8"))["cells"]
    return sum(
        1
        for cell in cells
        if cell["cell_type"] == "code"
        for out in cell.get("outputs", [])
        if any(
            mime in out.get("data", {})
            for mime in ("image/png", "image/jpeg", "image/svg+xml")
        )
    )


PAGES = [
    pytest.param("intro", "book/intro", id="intro"),
    pytest.param(
        "xception",
        XCEPTION,
        id="xception",
        marks=pytest.mark.skipif(
            not (ROOT / f"{XCEPTION}.ipynb").is_file(),
            reason=f"{XCEPTION}.ipynb does not exist yet (the chapter is being written)",
        ),
    ),
    pytest.param(
        "first_chapter",
        FIRST_CHAPTER,
        id="first_chapter",
        marks=pytest.mark.skipif(
            FIRST_CHAPTER is None,
            reason="no notebook is listed in _toc.yml yet",
        ),
    ),
    pytest.param("api", "book/api", id="api"),
]


@pytest.mark.parametrize(("shot", "docname"), PAGES)
def test_page_renders(browser, server, shot, docname):
    browser.get_log("browser")  # forget the previous page's console messages
    browser.get(f"{server}/{docname}.html")
    ready = browser.execute_script("return document.readyState")
    assert ready == "complete", (
        f"{docname}: page did not finish loading ({ready})"
    )

    title = _source_title(docname)
    book_title = book_config()["title"]
    assert (
        title
        and browser.title.startswith(title)
        and browser.title.endswith(book_title)
    ), (
        f"{docname}: browser title {browser.title!r} should be {title!r} followed by the book title"
    )
    sidebar = browser.find_elements(
        "css selector", "nav.bd-docs-nav a.reference"
    )
    assert len(sidebar) >= 4, (
        f"{docname}: the sidebar table of contents has {len(sidebar)} links"
    )

    local_imgs, broken = 0, []
    for img in browser.find_elements("tag name", "img"):
        src = img.get_attribute("src") or ""
        if not src.startswith(server):
            continue  # remote (the Colab badge): the test machine is offline
        local_imgs += 1
        loaded = browser.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth > 0",
            img,
        )
        if not loaded:
            broken.append(src)
    assert not broken, f"{docname}: local images that did not load: {broken}"

    # MathJax comes with the book (sphinx-mathjax-offline): every formula must be typeset.
    browser.set_script_timeout(30)
    typeset = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "if (!window.MathJax || !MathJax.startup) { done([-1, 0]); return; }"
        "MathJax.startup.promise.then(() => done(["
        "  document.querySelectorAll('mjx-container').length,"
        "  document.querySelectorAll('mjx-merror').length]));"
    )
    formulas = len(
        browser.find_elements("css selector", "span.math, div.math")
    )
    assert typeset[0] >= 0, f"{docname}: MathJax did not load"
    assert typeset[0] >= formulas and typeset[1] == 0, (
        f"{docname}: {formulas} formulas on the page, {typeset[0]} typeset, {typeset[1]} TeX errors"
    )

    if docname.startswith("notebooks/"):
        figures = _image_outputs(ROOT / f"{docname}.ipynb")
        assert local_imgs >= figures, (
            f"{docname}: {figures} image outputs but {local_imgs} local <img> on the page"
        )
        url = colab_url(f"{docname}.ipynb")
        links = browser.find_elements("css selector", f'a[href="{url}"]')
        assert links, f"{docname}: no Colab link to {url} on the page"

    # Chromium asks every server for /favicon.ico by itself; the book declares no favicon.
    local_errors = [
        e["message"]
        for e in browser.get_log("browser")
        if e["level"] == "SEVERE"
        and server in e["message"]
        and "/favicon.ico" not in e["message"]
    ]
    assert not local_errors, (
        f"{docname}: the browser reported errors for local files: {local_errors}"
    )

    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{shot}.png"
    assert browser.save_screenshot(str(path)), f"could not write {path}"
    print(f"screenshot: {path} ({local_imgs} local images)")


CHAPTERS = [name for name in toc_docnames() if name.startswith("notebooks/")]


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_fits_the_page(browser, server, docname):
    """At 1280 px no code cell, no output and no page scrolls sideways."""
    browser.set_window_size(1280, 1000)
    browser.get(f"{server}/{docname}.html")
    page_width, window_width = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert page_width <= window_width, (
        f"{docname}: the page is {page_width} px wide in a {window_width} px "
        "window"
    )
    # every code cell's input, folded ones unfolded first
    browser.execute_script(
        "document.querySelectorAll('details').forEach(d => d.open = true)"
    )
    too_wide = browser.execute_script(
        "return Array.from(document.querySelectorAll('.cell_input pre'))"
        ".filter(p => p.scrollWidth > p.clientWidth + 1)"
        ".map(p => p.textContent.split('\\n').reduce("
        "(a, b) => (b.length > a.length ? b : a), ''))"
    )
    assert not too_wide, (
        f"{docname}: {len(too_wide)} code cells scroll sideways, e.g. "
        f"{too_wide[0]!r}"
    )
    # and every output a cell prints
    too_wide = browser.execute_script(
        "return Array.from(document.querySelectorAll('.cell_output pre'))"
        ".filter(p => p.scrollWidth > p.clientWidth + 1)"
        ".map(p => p.textContent.split('\\n').reduce("
        "(a, b) => (b.length > a.length ? b : a), ''))"
    )
    assert not too_wide, (
        f"{docname}: {len(too_wide)} cell outputs scroll sideways, e.g. "
        f"{too_wide[0]!r}"
    )
    if docname.endswith(("01_convolution_cost", "07_xception")):
        SCREENSHOTS.mkdir(exist_ok=True)
        shot = SCREENSHOTS / f"{docname.split('/')[-1]}_1280.png"
        browser.save_screenshot(str(shot))
