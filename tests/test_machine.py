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

from autograder import scheme
from autograder.sandbox import machine

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
def test_the_same_submission_gets_the_same_grade_under_two_blas_kernels(tmp_path, mnist_dir, reference_trained):
    """The grader started with the CPU's own OpenBLAS kernel (AVX-512 where it has it) and
    with the Sandy Bridge one: the worker's training and the grader's accuracy are bit for
    bit the same. Only kernels this CPU can run are forced: SkylakeX on a CPU without AVX-512
    dies of SIGILL (CI's machine did, exit -4). The own kernel's grading is the run's shared
    one (conftest.py's reference_trained, a grader started with it forced)."""
    submission = tmp_path / "reference"
    submission.mkdir()
    shutil.copy(ROOT / "solution/network.py", submission / "network.py")
    gradings = [reference_trained.out / "reference/grade.json"]
    out = tmp_path / "Sandybridge"
    env = {**os.environ, "OPENBLAS_CORETYPE": "Sandybridge"}
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--out", str(out),
                           "--jobs", "1", "--data-dir", str(mnist_dir)], env=env, capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    gradings.append(out / "reference/grade.json")
    grades = []
    for path in gradings:
        grade = json.loads(path.read_text())
        history = {k: v for k, v in grade["history"].items() if k != "seconds"}  # wall times differ
        grades.append((grade["score"], grade["test_accuracy"], history))
    assert grades[0][0] == grades[1][0] == 90
    assert grades[0][1] == grades[1][1]  # the exact accuracy, not only the points
    assert grades[0][2] == grades[1][2]


KERNEL_PROBE = """
import numpy as np
def forward(params, X):
    return params["W1"].T @ X.T, {}
"""


def products_under(kernel: str, w, x):
    """(w.T @ x.T) computed in a fresh process whose OpenBLAS uses `kernel`."""
    code = ("import sys, numpy as np; w = np.frombuffer(sys.stdin.buffer.read(), np.float32); "
            f"x, w = w[:{x.size}].reshape({x.shape}), w[{x.size}:].reshape({w.shape}); "
            "sys.stdout.buffer.write((w.T @ x.T).tobytes())")
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code], input=x.tobytes() + w.tobytes(), env=env,
                          capture_output=True, check=True)
    import numpy as np

    return np.frombuffer(done.stdout, np.float32).reshape(w.shape[1], x.shape[0])


@pytest.mark.skipif("OPENBLAS_CORETYPE" not in machine.blas_environment(), reason="not an x86-64 CPU with AVX2/FMA")
def test_the_worker_multiplies_with_the_pinned_kernel_whatever_the_cpu(tmp_path):
    """The sandboxed worker's float32 products are bit for bit those of the pinned kernel,
    not of the kernel OpenBLAS would pick for this CPU (where the two differ). Without the
    pin (today's main before this test) the first assertion fails on an AVX-512 machine."""
    import numpy as np

    from autograder.sandbox.box import Sandbox

    rng = np.random.default_rng(0)
    x, w = rng.random((200, 784), dtype=np.float32), rng.standard_normal((784, 800), dtype=np.float32) * 0.05
    (tmp_path / "network.py").write_text(KERNEL_PROBE)
    with Sandbox(tmp_path / "network.py") as sandbox:
        got = sandbox.call("forward", {"W1": w}, x)[0]
    assert np.array_equal(got, products_under(machine.KERNEL, w, x))
    if "avx512f" in machine._cpu_flags():  # here the CPU's own kernel sums differently: the pin is what matters
        assert not np.array_equal(got, products_under("SkylakeX", w, x))
