"""A release on disk: the two trees and their zips, written so that the same files always
give the same bytes (sorted, fixed dates and modes, stored uncompressed).

    OUT/student/      OUT/student.zip      (under mnist-hw/)
    OUT/autograder/   OUT/autograder.zip   (at the zip's root: a Gradescope autograder)
"""
from __future__ import annotations

import io
import shutil
import stat
import zipfile
from pathlib import Path

STUDENT, GRADER = "student", "autograder"
PREFIX = {STUDENT: "mnist-hw/", GRADER: ""}  # where each tree sits inside its zip
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build time leaks into the bytes
EXECUTABLE = {"run_autograder", "setup.sh"}  # Gradescope runs them as they are


def _mode(rel: str) -> int:
    return 0o755 if rel in EXECUTABLE else 0o644


def zip_bytes(files: dict[str, bytes], prefix: str = "") -> bytes:
    """A zip that depends only on the files (path -> bytes): sorted, fixed date and modes,
    stored (zlib's output may differ between versions; a few hundred kB need no compression)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(prefix + name, ZIP_DATE)
            info.external_attr = (stat.S_IFREG | _mode(name)) << 16
            info.create_system = 3  # unix, so the modes mean what they say
            archive.writestr(info, files[name])
    return buffer.getvalue()


def write(release, out: Path) -> list[Path]:
    """Replace out/student, out/autograder and their zips with a Release's files (its
    .student and .grader: path -> bytes); leave anything else in `out` alone. Returns the
    paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, files in ((STUDENT, release.student), (GRADER, release.grader)):
        directory = out / name
        staging = out / f".{name}.new"
        shutil.rmtree(staging, ignore_errors=True)
        for rel, content in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            path.chmod(_mode(rel))
        shutil.rmtree(directory, ignore_errors=True)
        staging.rename(directory)  # a half-written release is never left under the real name
        archive = out / f"{name}.zip"
        archive.write_bytes(zip_bytes(files, PREFIX[name]))
        written += [directory, archive]
    return written


def read_tree(directory: Path) -> dict[str, bytes]:
    """A written tree back as path -> bytes (what write() was given), caches left out."""
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}
