"""Stored notebook outputs are clean: what nbval checks and the book shows holds on any machine.

nbval compares every stored output with a fresh run, and the book shows the stored outputs as
they are. So a stored output must not contain anything that belongs to the machine or the
moment that produced it: stderr, warnings, tracebacks (outside cells that are meant to raise),
memory addresses or file-system paths.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))

FORBIDDEN = {
    "a memory address": re.compile(r"\b0x[0-9a-fA-F]{6,16}\b"),
    "a warning": re.compile(r"\bWARNING\b|\w+Warning\b"),
    "a traceback": re.compile(r"Traceback \(most recent call last\)"),
    "a machine path": re.compile(
        r"(?<![\w.])(?:/(?:home|root|tmp|Users|usr|opt|work|var|private)/"
        r"|[A-Za-z]:\\\\|site-packages|dist-packages)"
    ),
}
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex")


def _texts(output: dict) -> list[str]:
    """The human-readable text of one stored output (images are skipped)."""
    if output["output_type"] == "stream":
        return ["".join(output["text"])]
    if output["output_type"] == "error":
        return [
            "\n".join(output.get("traceback", [])),
            output.get("evalue", ""),
        ]
    data = output.get("data", {})
    return ["".join(data[kind]) for kind in TEXT_TYPES if kind in data]


def _problems(path: Path) -> list[str]:
    notebook = json.loads(path.read_text())
    found = []
    code_index = -1
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        code_index += 1
        raises = "raises-exception" in cell.get("metadata", {}).get("tags", [])
        where = f"{path.name} code cell {code_index}"
        for output in cell.get("outputs", []):
            if (
                output["output_type"] == "stream"
                and output["name"] == "stderr"
            ):
                found.append(f"{where}: a stderr stream")
            if output["output_type"] == "error" and not raises:
                found.append(
                    f"{where}: an error in a cell not tagged raises-exception"
                )
            for text in _texts(output):
                for what, pattern in FORBIDDEN.items():
                    if what == "a traceback" and raises:
                        continue
                    match = pattern.search(text)
                    if match:
                        found.append(f"{where}: {what} ({match.group(0)!r})")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_stored_outputs_are_clean(path):
    assert _problems(path) == []


def test_the_scan_catches_what_it_looks_for(tmp_path):
    """The scanner itself can fail: a notebook with each kind of problem is reported."""
    bad = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": "",
                "outputs": [
                    {"output_type": "stream", "name": "stderr", "text": "x"},
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": "WARNING: retracing <function f at 0x7ff4a1b2c3d0>\n"
                        "read /root/.keras/models/w.h5",
                    },
                    {
                        "output_type": "error",
                        "ename": "E",
                        "evalue": "",
                        "traceback": ["Traceback (most recent call last)"],
                    },
                ],
            }
        ]
    }
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(bad))
    text = "\n".join(_problems(path))
    for what in (
        "stderr",
        "memory address",
        "warning",
        "machine path",
        "traceback",
        "raises-exception",
    ):
        assert what in text
