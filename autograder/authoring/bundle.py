"""The grader bundle checked as graders will use it: run from its own directory, importing
nothing from outside itself, it must give the reference full marks and the stub 0.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder import manifest, scheme
from autograder.authoring.archive import STUDENT
from autograder.sandbox import tempdirs


def validate_bundle(bundle: Path, data_dir=None, skip_training: bool = False) -> dict[str, tuple[float, float]]:
    """Grade the reference and the stub (the student release beside the bundle, in
    bundle/../student) with the bundle alone; return {name: (score, expected score)}.
    Raises RuntimeError when the bundle imports from outside itself or fails to grade."""
    env = {**os.environ, "PYTHONPATH": str(bundle.resolve()), "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run([sys.executable, "-c", "import assignment, autograder, solution; "
                            "print(assignment.__file__, autograder.__file__, solution.__file__)"],
                           cwd=bundle, env=env, capture_output=True, text=True, check=True).stdout.split()
    outside = [w for w in where if not Path(w).resolve().is_relative_to(bundle.resolve())]
    if outside:
        raise RuntimeError(f"the bundle imports {outside} from outside itself")
    expected = {"reference": float(scheme.max_score(skip_training=skip_training)), "stub": 0.0}
    with tempdirs.temporary("validate") as tmp:
        for name, source in (("reference", manifest.ROOT / "solution/network.py"),
                             ("stub", bundle.parent / STUDENT / "network.py")):
            (tmp / name).mkdir()
            shutil.copyfile(source, tmp / name / "network.py")
        command = [sys.executable, "-m", "autograder", "grade", str(tmp / "reference"), str(tmp / "stub"),
                   "--out", str(tmp / "out")] + (["--skip-training"] if skip_training else []) + (
            ["--data-dir", str(data_dir)] if data_dir else [])
        done = subprocess.run(command, cwd=bundle, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the grader bundle failed: {done.stderr[-2000:]}")
        scores = {name: json.loads((tmp / "out" / name / "results.json").read_text())["score"] for name in expected}
    return {name: (scores[name], expected[name]) for name in expected}
