"""The written derivation's reader on its corpora (issue 27, item 4):

    python benchmarks/derivation.py [--misses] [CORPUS.jsonl ...]

By default the project's own corpus (tests/derivation_corpus/own.jsonl, from own.py) and the red
team's (tests/derivation_corpus/redteam.jsonl, written without the reader's code). Prints per
corpus: wrong formulas suggested as right (the goal is 0), right ones recognised (goal ≥ 80%),
unreadable ones said unreadable, and the time per answer; --misses lists every case that missed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.derivation.measure import load, measure  # noqa: E402

CORPORA = [ROOT / "tests/derivation_corpus/own.jsonl", ROOT / "tests/derivation_corpus/redteam.jsonl"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args(argv)
    for path in args.corpora or CORPORA:
        rows = load(path)
        start = time.perf_counter()
        f = measure(rows)
        per = (time.perf_counter() - start) / max(1, len(rows)) * 1000
        print(f"{path.name}: {len(rows)} answers, {sum(f.counts.values())} key formulas, {per:.1f} ms an answer")
        print(f"  wrong suggested as right: {len(f.wrong_as_right)} of {f.total('wrong')} "
              f"(said wrong {f.share('wrong', 'wrong'):.1%})")
        print(f"  right recognised:         {f.counts[('right', 'right')]} of {f.total('right')} "
              f"({f.share('right', 'right'):.1%})")
        print(f"  unreadable said so:       {f.counts[('unreadable', 'unreadable')]} of {f.total('unreadable')} "
              f"({f.share('unreadable', 'unreadable'):.1%}; judged right {sum(1 for x in f.unreadable_judged if x[2] == 'right')})")
        print(f"  missing said missing:     {f.counts[('missing', 'missing')]} of {f.total('missing')}")
        if args.misses:
            for n, key, note in f.wrong_as_right:
                print(f"    WRONG AS RIGHT #{n} {key}: {note}")
            for n, key, status, note in f.right_missed:
                print(f"    right missed #{n} {key} → {status}: {note}")
            for n, key, status, note in f.unreadable_judged:
                print(f"    unreadable judged #{n} {key} → {status}: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
