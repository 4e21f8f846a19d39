"""Time one correct submission graded completely (training included) with bubblewrap and with
the fallback (bubblewrap hidden: Landlock, seccomp, a user of its own), alternating, in one run;
and the time a fresh sandbox takes to start and to `import matplotlib.pyplot` (font cache
included) in each mode.

    python benchmarks/sandbox_modes.py [--repeat 2] [--skip-training]
"""
import argparse
import os
import time
from pathlib import Path

from autograder.authoring.examples import SOLUTION
from autograder.batch import run as batch
from autograder.sandbox import box as sandbox

PLOT = "import time\n_t = time.perf_counter()\nimport matplotlib.pyplot\nprint('import', time.perf_counter() - _t)\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-training", action="store_true")
    a = parser.parse_args()
    content = SOLUTION.read_bytes()
    times = {"bubblewrap": [], "fallback": []}
    starts = {"bubblewrap": [], "fallback": []}
    plots = {"bubblewrap": [], "fallback": []}
    plot_py = Path("/tmp") / f"mnist-hw-bench-{os.getpid()}.py"
    plot_py.write_text(PLOT)
    try:
        for _ in range(a.repeat):
            for mode in times:
                if mode == "fallback":
                    os.environ[sandbox.MODE_VARIABLE] = "fallback"
                else:
                    os.environ.pop(sandbox.MODE_VARIABLE, None)
                started = time.perf_counter()
                with sandbox.Sandbox(plot_py) as box:
                    starts[mode].append(time.perf_counter() - started)
                    plots[mode].append(float(box.output().split("import")[1]))
                started = time.perf_counter()
                grade = batch.grade_content(content, skip_training=a.skip_training)
                times[mode].append(time.perf_counter() - started)
                print(f"{mode}: {times[mode][-1]:.1f} s, score {grade['score']}; sandbox start with "
                      f"matplotlib {starts[mode][-1]:.2f} s, of which the import {plots[mode][-1]:.2f} s", flush=True)
    finally:
        plot_py.unlink()
    for mode in times:
        print(f"{mode}: grading {min(times[mode]):.1f}-{max(times[mode]):.1f} s; start + import matplotlib "
              f"{min(starts[mode]):.2f}-{max(starts[mode]):.2f} s")


if __name__ == "__main__":
    main()
