"""`mnist-hw similarity`: pairs of submissions ranked by how much of their own code they share.

A pointer for a human, never a verdict: correct solutions of this assignment written
independently share their formulas, so a high score says "open these two side by side",
not "copied". The fingerprinting is copydetect's (winnowing over the token stream, with
names, strings, comments and whitespace filtered out, so renamed variables, changed
comments and reflowed lines do not hide a copy); what the assignment gives every student
(the stub network.py: the signatures, docstrings and init_params) is boilerplate, whose
every k-gram is removed from each submission before comparing.

    mnist-hw similarity SUBMISSIONS... --out DIR [--past DIR...] [--boilerplate FILE]

writes DIR/similarity.json (the pairs, most similar first) and DIR/index.html with a
side-by-side page per pair under DIR/pairs/.
"""
from __future__ import annotations

import io
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assignment.idx import write_atomic
from autograder import inert

# copydetect's defaults: k-grams of 25 characters of the filtered code (every name one letter,
# whitespace and comments gone), and a guarantee threshold equal to it, i.e. a winnowing window
# of 1: every k-gram is kept. That is also what makes the ranking deterministic: copydetect
# hashes k-grams with Python's hash(), which is salted per process, so a wider window picks
# other k-grams in every run (measured: the scores of the examples moved in the third digit).
# Calibrated on tests/corpus/ and disguised copies of it (tests/test_similarity.py; README).
NOISE = 25
GUARANTEE = 25
WINDOW = GUARANTEE - NOISE + 1
SHOWN_PAIRS = 200  # pairs with a page of their own; similarity.json has them all


@dataclass
class Source:
    name: str
    code: str
    past: bool = False  # from an archive of past years: compared with this year's, not among themselves


@dataclass
class Pair:
    a: str
    b: str
    score: float  # in [0, 1]: the share of the pair's own (non-boilerplate) code they have in common
    a_share: float  # the share of a's own code found in b
    b_share: float
    # shared line ranges of a, [first, last], 1-based, in a's code as Python prints it back (normalized)
    a_lines: list[list[int]] = field(default_factory=list)
    b_lines: list[list[int]] = field(default_factory=list)
    b_past: bool = False
    a_slices: list[list[int]] = field(default_factory=list, repr=False)  # character ranges, for the pages
    b_slices: list[list[int]] = field(default_factory=list, repr=False)

    def public(self) -> dict:
        """What similarity.json holds for the pair (no character offsets)."""
        d = asdict(self)
        del d["a_slices"], d["b_slices"]
        d["a"], d["b"] = inert.clean(self.a), inert.clean(self.b)  # as the gradebook writes names: valid UTF-8
        return d


def stub_source() -> str:
    """The network.py every student starts from: the solution with its solution regions
    cleared by nbgrader, exactly as in the student release."""
    import re

    from autograder.authoring.examples import SOLUTION

    try:
        from autograder.authoring.regions import clear_solutions
    except ImportError:  # the grader bundle has no nbgrader: its placeholder, written the same way
        return re.sub(r"(?ms)^([ \t]*)### BEGIN SOLUTION.*?### END SOLUTION[ \t]*\n",
                      lambda m: f"{m[1]}# YOUR CODE HERE\n{m[1]}raise NotImplementedError()\n", SOLUTION.read_text())
    return clear_solutions(SOLUTION.read_text())


def _fingerprint(code: str, window: int, boilerplate=None):
    from copydetect import CodeFingerprint

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # copydetect warns on empty code
    return CodeFingerprint("network.py", NOISE, window, boilerplate=boilerplate, fp=io.StringIO(code),
                           language="python")


def normalized(code: str) -> str:
    """The code as Python prints it back (ast.unparse: its own spacing, quotes and number
    forms, no comments); the code itself where it does not parse."""
    import ast

    try:
        return ast.unparse(ast.parse(code))
    except (SyntaxError, ValueError, RecursionError):
        return code


def boilerplate_hashes(boilerplate: list[str]) -> np.ndarray:
    """Every k-gram hash of the given code, as written and as Python prints it back (so a
    signature reformatted, `1e-7` become `1e-07`, stays the stub's), with window 1: not
    winnowed, so none of it slips through in another winnowing context.
    Inputs: sources. Returns: a sorted int array."""
    hashes = [h for code in boilerplate for variant in (code, normalized(code))
              for h in _fingerprint(variant, 1).hashes]
    return np.unique(np.array(hashes, dtype=np.int64))


def line_ranges(code: str, slices) -> list[list[int]]:
    """Character ranges of `code` as merged 1-based line ranges.

    Inputs: code; slices, a (2, M) array of [start, end) character offsets.
    Returns: [[first_line, last_line], ...] in order, touching ranges merged.
    """
    ranges: list[list[int]] = []
    for start, end in _pairs(slices):
        first = code.count("\n", 0, start) + 1
        last = code.count("\n", 0, max(start, end - 1)) + 1
        if ranges and first <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], last)
        else:
            ranges.append([first, last])
    return ranges


def _pairs(slices) -> list[list[int]]:
    """copydetect's (2, M) slice array (or an empty one) as [[start, end], ...] in order."""
    array = np.asarray(slices, dtype=int)
    return sorted(array.reshape(2, -1).T.tolist()) if array.size else []


def compare(a: Source, b: Source, fa, fb) -> Pair:
    """One pair through copydetect's compare_files; the score is the mean of the two shares
    (each: the tokens of one's own code found in the other, over its own tokens)."""
    from copydetect import compare_files

    if fa.token_coverage == 0 or fb.token_coverage == 0:  # nothing of its own: nothing to share
        return Pair(a.name, b.name, 0.0, 0.0, 0.0, b_past=b.past)
    _, (share_a, share_b), (slices_a, slices_b) = compare_files(fa, fb)
    share_a, share_b = min(1.0, float(share_a)), min(1.0, float(share_b))
    return Pair(a.name, b.name, round((share_a + share_b) / 2, 4), round(share_a, 4), round(share_b, 4),
                line_ranges(a.code, slices_a), line_ranges(b.code, slices_b), b.past,
                _pairs(slices_a), _pairs(slices_b))


def rank(sources: list[Source], boilerplate: list[str]) -> list[Pair]:
    """Every pair of this year's sources, and each of them with every past one, most similar
    first (ties in name order, so the ranking is deterministic)."""
    excluded = boilerplate_hashes(boilerplate)
    # compared as Python prints each back: comments, spacing and line breaks (split or merged
    # lines) no longer differ, and copydetect's filter takes care of the names
    sources = [Source(s.name, normalized(s.code), s.past) for s in sources]
    prints = {s.name: _fingerprint(s.code, WINDOW, excluded) for s in sources}
    current = [s for s in sources if not s.past]
    past = [s for s in sources if s.past]
    pairs = [compare(a, b, prints[a.name], prints[b.name])
             for i, a in enumerate(current) for b in current[i + 1:] + past]
    return sorted(pairs, key=lambda p: (-p.score, p.a, p.b))


def read_sources(paths: list[Path], past: list[Path]) -> tuple[list[Source], list[str]]:
    """The network.py of each submission (a directory, a .py or a zip, read as the grader
    reads them) and of each submission in each past directory; and what could not be read.
    Past submissions are named PASTDIR/NAME."""
    from autograder.batch.submissions import check_paths, read_submission

    check_paths(paths)
    sources, problems = [], []

    def add(path: Path, name: str, is_past: bool):
        submission = read_submission(path)
        if submission.problem:
            problems.append(f"{name}: {submission.problem}")
        else:
            sources.append(Source(name, submission.content.decode("utf-8-sig", "replace").replace("\r\n", "\n"),
                                  is_past))

    for path in paths:
        add(path, read_submission(path).name, False)
    for directory in past:
        for path in sorted(Path(directory).iterdir()):
            if path.is_dir() or path.suffix in (".py", ".zip"):
                add(path, f"{Path(directory).name}/{read_submission(path).name}", True)
    return sources, problems


# -- the report ------------------------------------------------------------------------------
def marked_code(code: str, slices: list[list[int]]) -> str:
    """The code as HTML lines with the shared character ranges in <mark>; every character
    escaped (inert.html). Returns the inside of a <pre>, one <span class=line> per line."""
    cuts = sorted((max(0, s), min(len(code), e)) for s, e in slices)
    pieces, at = [], 0
    for s, e in cuts:
        if e <= at:
            continue
        s = max(s, at)
        pieces.append(inert.html(code[at:s]))
        pieces.append(f"<mark>{inert.html(code[s:e])}</mark>")
        at = e
    pieces.append(inert.html(code[at:]))
    html = "".join(pieces)
    # a <mark> may cross lines: close and reopen it at each newline so every line is whole
    lines, out, open_mark = html.split("\n"), [], False
    for number, line in enumerate(lines, 1):
        body = ("<mark>" if open_mark else "") + line
        opens, closes = line.count("<mark>"), line.count("</mark>")
        open_mark = (open_mark + opens - closes) > 0
        out.append(f'<span class="line" id="L{number}"><span class="ln">{number}</span>{body}'
                   f'{"</mark>" if open_mark else ""}</span>')
    return "\n".join(out)


def pair_page(pair: Pair, codes: dict[str, str], back: str) -> str:
    """A side-by-side page of one pair, the shared regions marked."""
    from autograder.batch import page as batch_page

    columns = "".join(
        f'<section class="side"><h2>{inert.html(name)}{" (past)" if past else ""}</h2>'
        f'<p>{share:.0%} of its own code is in the other; shared lines {inert.html(_ranges(lines))}</p>'
        f'<pre class="code">{marked_code(codes[name], slices)}</pre></section>'
        for name, past, share, lines, slices in [(pair.a, False, pair.a_share, pair.a_lines, pair.a_slices),
                                                 (pair.b, pair.b_past, pair.b_share, pair.b_lines, pair.b_slices)])
    return batch_page.render("pair.html", title=inert.html(f"{pair.a} ~ {pair.b}"), back=back, score=f"{pair.score:.2f}",
                             columns=columns)


def _ranges(ranges: list[list[int]]) -> str:
    return ", ".join(f"{a}–{b}" if a != b else f"{a}" for a, b in ranges) or "none"


def pairs_table(pairs: list[Pair], link_prefix: str, limit: int = SHOWN_PAIRS) -> str:
    """The rows of the ranking, as the <tbody> of a table (names escaped)."""
    rows = []
    for number, p in enumerate(pairs[:limit]):
        rows.append(f'<tr><td data-v="{number}">{number + 1}</td>'
                    f'<td data-v="{p.score}"><a href="{link_prefix}pairs/{number}.html">{p.score:.2f}</a></td>'
                    f"<td>{inert.html(p.a)}</td><td>{inert.html(p.b)}{' (past)' if p.b_past else ''}</td>"
                    f'<td data-v="{p.a_share}">{p.a_share:.0%}</td><td data-v="{p.b_share}">{p.b_share:.0%}</td>'
                    "</tr>")
    return "\n".join(rows)


def section(pairs: list[Pair], prefix: str, problems: list[str] = ()) -> str:
    """The ranking as an HTML section (of the similarity page, or of the batch page with
    prefix "similarity/"), with what could not be read."""
    from autograder.batch import page as batch_page

    unread = ("<p>Not compared (could not be read):</p><ul>" + "".join(f"<li>{inert.html(p)}</li>" for p in problems)
              + "</ul>") if problems else ""
    return batch_page.render("similarity_section.html", npairs=str(len(pairs)), prefix=prefix,
                             rows=pairs_table(pairs, prefix), problems=unread)


def write_pair_pages(out: Path, pairs: list[Pair], codes: dict[str, str], back: str) -> None:
    (out / "pairs").mkdir(parents=True, exist_ok=True)
    for number, pair in enumerate(pairs[:SHOWN_PAIRS]):
        write_atomic(out / "pairs" / f"{number}.html", pair_page(pair, codes, back).encode())


def write_json(out: Path, pairs: list[Pair]) -> Path:
    data = {"tool": "copydetect", "noise_threshold": NOISE, "guarantee_threshold": GUARANTEE,
            "lines": "line ranges in each network.py as Python prints it back (ast.unparse), shown on the pair pages",
            "score": "mean over the pair of the share of each one's own (non-stub) code found in the other",
            "pairs": [p.public() for p in pairs]}
    write_atomic(out / "similarity.json", json.dumps(data, indent=1, ensure_ascii=False).encode())
    return out / "similarity.json"


def write_report(out: Path, sources: list[Source], pairs: list[Pair], problems: list[str]) -> Path:
    """DIR/similarity.json, DIR/index.html and DIR/pairs/N.html. Returns index.html's path."""
    from autograder.batch import page as batch_page

    out.mkdir(parents=True, exist_ok=True)
    codes = {s.name: normalized(s.code) for s in sources}  # the text the shared ranges refer to
    write_json(out, pairs)
    write_pair_pages(out, pairs, codes, "../index.html")
    batch_page.copy_assets(out)
    page = batch_page.render("similarity.html", title="Similarity", count=str(len(sources)),
                             section=section(pairs, "", problems))
    write_atomic(out / "index.html", page.encode())
    return out / "index.html"
