"""`mnist-hw similarity`, calibrated on this assignment.

Independent correct solutions share their formulas, so the report must rank a disguised copy
above every pair of solutions written independently. The corpus: the correct solutions of
tests/corpus/correct/ (four of which were made from the reference solution, so they and the
reference count as one family: their pairs are neither copies nor independent) and
tests/corpus/independent/ (two more, written apart for this test), and a disguised copy of
each: names renamed, functions reordered, comments and docstrings changed, whitespace
changed, lines split and merged (tests/disguise.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.authoring.examples import SOLUTION
from autograder.batch import similarity

sys.path.insert(0, str(Path(__file__).parent))
from disguise import DISGUISES, disguise  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
# made from solution/network.py by the lead (small changes: CRLF, prints, copies, a __main__)
REFERENCE_FAMILY = {"crlf_bom_russian", "numpy_scalar_loss_prints", "inplace_on_copies", "matplotlib_main_block",
                    "kit_import_stdout_reconfigure"}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def originals() -> dict[str, str]:
    files = sorted((CORPUS / "correct").glob("*.py")) + sorted((CORPUS / "independent").glob("*.py"))
    return {"reference": read(SOLUTION), **{f.stem: read(f) for f in files}}


def family(name: str) -> str:
    name = name.removeprefix("copy_")
    return "reference" if name in REFERENCE_FAMILY else name


@pytest.fixture(scope="module")
def ranked():
    sources = {**originals()}
    sources.update({f"copy_{name}": disguise(code) for name, code in originals().items()})
    pairs = similarity.rank([similarity.Source(n, c) for n, c in sources.items()], [similarity.stub_source()])
    return pairs


def test_every_disguised_copy_ranks_above_every_independent_pair(ranked):
    copies = [p for p in ranked if p.a.removeprefix("copy_") == p.b.removeprefix("copy_")]
    independent = [p for p in ranked if family(p.a) != family(p.b)]
    assert len(copies) == len(originals())  # each original with its own copy
    assert len(independent) > 40
    lowest_copy, highest_independent = min(copies, key=lambda p: p.score), max(independent, key=lambda p: p.score)
    print(f"\nlowest disguised copy: {lowest_copy.score:.3f} ({lowest_copy.a}); highest independent pair: "
          f"{highest_independent.score:.3f} ({highest_independent.a} ~ {highest_independent.b}); "
          f"margin {lowest_copy.score - highest_independent.score:.3f}")
    assert lowest_copy.score > highest_independent.score
    assert lowest_copy.score - highest_independent.score > 0.2  # measured: 0.446


@pytest.mark.parametrize("step", sorted(DISGUISES))
def test_each_disguise_alone_is_seen_through(step):
    """One disguise at a time, on the reference: the copy keeps almost all of its score."""
    code = read(SOLUTION)
    pairs = similarity.rank([similarity.Source("a", code), similarity.Source("b", disguise(code, (step,)))],
                            [similarity.stub_source()])
    assert pairs[0].score > 0.8, (step, pairs[0].score)


def test_the_stub_is_boilerplate():
    """What every student is given is nobody's own code: two untouched stubs share nothing,
    and a solution shares nothing with the stub."""
    stub = similarity.stub_source()
    pairs = similarity.rank([similarity.Source("s1", stub), similarity.Source("s2", stub + "\n\n"),
                             similarity.Source("ref", read(SOLUTION))], [stub])
    assert {frozenset((p.a, p.b)): p.score for p in pairs} == {frozenset(("s1", "s2")): 0.0,
                                                                frozenset(("ref", "s1")): 0.0,
                                                                frozenset(("ref", "s2")): 0.0}


def test_the_command_writes_the_ranking_and_the_pages(tmp_path):
    subs, past = tmp_path / "subs", tmp_path / "2024"
    for name, code in [("alice", originals()["label_indexing_algorithm1"]),
                       ("bob", disguise(originals()["label_indexing_algorithm1"])),
                       ("carol", originals()["loops_over_keys"])]:
        (subs / name).mkdir(parents=True)
        (subs / name / "network.py").write_text(code)
    past.mkdir()
    (past / "dave.py").write_text(disguise(originals()["loops_over_keys"]))
    (past / "erin.py").write_text(originals()["layers_as_classes"])
    out = tmp_path / "report"
    done = subprocess.run(["mnist-hw", "similarity", *map(str, sorted(subs.iterdir())), "--out", str(out),
                           "--past", str(past)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((out / "similarity.json").read_text())
    pairs = [(p["a"], p["b"]) for p in report["pairs"]]
    # this year's among themselves and each with the past; never the past among themselves
    assert sorted(pairs) == sorted([("alice", "bob"), ("alice", "carol"), ("bob", "carol"), ("alice", "2024/dave"),
                                    ("alice", "2024/erin"), ("bob", "2024/dave"), ("bob", "2024/erin"),
                                    ("carol", "2024/dave"), ("carol", "2024/erin")])
    assert set(pairs[:2]) == {("alice", "bob"), ("carol", "2024/dave")}  # the two copies first
    assert {p["b"]: p["b_past"] for p in report["pairs"][:2]} == {"bob": False, "2024/dave": True}
    scores = [p["score"] for p in report["pairs"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    codes = {"alice": originals()["label_indexing_algorithm1"], "carol": originals()["loops_over_keys"]}
    for top in report["pairs"][:2]:  # line ranges within the code as shown on the pair page
        lines = similarity.normalized(codes[top["a"]]).count("\n") + 1
        assert top["a_lines"]
        assert all(1 <= first <= last <= lines for first, last in top["a_lines"]), (top["a_lines"], lines)
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in (out / "pairs").iterdir()) == [f"{n}.html" for n in range(9)]
    page = (out / "pairs" / "0.html").read_text()
    assert page.count("<mark>") > 5  # the shared regions are marked
    assert "alice ~ bob" in " ".join(done.stdout.split())


def test_bad_input_is_said(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    for args, words in [(["nowhere"], "no such file or directory"),
                        ([str(tmp_path / "a.py"), "--past", str(tmp_path / "nope")], "--past"),
                        ([str(tmp_path / "a.py"), "--boilerplate", str(tmp_path / "nope.py")], "--boilerplate"),
                        ([str(tmp_path / "a.py"), "--out", "/dev/null/out"], "/dev/null/out: Not a directory. --out")]:
        out = [] if "--out" in args else ["--out", str(tmp_path / "o")]
        done = subprocess.run(["mnist-hw", "similarity", *args, *out], capture_output=True, text=True, cwd=ROOT,
                              timeout=120)
        assert done.returncode != 0
        assert words in " ".join((done.stdout + done.stderr).split())
        assert "Traceback" not in done.stdout + done.stderr


def test_the_stub_is_the_same_without_nbgrader(monkeypatch):
    """The grader bundle has no nbgrader: its stand-in gives nbgrader's stub exactly."""
    with_nbgrader = similarity.stub_source()
    monkeypatch.setitem(sys.modules, "autograder.authoring.release", None)  # import fails, as in the bundle
    assert similarity.stub_source() == with_nbgrader
