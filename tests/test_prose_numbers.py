"""The numbers a chapter's prose states are the numbers its cells computed.

Every number of two or more digits in a chapter's Markdown (and in its figure
captions) must appear among the numbers of that chapter's stored outputs or of
its code (where published tables are written down as data), unless the
paragraph cites its source (a ``{cite}`` role): then it is a published figure.
Years, chapter and section numbers and everything inside math or code spans
are left out. So prose and outputs cannot drift apart silently.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))

NUMBER = re.compile(
    r"(?<![\w.,#])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d{2,})(?![\w]|\.\d)"
)
# In outputs and code a number may carry a unit or a suffix ("8.9x", "1.2G")
# or underscores (113_349_160).
ANY_NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[,_]\d{3})+(?:\.\d+)?|\d+\.\d+|\d+)"
)
HIDDEN = [
    # a solution's worked answer: its code is the learner's to run
    re.compile(r"````\{admonition\} Solution.*?````", re.S),
    re.compile(r"```.*?```", re.S),  # code blocks
    re.compile(r"\$\$.*?\$\$", re.S),  # display math
    re.compile(r"\$[^$]*\$"),  # inline math
    re.compile(r"`[^`\n]*`"),  # code spans and roles' targets
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"https?://\S+"),
]
REFERENCE = re.compile(
    r"(?:chapter|chapters|Table|Tables|table|tables|Sec\.|section|sections|"
    r"figure|figures|Fig\.|eq\.|ILSVRC|Exercise|exercise|Figure|§)\s*$"
)
CITED = re.compile(r"\{cite\}")


def numbers_in(text: str) -> set[str]:
    return {
        m.group(1).replace(",", "").replace("_", "")
        for m in ANY_NUMBER.finditer(text)
    }


def _strip(text: str) -> str:
    for pattern in HIDDEN:
        text = pattern.sub(" ", text)
    return text


def unsupported_numbers(path: Path) -> list[str]:
    notebook = json.loads(path.read_text())
    known: set[str] = set()
    prose: list[str] = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            prose.append(source)
            continue
        known |= numbers_in(source)
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get(
                "text/plain", ""
            )
            known |= numbers_in("".join(text))
        figure = cell["metadata"].get("mystnb", {}).get("figure", {})
        if "caption" in figure:
            prose.append(figure["caption"])
    found = []
    for block in prose:
        block = HIDDEN[0].sub(" ", block)
        # a table belongs to the paragraph that introduces it
        block = re.sub(r"\n\s*\n(?=\|)", "\n", block)
        for paragraph in re.split(r"\n\s*\n", block):
            if paragraph.lstrip().startswith("**Exercise"):
                continue  # an exercise's givens, not a claim
            if CITED.search(paragraph):
                continue  # a published figure, with its source
            visible = _strip(paragraph)
            for match in NUMBER.finditer(visible):
                number = match.group(1).replace(",", "")
                if re.fullmatch(r"(?:19|20)\d\d", number):
                    continue  # a year
                if REFERENCE.search(
                    visible[max(0, match.start() - 12) : match.start()]
                ):
                    continue  # "chapter 4", "Table 3", "section 4.1"
                if number not in known:
                    context = visible[
                        max(0, match.start() - 40) : match.end() + 20
                    ]
                    found.append(
                        f"{match.group(1)!r} in: {' '.join(context.split())}"
                    )
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_prose_numbers_come_from_outputs_or_sources(path):
    assert unsupported_numbers(path) == []


def test_the_check_catches_a_drifted_number(tmp_path):
    """A number the outputs do not contain is reported; a cited one is not."""
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": "print(81)",
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": "81\n"}
                ],
            },
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": "It holds 81 % more.\n\nIt holds 82 % more.",
            },
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": "The paper reports 75.3 {cite}`x`; see chapter 12.",
            },
        ]
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(notebook))
    found = unsupported_numbers(path)
    assert len(found) == 1 and "'82'" in found[0]
