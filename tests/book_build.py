"""Build this repository's book once per test session, outside the source tree.

Shared by tests/test_book.py and tests/test_browser.py (not a conftest: it is only for them).
The build is exactly `make book`'s command, `jupyter-book build <root> -W -n --keep-going`, with
`--path-output` pointing at a pytest temporary directory so the source tree is not written to.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "PYTHONHASHSEED": "0",
}


@dataclass(frozen=True)
class BookBuild:
    """What one build produced: the HTML folder, the exit code and the full log."""

    html: Path
    returncode: int
    log: str

    def page(self, docname: str) -> Path:
        """The HTML file of a toc entry such as 'book/intro' or 'notebooks/07_xception'."""
        return self.html / f"{docname}.html"


_BUILDS: dict[Path, BookBuild] = {}


def build_book(tmp_path_factory: Any) -> BookBuild:
    """Build the book on first use in this session and return the same result afterwards."""
    if ROOT in _BUILDS:
        return _BUILDS[ROOT]
    out = tmp_path_factory.mktemp("book")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    cmd = [
        str(jupyter_book),
        "build",
        str(ROOT),
        "--path-output",
        str(out),
        "-W",
        "-n",
        "--keep-going",
    ]
    proc = subprocess.run(
        cmd,
        cwd=ROOT,
        env={**os.environ, **_ENV},
        capture_output=True,
        text=True,
        timeout=900,
    )
    _BUILDS[ROOT] = BookBuild(
        out / "_build" / "html", proc.returncode, proc.stdout + proc.stderr
    )
    return _BUILDS[ROOT]


def book_config() -> dict[str, Any]:
    """The parsed _config.yml."""
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf8"))


def toc_docnames() -> list[str]:
    """Every file the _toc.yml lists (root first), without extension, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf8"))
    names = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return [
        str(Path(name).with_suffix(""))
        if Path(name).suffix in (".md", ".ipynb")
        else name
        for name in names
    ]


def colab_url(notebook: str) -> str:
    """The Colab address of a notebook (repository-relative path), built from _config.yml only."""
    config = book_config()
    repo = config["repository"]["url"].rstrip("/")
    prefix = "https://github.com/"
    if not repo.startswith(prefix):
        raise ValueError(
            f"repository.url must start with {prefix}, got {repo!r}"
        )
    branch = config["repository"].get("branch", "main")
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    return f"{colab}/github/{repo[len(prefix) :]}/blob/{branch}/{notebook}"


def notebook_title(notebook: Path) -> str:
    """The '# Title' line of a notebook's first markdown cell, or '' if there is none."""
    cells = json.loads(notebook.read_text(encoding="utf8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            return ""
    return ""
