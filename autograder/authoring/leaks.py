"""The leak search: is any line of a solution body, derivation answer or hidden check in
the student release? Lines are compared as tokens, so reformatting does not hide one.
"""
from __future__ import annotations

import json
import re

from autograder import manifest
from autograder.authoring.notebook_source import SOURCE as NOTEBOOK
from autograder.authoring.regions import REGION, clear_hidden_tests, clear_solutions, regions

ROOT = manifest.ROOT
TOKEN = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\S")
MIN_TOKENS = 6  # shorter lines ("for k in params:") say nothing about a solution


def _tokens(text: str) -> str:
    return " ".join(TOKEN.findall(text))


def secrets() -> dict[str, list[tuple[str, ...]]]:
    """Every line of a solution body, derivation answer or hidden check, as tokens, by the
    source it comes from — but not the lines that also occur outside the regions of their
    file (`n, d, h, c, seed = shape`) or in the kit's given code (Adam's zero state in
    training.py)."""
    sources = {"solution/network.py": "solution", "solution/derivation-ru.md": "solution",
               "solution/derivation-en.md": "solution",
               **{f"{manifest.CHECKS}/{p.name}": "hidden" for p in sorted((ROOT / manifest.CHECKS).glob("check_*.py"))}}
    kit = " ".join(_tokens((ROOT / rel).read_text(encoding="utf-8")) for rel in manifest.KIT)
    found = {}
    for rel, kind in sources.items():
        source = (ROOT / rel).read_text(encoding="utf-8")
        public = kit + " " + _tokens(clear_solutions(source) if kind == "solution" else clear_hidden_tests(source))
        lines = [tuple(TOKEN.findall(line)) for region in regions(source, kind) for line in region]
        found[rel] = [t for t in lines if len(t) >= MIN_TOKENS and " ".join(t) not in public]
    if NOTEBOOK.is_file():
        cells = json.loads(NOTEBOOK.read_text())["cells"]
        lines = [tuple(TOKEN.findall(line)) for cell in cells for kind in REGION
                 for region in regions("".join(cell["source"]), kind) for line in region]
        found[NOTEBOOK.relative_to(ROOT).as_posix()] = [t for t in lines if len(t) >= MIN_TOKENS]
    return found


def find_leaks(files: dict[str, bytes]) -> list[str]:
    """Where a secret line appears, token by token, in any file of a release (path ->
    bytes); one line `FILE: 'TOKENS' (from SOURCE)` per finding, none when clean."""
    streams = {}
    for rel, content in files.items():
        text = content.decode("utf-8", "replace")
        if rel.endswith(".ipynb"):  # search the cells' text, not its JSON escaping
            text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
        streams[rel] = " " + _tokens(text) + " "
    leaks = []
    for origin, lines in secrets().items():
        for tokens in lines:
            needle = " " + " ".join(tokens) + " "
            leaks += [f"{rel}: {' '.join(tokens)!r} (from {origin})" for rel, stream in streams.items()
                      if needle in stream]
    return leaks
