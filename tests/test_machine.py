"""The same submission gets the same points on every machine: the BLAS kernel is pinned in
every process a grade depends on, and points come from a rounded accuracy."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import machine, scheme

ROOT = Path(__file__).resolve().parents[1]


def test_points_come_from_the_accuracy_rounded_to_ten_test_images():
    keras = 0.9830  # full points from 97.8%
    assert scheme.training_fraction(0.9776, keras) == 1.0  # counted as 97.8%
    assert scheme.training_fraction(0.9824, keras) == scheme.training_fraction(0.9818, keras) == 1.0
    assert scheme.training_fraction(0.9614, keras) == scheme.training_fraction(0.9606, keras)  # both 96.1%
    assert scheme.training_fraction(0.9614, keras) < scheme.training_fraction(0.9626, keras)
    assert scheme.training_fraction(0.9504, keras) == 0.0
    assert scheme.training_fraction(float("nan"), keras) == 0.0


@pytest.mark.skipif("OPENBLAS_CORETYPE" not in machine.blas_environment(), reason="not an x86-64 CPU with AVX2/FMA")
@pytest.mark.slow
def test_the_same_submission_gets_the_same_grade_under_two_blas_kernels(tmp_path, mnist_dir):
    """The grader started with OpenBLAS's AVX-512 kernel and with its Sandy Bridge one: the
    worker's training and the grader's accuracy are bit for bit the same."""
    submission = tmp_path / "reference"
    submission.mkdir()
    shutil.copy(ROOT / "solution/network.py", submission / "network.py")
    grades = []
    for kernel in ("SkylakeX", "Sandybridge"):
        out = tmp_path / kernel
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--out", str(out),
                               "--jobs", "1", "--data-dir", str(mnist_dir)], env=env, capture_output=True, text=True,
                              cwd=ROOT)
        assert done.returncode == 0, done.stderr[-2000:]
        grade = json.loads((out / "reference/grade.json").read_text())
        history = {k: v for k, v in grade["history"].items() if k != "seconds"}  # wall times differ
        grades.append((grade["score"], grade["test_accuracy"], history))
    assert grades[0][0] == grades[1][0] == 90
    assert grades[0][1] == grades[1][1]  # the exact accuracy, not only the points
    assert grades[0][2] == grades[1][2]
