"""MNIST on disk: where it lives, how to load it, and how to know it is the real one.

    >>> from assignment.data import load_mnist, one_hot
    >>> mnist = load_mnist()            # the four IDX files in the data directory
    >>> mnist.x_train.shape, mnist.x_train.dtype
    ((60000, 784), dtype('float32'))
    >>> one_hot(mnist.y_train[:2])      # (2, 10) float32
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import kit_error
from .idx import IMAGES_MAGIC, LABELS_MAGIC, IDXError, parse, read_bytes

ENV_DATA_DIR = "MNIST_HW_DATA_DIR"

# The published MD5 of each *uncompressed* file: whatever the source and whether the
# file is stored gzipped or raw, these bytes are the canonical data set.
CANONICAL_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
FILES = tuple(CANONICAL_MD5)
N_CLASSES = 10


class DataMissingError(FileNotFoundError):
    """An MNIST file is not in the data directory; the message says how to fetch it (in English
    as its text, in Russian as `ru`: assignment.said)."""


class ChecksumError(ValueError):
    """A file decoded fine but is not the canonical MNIST file (the message as DataMissingError's)."""


def default_data_dir() -> Path:
    """$MNIST_HW_DATA_DIR if set, else the per-user cache directory (~/.cache/mnist-hw/mnist)."""
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR]).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mnist-hw", appauthor=False)) / "mnist"


def resolve_data_dir(data_dir: os.PathLike | str | None) -> Path:
    return Path(data_dir).expanduser() if data_dir is not None else default_data_dir()


def locate(data_dir: os.PathLike | str | None, name: str) -> Path:
    """The path of file `name` (raw, or else `name.gz`) in the data directory."""
    directory = resolve_data_dir(data_dir)
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise kit_error(DataMissingError, "data_missing", name, directory, ENV_DATA_DIR)


def md5(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


def verify_content(path: Path, name: str, content: bytes) -> None:
    """Raise ChecksumError unless `content` is the canonical file `name`."""
    digest = md5(content)
    if digest != CANONICAL_MD5[name]:
        raise kit_error(ChecksumError, "checksum", path, digest, name, CANONICAL_MD5[name])


def read_pair(images_path: Path, labels_path: Path, images: bytes | None = None,
              labels: bytes | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Decode an image file and its label file and check they belong together.

    Returns a tuple of:
    - images: uint8 array of shape (N, rows, cols)
    - labels: uint8 array of shape (N,), each in 0..9
    """
    x = parse(images_path, read_bytes(images_path) if images is None else images, IMAGES_MAGIC)
    y = parse(labels_path, read_bytes(labels_path) if labels is None else labels, LABELS_MAGIC)
    if x.ndim != 3:
        raise IDXError(images_path, "idx_not_3d", x.shape, advice=None)
    if x.dtype != np.uint8 or y.dtype != np.uint8:
        raise IDXError(images_path if x.dtype != np.uint8 else labels_path, "idx_not_bytes", advice=None)
    if len(x) != len(y):
        raise IDXError(images_path, "idx_counts", len(x), labels_path.name, len(y), advice="idx_refetch_both")
    bad = np.flatnonzero(y >= N_CLASSES)
    if bad.size:
        raise IDXError(labels_path, "idx_label", int(y[bad[0]]), int(bad[0]), bad.size)
    return x, y


@dataclass(frozen=True)
class MNIST:
    """The data set as the lesson uses it: images flattened to 784 floats in [0, 1]."""

    x_train: np.ndarray  # (60000, 784) float32
    y_train: np.ndarray  # (60000,) int64
    x_test: np.ndarray  # (10000, 784) float32
    y_test: np.ndarray  # (10000,) int64


def read_split(data_dir: os.PathLike | str | None, split: str, verify: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Read one split ('train' or 't10k') as it is stored: (uint8 (N, 28, 28), uint8 (N,)), checked
    as load_split checks it (the canonical MD5 with verify, the IDX format, the labels)."""
    names = (f"{split}-images-idx3-ubyte", f"{split}-labels-idx1-ubyte")
    paths = [locate(data_dir, name) for name in names]
    contents = [read_bytes(p) for p in paths]
    if verify:
        for path, name, content in zip(paths, names, contents):
            verify_content(path, name, content)
    return read_pair(paths[0], paths[1], *contents)


def load_split(data_dir: os.PathLike | str | None, split: str, verify: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Load one split ('train' or 't10k') as (float32 (N, 784) in [0, 1], int64 (N,))."""
    x, y = read_split(data_dir, split, verify)
    return to_float(x), y.astype(np.int64)


def check_mnist(data_dir: os.PathLike | str | None = None) -> None:
    """Raise what load_mnist would (DataMissingError, ChecksumError, IDXError) for a missing or
    corrupt file, without making the float arrays (`mnist-hw grade` checks the data up front;
    each grading loads what it uses)."""
    for split in ("train", "t10k"):
        read_split(data_dir, split)


def to_float(images: np.ndarray) -> np.ndarray:
    """uint8 (N, rows, cols) -> float32 (N, rows*cols) scaled to [0, 1], as the lesson does (/255)."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)


def load_mnist(data_dir: os.PathLike | str | None = None, verify: bool = True) -> MNIST:
    """Load the four files from `data_dir` (default: see default_data_dir).

    With verify (the default) every file must match the canonical MD5, so a grade or
    a recorded accuracy always refers to the real MNIST.
    """
    x_train, y_train = load_split(data_dir, "train", verify)
    x_test, y_test = load_split(data_dir, "t10k", verify)
    return MNIST(x_train, y_train, x_test, y_test)


def one_hot(labels: np.ndarray, n_classes: int = N_CLASSES, dtype=np.float32) -> np.ndarray:
    """Integer labels (N,) -> one-hot rows (N, n_classes), as keras.utils.to_categorical."""
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise kit_error(ValueError, "labels_range", n_classes - 1, labels.min(), labels.max())
    out = np.zeros((labels.shape[0], n_classes), dtype=dtype)
    out[np.arange(labels.shape[0]), labels] = 1
    return out


def status(data_dir: os.PathLike | str | None = None, lang: str = "en") -> dict[str, str]:
    """For each file: 'ok', 'missing', or what is wrong with it, said in `lang` (en or ru)."""
    report = {}
    for name in FILES:
        try:
            path = locate(data_dir, name)
            verify_content(path, name, read_bytes(path))
            report[name] = "ok"
        except DataMissingError:
            report[name] = "missing"
        except (IDXError, ChecksumError) as exc:
            report[name] = getattr(exc, "ru", str(exc)) if lang == "ru" else str(exc)
    return report
