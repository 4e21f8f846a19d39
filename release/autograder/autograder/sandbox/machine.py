"""What keeps a grade independent of the machine it is computed on.

Grading is deterministic on one machine (derandomized checks, fixed seeds, one BLAS
thread), but OpenBLAS picks its matrix-multiply kernel for the CPU it finds, and kernels
sum in different orders: the same correct network.py, trained by the kit's loop, reached
98.24% with the AVX-512 kernels and 98.18% with the AVX2 (Haswell) ones on one machine. So
every process that computes anything a grade depends on — the sandboxed worker that trains,
the grading process that measures accuracy — runs with one kernel pinned: Haswell's, which
every x86-64 CPU with AVX2 and FMA runs (Intel since 2013, AMD since 2015). On a CPU without
them (or not x86) nothing is pinned; the accuracy is then rounded (scheme.ACCURACY_STEP),
which absorbs differences of a few test images.
"""
from __future__ import annotations

import functools
import platform
from pathlib import Path

KERNEL = "Haswell"


@functools.lru_cache(maxsize=None)
def _cpu_flags() -> frozenset[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def blas_environment() -> dict[str, str]:
    """Environment variables that pin the BLAS kernel and its threads, for a process that
    has not imported numpy yet (OpenBLAS reads them when it loads)."""
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    if platform.machine() in ("x86_64", "AMD64") and {"avx2", "fma"} <= _cpu_flags():
        env["OPENBLAS_CORETYPE"] = KERNEL
    return env
